"""The ledger as a history source for ``cumulative``, ``plan`` and ``verify``.

The signature is fixed so that those commands can take ``--ledger PATH --patient ID``.
"""

from __future__ import annotations

from pathlib import Path

from osdose.course import Administration, Course
from osdose.drugs import DrugTable
from osdose.ledger.actions import Listed, listing
from osdose.ledger.store import open_ledger


def administration(item: Listed, drugs: DrugTable, location: str) -> Administration:
    """A ledger administration as a course :class:`Administration`.

    Its ``source`` is the ledger's location and its ``line`` the record id, so a message
    about it (``ledger.sqlite3:42: …``) names the record.
    """
    r = item.record
    assert r.date is not None and r.drug is not None and r.unit is not None  # administration
    return Administration(
        date=r.date,
        drug=drugs.resolve(r.drug, f"ledger record {r.id}").name,
        unit=r.unit,
        dose=r.dose,
        dose_per_m2=r.dose_per_m2,
        bsa_m2=r.bsa_m2,
        line=r.id,
        source=location,
        regimen=r.regimen,
        cycle=r.cycle,
        day=r.day,
        dose_percent=r.dose_percent if r.dose_percent is not None else 100.0,
    )


def course_from_ledger(path: str | Path | None, patient: str, drugs: DrugTable) -> Course:
    """The administrations in effect for ``patient`` in the ledger at ``path`` (``None``: the
    default ledger location), as a :class:`Course`, in date order (then record order)."""
    with open_ledger(path) as store:
        items = listing(store, patient)
        location = store.location
    adms = sorted(
        (administration(x, drugs, location) for x in items), key=lambda a: (a.date, a.line)
    )
    return Course(patient, tuple(adms), location)
