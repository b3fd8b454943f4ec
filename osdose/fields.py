"""How every field of every osdose file is read: the one place for each reading rule.

A document's scalars arrive as the text written (YAML, see :mod:`osdose.reader`) or as
JSON's own values. Each reader here turns one into what its field holds, or raises
:class:`FieldError` saying what is wrong and how to write it:

- identifiers (patient ids, regimen and drug names, signatures) are text exactly as
  written, refused when they hold control, bidirectional-override, zero-width or
  line-separator characters, leading/trailing spaces, a form other than NFC, compatibility
  characters or Cyrillic/Greek letters passing for Latin ones (two different ids must never
  look the same, :func:`lookalike`);
- in YAML, unquoted text that YAML 1.1 reads as something else (``0042``, ``off``,
  ``1:30``, a date: :class:`osdose.reader.Plain`) is refused where text belongs, with the
  hint to quote it;
- free text (notes) may hold line breaks but no other control characters; reasons are one
  line;
- whole numbers are plain decimals (``0042``, ``1:30``, ``0o12``, ``yes`` are refused with
  a hint); decimals are finite and in range; dates are ``YYYY-MM-DD`` within a range;
- quantities stay text here and are read by :mod:`osdose.units` where their field's
  dimension is known.

The ``Annotated`` types at the bottom put these readers into the pydantic models of the
files (:mod:`osdose.models`), so that validation and ``osdose schema`` share them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from osdose.errors import shown
from osdose.reader import Plain

MAX_TEXT = 10_000  # characters of any free-text field
MAX_ID = 200  # characters of an identifier
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]{0,17})$")
# No leading zero: YAML 1.1 reads 0070 as the octal 56, so a plain decimal never has one.
_DECIMAL = re.compile(
    r"^[-+]?(?:(?:0|[1-9][0-9]{0,16})(?:\.[0-9]{0,17})?|\.[0-9]{1,17})(?:[eE][-+]?[0-9]{1,3})?$"
)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Characters that make two different texts look the same, or reorder what is shown.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u00ad]")


class FieldError(ValueError):
    """A field's value that cannot be read; the message says what and how to fix it."""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return shown(value)


# Unicode's categories Cc (controls), Cs (surrogates), Zl and Zp (line and paragraph
# separators) are exactly these ranges (fixed by the standard; tests/test_fields_controls.py
# checks them against unicodedata), and the invisible ones: one search in C instead of a
# look-up per character. In free text, tab and newline are allowed.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]|" + _INVISIBLE.pattern)
_FORBIDDEN_IN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]|" + _INVISIBLE.pattern
)


def _controls(text: str, allow_newlines: bool) -> str | None:
    """The first forbidden character of ``text`` as ``U+XXXX`` (``None`` when clean): a
    control (Cc), surrogate (Cs), line or paragraph separator (Zl, Zp) or invisible one."""
    found = (_FORBIDDEN_IN_TEXT if allow_newlines else _FORBIDDEN).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def _quoted(value: Any) -> None:
    """Refuse unquoted YAML that another YAML 1.1 reader would not read as this text."""
    if isinstance(value, Plain):
        raise FieldError(
            f"{str(value)!r} must be quoted: unquoted, YAML 1.1 reads it as {value.yaml11}; "
            f'write it as "{value}" to mean the text'
        )


def _noun(what: str) -> str:
    """``an identifier`` → ``identifier``."""
    for article in ("a ", "an "):
        if what.startswith(article):
            return what[len(article) :]
    return what


