"""``osdose verify --format json``: the output contract, keys exactly as issue 4 names them.

One order is an object; several are a list of them. Values are unrounded. Every check has
the same seven keys (``null`` where a key does not apply); a ``rounding`` check adds
``rounded_mg``. An order that could not be read is a failed order with one ``input`` check.
"""

from __future__ import annotations

import json
from typing import Any

from osdose.status import Verdict
from osdose.verify.result import CheckResult
from osdose.verify.run import Outcome, Unreadable


def check_doc(c: CheckResult) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "check": c.check,
        "drug": c.drug,
        "expected_mg": c.expected_mg,
        "prescribed_mg": c.prescribed_mg,
        "deviation_percent": c.deviation_percent,
        "status": c.status,
        "message": c.message,
    }
    if c.check == "rounding":
        doc["rounded_mg"] = c.rounded_mg
    doc.update(c.extra)
    return doc


def order_doc(v: Outcome) -> dict[str, Any]:
    if isinstance(v, Unreadable):
        return {
            "order": v.label,
            "patient": None,
            "status": "fail",
            "bsa_m2": None,
            "checks": [check_doc(CheckResult("input", Verdict.FAIL, v.message))],
        }
    return {
        "order": v.label,
        "patient": v.order.patient.id,
        "status": v.status,
        "bsa_m2": v.bsa.m2,
        "checks": [check_doc(c) for c in v.checks],
    }


def verify_doc(outcomes: list[Outcome], several: bool) -> Any:
    """One object for a single order, a list when several were asked for."""
    docs = [order_doc(v) for v in outcomes]
    return docs if several else docs[0]


# One encoder for every line: json.dumps with options would build a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False).encode


def order_line(v: Outcome) -> tuple[str, str | None, str]:
    """(status, error message of an unreadable order, the order as one line of JSON)."""
    err = v.message if isinstance(v, Unreadable) else None
    return v.status, err, _ENCODE(order_doc(v))
