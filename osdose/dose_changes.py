"""What changes what patients are given between two versions of a regimen: the one
definition of a dose change, read by ``osdose diff``, ``lint --base``
(``version-not-increased``, ``approval-not-renewed``) and the life-cycle rules
(:mod:`osdose.governance`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from osdose.regimen import DrugDose, Regimen


@dataclass(frozen=True)
class DoseDifference:
    """A change in what patients are given: ``subject`` is a drug key (``cisplatin``,
    ``cisplatin#2``) or ``regimen``; ``what`` is the field (``dose``, ``days``,
    ``max_dose``, ``paediatric``, ``gfr``, ``drug`` for added/removed, ``cycle_length_days``,
    ``counts``); ``old``/``new`` say it for people (``None``: absent)."""

    subject: str
    what: str
    old: str | None
    new: str | None

    @property
    def text(self) -> str:
        if self.what == "drug":
            return f"{self.subject} {'added' if self.old is None else 'removed'}"
        name = self.what if self.subject == "regimen" else f"{self.subject} {self.what}"
        return f"{name} {self.old or 'none'} → {self.new or 'none'}"


def _basis(d: DrugDose) -> Hashable:
    b = d.basis
    return (round(b.amount, 9), b.unit, b.per)


def rules_key(d: DrugDose) -> Hashable:
    return tuple(dataclasses.replace(r, source="") for r in d.paediatric)


def _cap(d: DrugDose) -> Hashable:
    return None if d.cap is None else (round(d.cap.amount, 9), d.cap.unit)


def _rules_text(d: DrugDose) -> str | None:
    return "; ".join(r.text for r in d.paediatric) or None


def _days_text(d: DrugDose) -> str:
    return ", ".join(str(x) for x in sorted(d.days))


#: each field of a drug entry the dose engine reads: (key compared, text shown)
DRUG_MEANING: dict[str, tuple[Callable[[DrugDose], Hashable], Callable[[DrugDose], Any]]] = {
    "dose": (_basis, lambda d: f"{d.basis.text} per day"),
    "days": (lambda d: tuple(sorted(d.days)), _days_text),
    "max_dose": (_cap, lambda d: d.cap.text if d.cap else None),
    "paediatric": (rules_key, _rules_text),
    "gfr": (lambda d: d.gfr_method, lambda d: d.gfr_method),
}
#: the fields of a drug entry written for each meaning above
DRUG_FIELDS = {
    "dose": "dose",
    "dose_per_day": "dose",
    "dose_per_cycle": "dose",
    "days": "days",
    "max_dose": "max_dose",
    "paediatric": "paediatric",
    "gfr": "gfr",
}


def _gates(r: Regimen) -> Hashable:
    return tuple(dataclasses.replace(g, source="") for g in r.counts)


REGIMEN_MEANING: dict[str, tuple[Callable[[Regimen], Hashable], Callable[[Regimen], Any]]] = {
    "cycle_length_days": (lambda r: r.cycle_length_days, lambda r: f"{r.cycle_length_days} days"),
    "counts": (_gates, lambda r: "; ".join(g.text for g in r.counts) or None),
}


def drug_keys(drugs: tuple[str, ...]) -> list[str]:
    """Each entry's pairing key: its drug-table name, ``#2``, ``#3`` … for repeats."""
    seen: dict[str, int] = {}
    keys = []
    for name in drugs:
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return keys


def _by_key(reg: Regimen) -> dict[str, DrugDose]:
    return dict(zip(drug_keys(tuple(d.drug for d in reg.drugs)), reg.drugs, strict=True))


def dose_differences(old: Regimen, new: Regimen) -> tuple[DoseDifference, ...]:
    """Every change of meaning between ``old`` and ``new`` in what the dose engine reads."""
    out = []
    for what, (key, text) in REGIMEN_MEANING.items():
        if key(old) != key(new):
            out.append(DoseDifference("regimen", what, text(old), text(new)))
    before, after = _by_key(old), _by_key(new)
    for name in dict.fromkeys([*before, *after]):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            present = a or b
            assert present is not None
            shown = f"{present.basis.text} per day on days {_days_text(present)}"
            out.append(DoseDifference(name, "drug", shown if a else None, shown if b else None))
            continue
        for what, (key_of, text_of) in DRUG_MEANING.items():
            if key_of(a) != key_of(b):
                out.append(DoseDifference(name, what, text_of(a), text_of(b)))
    return tuple(out)


# -- field by field ----------------------------------------------------------------------
