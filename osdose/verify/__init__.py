"""Pharmacist spot-verification of a chemotherapy order (``osdose verify``).

from osdose.drugs import load_drugs
from osdose.verify import Options, load_order, verify_order
table = load_drugs()
result = verify_order(load_order("order.yaml", table), table, Options())
result.status, [c.message for c in result.checks]
"""

from __future__ import annotations

from osdose.verify.order import Order, build_order, with_history
from osdose.verify.order_files import load_order, order_from_object, orders
from osdose.verify.result import CheckResult, Options
from osdose.verify.run import (
    CHECK_FUNCTIONS,
    CHECKS,
    Outcome,
    Unreadable,
    Verification,
    verify_order,
)

__all__ = [
    "CHECKS",
    "CHECK_FUNCTIONS",
    "CheckResult",
    "Options",
    "Order",
    "Outcome",
    "Unreadable",
    "Verification",
    "build_order",
    "load_order",
    "order_from_object",
    "orders",
    "verify_order",
    "with_history",
]
