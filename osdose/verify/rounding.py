"""Dose rounding by the drug table's rule: nearest step (1 mg unless the table says),
nearest vial combination, or a dose-banding table.

The rule lives in the drug reference (``rounding:`` of each drug) so that an institution
sets it. HOPA (Fahrenbruch et al., JOP 2018) accepts rounding within 10% of the ordered
dose; osdose refuses anything beyond ``--round-limit`` (5% unless set). NHS England dose
banding: the banded dose is the band's midpoint, bands within 6% of the calculated dose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from osdose.drugs import Drug, DrugTable, Rounding
from osdose.errors import OsdoseError
from osdose.verify.result import num

_MAX_STEPS = 200_000  # a vial table whose sizes share no useful divisor is refused, not ground


#: A drug's rounding rule, read and checked with the drug table (:class:`osdose.drugs.Rounding`).
Rule = Rounding


@dataclass(frozen=True)
class Rounded:
    """``value`` in mg, or ``None`` when the rule has no dose for it (outside every band)."""

    value: float | None
    how: str


@cache
def rule_for(table: DrugTable, name: str) -> Rule:
    """The rounding rule of drug ``name`` (nearest 1 mg when the table gives none)."""
    drug: Drug = table.drugs[name]
    if drug.rounding is None:
        return Rule("nearest", 1.0, source="no rule in the drug table: nearest mg")
    return drug.rounding


def _vials(target: float, sizes: tuple[float, ...]) -> Rounded:
    # Work in whole micrograms so that sizes like 2.5 mg combine exactly.
    ug = [round(s * 1000) for s in sizes]
    g = math.gcd(*ug)
    units = [u // g for u in ug]
    top = math.ceil(target * 1000 / g) + max(units)
    if top > _MAX_STEPS:
        raise OsdoseError(f"vial sizes {sizes} cannot be combined in reasonable time")
    inf = math.inf
    count = [0.0] + [inf] * top
    last = [0] * (top + 1)
    for k in range(1, top + 1):
        for u in units:
            if u <= k and count[k - u] + 1 < count[k]:
                count[k] = count[k - u] + 1
                last[k] = u
    reachable = [k for k in range(1, top + 1) if count[k] < inf]
    # Nearest reachable amount; on a tie the lower one (never round up by choice).
    best = min(reachable, key=lambda k: (abs(k * g / 1000 - target), k))
    used: dict[float, int] = {}
    k = best
    while k:
        size = last[k] * g / 1000
        used[size] = used.get(size, 0) + 1
        k -= last[k]
    combo = " + ".join(
        f"{n} × {num(s)} mg" if n > 1 else f"{num(s)} mg"
        for s, n in sorted(used.items(), reverse=True)
    )
    return Rounded(best * g / 1000, f"nearest vial combination: {combo}")


def round_dose(target_mg: float, rule: Rule) -> Rounded:
    """``target_mg`` rounded by ``rule``."""
    if rule.method == "nearest":
        steps = math.floor(target_mg / rule.step + 0.5)
        value = max(steps, 1) * rule.step
        return Rounded(value, f"nearest {num(rule.step)} mg")
    if rule.method == "vials":
        return _vials(target_mg, rule.vials)
    for low, high, dose in rule.bands:
        if low <= target_mg <= high:
            return Rounded(dose, f"band {num(low)}–{num(high)} mg → {num(dose)} mg")
    return Rounded(None, "outside every band of the banding table")
