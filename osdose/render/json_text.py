"""JSON scalars as text, as ``json.dumps`` writes them (``ensure_ascii=False``,
``allow_nan=False``), for the outputs written a record at a time rather than by dumping a
whole document: ``ledger list --format json`` and ``ledger export --format jsonl``."""

from __future__ import annotations

import math
from json.encoder import encode_basestring


def string(v: str | None) -> str:
    """A text (``null`` for ``None``), by the C encoder ``json.dumps`` uses."""
    return "null" if v is None else encode_basestring(v)


def number(v: float | None) -> str:
    """A number (``null`` for ``None``); NaN and the infinities are refused."""
    if v is None:
        return "null"
    kind = type(v)
    if kind is float:
        if v - v != 0:  # NaN or an infinity: never written (allow_nan=False)
            raise ValueError(f"{v!r} is not a number JSON can hold")
        return float.__repr__(v)
    if kind is bool:
        return "true" if v else "false"
    if kind is int:
        return int.__repr__(v)
    if isinstance(v, float) and math.isfinite(v):
        return float.__repr__(v)
    return int.__repr__(int(v))


def cached_number(v: float | None) -> str:
    """:func:`number`, a float's text kept (a patient's doses, BSAs and percents repeat:
    ``repr`` of a float was a third of the time of a listed record)."""
    if type(v) is not float:
        return number(v)
    text = _FLOAT_TEXT.get(v)
    if text is None:
        text = number(v)  # NaN and the infinities refused, never kept
        if v and len(_FLOAT_TEXT) < 4096:  # not 0.0, equal to -0.0 but written otherwise
            _FLOAT_TEXT[v] = text
    return text


_FLOAT_TEXT: dict[float, str] = {}