def identifier(value: Any, what: str = "an identifier") -> str:
    """Text exactly as written, or a JSON integer as its decimal text. Refused: empty,
    surrounded by spaces, longer than :data:`MAX_ID`, unquoted YAML that YAML 1.1 reads as
    something else (``0042``, ``off``, ``1:30``), an invisible or control character, or
    characters that make it look like another identifier (:func:`lookalike`)."""
    _quoted(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(f"must be {what} written as text, got {_kind(value)} (quote it)")
    text = str(value)
    if not text.strip():
        raise FieldError(f"must be {what}, got an empty text")
    if text != text.strip():
        raise FieldError(
            f"{text!r} starts or ends with a space: it would be a different {_noun(what)}"
        )
    if len(text) > MAX_ID:
        raise FieldError(f"is longer than {MAX_ID} characters")
    bad = _controls(text, allow_newlines=False)
    if bad:
        raise FieldError(
            f"holds the invisible or control character {bad}: two different {_noun(what)}s "
            "could look the same; type it again"
        )
    look = lookalike(text)
    if look:
        raise FieldError(f"{text!r} {look}: two different {_noun(what)}s could look the same")
    return text


# Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the letters that
# occur in identifiers): "Р-0042" (Cyrillic Er) looks exactly like "P-0042".
_LATIN_LOOKALIKES = frozenset(
    "АВЕЅІЈКМНОРСТХУаеіјорсхуѕԁԛԝһӏ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ"  # Greek
)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script
    return ""


def lookalike(text: str) -> str | None:
    """Why ``text`` could be taken for another identifier, or ``None``: not in NFC form, a
    compatibility character (fullwidth ``Ｐ``, ligature ``ﬁ``, superscript ``²``: its plain
    form is different text that looks the same), Latin letters mixed with Cyrillic or Greek
    ones, or Cyrillic/Greek letters that are all drawn like Latin ones. Look-alikes within
    one script (``0``/``O``, ``l``/``I``) are not detected."""
    if text.isascii():
        return None  # ASCII is its own NFC and NFKC form, and its letters are all Latin
    if unicodedata.normalize("NFC", text) != text:
        return (
            "is not in Unicode NFC form (a letter and its accent stored as two characters, "
            "which looks the same as the one-character form): type it again"
        )
    plain = unicodedata.normalize("NFKC", text)
    if plain != text:
        bad = next((ch for ch in text if unicodedata.normalize("NFKC", ch) != ch), text[0])
        return f"holds the compatibility character {bad!r} (U+{ord(bad):04X}); write {plain!r}"
    scripts = {_script(ch) for ch in text if ch.isalpha()} - {""}
    if "LATIN" in scripts and len(scripts) > 1:
        other = sorted(scripts - {"LATIN"})[0].capitalize()
        return f"mixes Latin and {other} letters"
    if len(scripts) > 1:
        return "mixes Cyrillic and Greek letters"
    letters = [ch for ch in text if ch.isalpha()]
    if scripts and letters and all(ch in _LATIN_LOOKALIKES for ch in letters):
        return f"is written in {scripts.pop().capitalize()} letters that look like Latin ones"
    return None


def free_text(value: Any) -> str:
    """Notes and descriptions: text (line breaks allowed), no other control characters; in
    YAML, unquoted text that YAML 1.1 reads as something else is refused (quote it)."""
    if (  # text (not Plain) within bounds and clean: most values
        value.__class__ is str and len(value) <= MAX_TEXT and not _FORBIDDEN_IN_TEXT.search(value)
    ):
        return value
    _quoted(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise FieldError(f"must be text, got {_kind(value)}")
    text = str(value)
    if len(text) > MAX_TEXT:
        raise FieldError(f"is longer than {MAX_TEXT} characters")
    bad = _controls(text, allow_newlines=True)
    if bad:
        raise FieldError(f"holds the control or invisible character {bad}: remove it")
    return text


def one_line(value: Any) -> str:
    """A short text shown in a table cell (a route: ``IV``): free text on one line."""
    text = free_text(value)
    if "\n" in text or "\t" in text:
        raise FieldError("must be one line (a line break could forge a line of a report)")
    return text


def reason(value: Any) -> str:
    """A reason or signature: one line of text that says something (3 characters or more)."""
    text = free_text(value).strip()
    if "\n" in text or "\t" in text:
        raise FieldError("must be one line (a line break could forge a line of a report)")
    if len(text) < 3:
        raise FieldError("must say why (at least 3 characters)")
    return text


def whole(value: Any, low: int | None = None, high: int | None = None) -> int:
    """A whole number written as a plain decimal, within ``low``–``high``."""
    if isinstance(value, bool):
        raise FieldError("must be a whole number, got a yes/no value")
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"must be a whole number, got {value!r}")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not _INT.match(text):
            hint = _number_hint(text)
            raise FieldError(
                f"must be a whole number written as a plain decimal, got {shown(text)}{hint}"
            )
        value = int(text)
    if not isinstance(value, int):
        raise FieldError(f"must be a whole number, got {_kind(value)}")
    _in_range(value, low, high)
    return value


def decimal(value: Any, low: float | None = None, high: float | None = None) -> float:
    """A finite decimal number (``1.5``, ``75``, ``1e3``), within ``low``–``high``."""
    if isinstance(value, bool):
        raise FieldError("must be a number, got a yes/no value")
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.match(text):
            raise FieldError(
                f"must be a number written as a plain decimal, got {shown(text)}"
                f"{_number_hint(text)}"
            )
        value = float(text)
    if isinstance(value, int):
        if abs(value) > 10**15:
            raise FieldError(f"is far out of range: {str(value)[:20]}…")
        value = float(value)
    if not isinstance(value, float):
        raise FieldError(f"must be a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise FieldError(f"must be a finite number, got {value!r}")
    _in_range(value + 0.0, low, high)
    return value + 0.0


def _in_range(value: float, low: float | None, high: float | None) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "" if low is None else _shown(low)
        hi = "" if high is None else _shown(high)
        span = f"from {lo} to {hi}" if lo and hi else f"at least {lo}" if lo else f"at most {hi}"
        raise FieldError(f"must be {span}, got {_shown(value)}")


def _shown(x: float) -> str:
    """A number in a message: a large whole number in full (1,048,576), else as ``g``."""
    return f"{int(x):,}" if abs(x) >= 1e6 and float(x).is_integer() and abs(x) < 1e18 else f"{x:g}"


def _number_hint(text: str) -> str:
    if re.match(r"^[-+]?0[0-7]+$", text):
        return f" (a leading zero reads as octal in YAML 1.1: write {int(text)})"
    if re.match(r"^[-+]?0[0-9]+$", text):
        return f" (no leading zero: write {int(text)})"
    if re.match(r"^[0-9]+(:[0-5]?[0-9])+$", text):
        return " (YAML 1.1 reads this as a base-60 number: write the plain number)"
    if text.lower() in ("yes", "no", "on", "off", "y", "n", "true", "false"):
        return " (a yes/no word, not a number)"
    if re.match(r"^[-+]?0[xXoObB]", text):
        return " (write the plain decimal number)"
    if "_" in text or "," in text:
        return " (no thousands separators)"
    return ""


def date(value: Any, low: dt.date = MIN_DATE, high: dt.date = MAX_DATE) -> dt.date:
    """A date written ``YYYY-MM-DD``, from ``low`` to ``high``."""
    day: dt.date
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = value.strip() if isinstance(value, str) else None
        if text is None or not _DATE.match(text):
            raise FieldError(f"must be a date written YYYY-MM-DD, got {_kind(value)}")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise FieldError(f"is not a date: {text!r} ({exc})") from None
    if not low <= day <= high:
        raise FieldError(f"{day} is outside {low}–{high}: check the year")
    return day


def date_not_after_today(value: Any) -> dt.date:
    """A date written ``YYYY-MM-DD`` that has happened: the date of something done, such as
    an approval. As for history, tomorrow is still accepted (the thresholds file's
    ``dates.history_future_days``: a date written where the day has begun, read where it
    has not)."""
    from osdose import clock

    day = date(value)
    latest = clock.latest_done()
    if day > latest:
        raise FieldError(
            f"{day} is in the future (latest date accepted {latest}): write the date it was done"
        )
    return day


def days_value(value: Any) -> list[int | str] | int | str:
    """Days as written (``[1, 8]``, ``1``, ``"1-5"``, ``"1-3, 8"``), with each plain day read
    as a whole number whether YAML text or JSON, so that the same days compare equal;
    :func:`osdose.regimen.parse_days` reads the ranges."""

    if isinstance(value, list):
        return [_day_value(v) for v in value]
    return _day_value(value)


def _day_value(v: Any) -> int | str:
    """One day of :func:`days_value`."""
    if v.__class__ is str and v.isascii() and v.isdigit() and len(v) <= 18 and v[0] != "0":
        return int(v)  # a plain decimal day (1, 8, 21): what whole(v, 0) reads it as
    if isinstance(v, str) and _INT.match(v.strip()):
        return whole(v, 0)
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise FieldError(f"must be day numbers, got {_kind(v)}")
    return v


def boolean(value: Any) -> bool:
    """``true`` or ``false`` (a JSON boolean, or the word in any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise FieldError(f"must be true or false, got {_kind(value)}")


def quantity_text(value: Any) -> str:
    """A quantity as written, read later by :mod:`osdose.units` (a bare number is kept so
    that the unit check can say it has no unit)."""
    if isinstance(value, bool) or value is None:
        raise FieldError(f"must be a quantity with its unit, got {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(f"must be a finite quantity, got {value!r}")
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        raise FieldError(f"must be one quantity with its unit, got {_kind(value)}")
    return value.strip()


# -- pydantic types ----------------------------------------------------------------------


def _wrap(fn: Any) -> Any:
    def validate(value: Any) -> Any:
        try:
            return fn(value)
        except FieldError as exc:
            raise PydanticCustomError("osdose", "{m}", {"m": str(exc)}) from None

    return BeforeValidator(validate)


_STR = WithJsonSchema({"type": "string"})
_NUM = WithJsonSchema({"type": ["number", "string"]})
_INT_SCHEMA = WithJsonSchema({"type": ["integer", "string"]})

Identifier = Annotated[str, _wrap(identifier), _STR]
FreeText = Annotated[str, _wrap(free_text), _STR]
OneLine = Annotated[str, _wrap(one_line), _STR]
Reason = Annotated[str, _wrap(reason), _STR]
QuantityText = Annotated[str, _wrap(quantity_text), WithJsonSchema({"type": ["string", "number"]})]
Date = Annotated[dt.date, _wrap(date), WithJsonSchema({"type": "string", "format": "date"})]
PastDate = Annotated[
    dt.date, _wrap(date_not_after_today), WithJsonSchema({"type": "string", "format": "date"})
]
Bool = Annotated[bool, _wrap(boolean), WithJsonSchema({"type": ["boolean", "string"]})]
Days = Annotated[
    list[int | str] | int | str,
    _wrap(days_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": ["integer", "string"]}},
                {"type": ["integer", "string"]},
            ]
        }
    ),
]


def whole_in(low: int | None = None, high: int | None = None) -> Any:
    """The validator of a whole number from ``low`` to ``high``:
    ``Annotated[int, whole_in(1, 365), INT_SCHEMA]``."""
    return _wrap(lambda v: whole(v, low, high))


def decimal_in(low: float | None = None, high: float | None = None) -> Any:
    """The validator of a finite decimal from ``low`` to ``high``:
    ``Annotated[float, decimal_in(1, 100), NUMBER_SCHEMA]``."""
    return _wrap(lambda v: decimal(v, low, high))


INT_SCHEMA = _INT_SCHEMA
NUMBER_SCHEMA = _NUM
Percent = Annotated[float, decimal_in(1, 100), _NUM]
