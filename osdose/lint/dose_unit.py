"""dose-unit: a dose that is not a mass or IU per m², per kg, or flat (a rate, an AUC, no
unit, a length…); a basis the drug reference does not allow for the drug (5 mg/kg of a
drug dosed per m²); a max_dose that is not a flat amount in the dose's unit."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.basis import parse_basis
from osdose.errors import InputError
from osdose.lint.context import FileContext, shown
from osdose.lint.finding import Finding, Severity
from osdose.regimen import DOSE_FIELDS, check_cap, is_no_cap

ID = "dose-unit"
SEVERITY: Severity = "error"
DESCRIPTION = "A dose whose unit or basis (per m², per kg, flat) is wrong for a regimen or drug."

_PER_WORDS = {"m2": "per m²", "kg": "per kg", "flat": "flat", "auc": "by AUC"}


def check(ctx: FileContext) -> Iterator[Finding]:
    for e in ctx.doses:
        entry = ctx.data["drugs"][e.index]
        for key in DOSE_FIELDS:
            if entry.get(key) is None:
                continue
            try:
                basis = parse_basis(entry[key], key, e.drug)
            except InputError as exc:
                yield ctx.finding(ID, SEVERITY, ("drugs", e.index, key), str(exc))
                continue
            if e.drug is not None and basis.per not in e.drug.bases:
                allowed = " or ".join(_PER_WORDS[b] for b in sorted(e.drug.bases))
                yield ctx.finding(
                    ID,
                    SEVERITY,
                    ("drugs", e.index, key),
                    f"{e.drug.name} is dosed {allowed} in the drug reference, got "
                    f"{shown(basis)} ({_PER_WORDS[basis.per]})",
                )
        if entry.get("max_dose") is None or is_no_cap(entry["max_dose"]):
            continue
        at = ("drugs", e.index, "max_dose")
        try:
            cap = parse_basis(entry["max_dose"], "max_dose", e.drug)
            if e.written is not None:
                check_cap(cap, e.written)
        except (InputError, ValueError) as exc:
            yield ctx.finding(ID, SEVERITY, at, str(exc))
