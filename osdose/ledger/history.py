"""The ledger as a history source for ``cumulative``, ``plan`` and ``verify``.

The signature is fixed so that those commands can take ``--patient ID`` with
``--ledger PATH|URL`` (or ``$OSDOSE_LEDGER``, or the default ledger). It only reads: no
ledger is created, no schema written.
"""

from __future__ import annotations

from pathlib import Path

from osdose.course import Administration, Course
from osdose.drugs import DrugTable
from osdose.ledger.actions import Listed, listing
from osdose.ledger.records import LedgerError
from osdose.ledger.store import open_ledger


def administration(item: Listed, drugs: DrugTable, location: str) -> Administration:
    """A ledger administration as a course :class:`Administration`.

    Its ``source`` is the ledger's location and its ``line`` the record id, so a message
    about it (``ledger.sqlite3:42: …``) names the record.
    """
    r = item.record
    if r.date is None or r.drug is None or r.unit is None:
        raise LedgerError(
            f"ledger {location}: record {r.id} is an administration without a date, drug or unit"
        )
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
    """The administrations in effect for ``patient`` in the ledger at ``path`` (a file or a
    PostgreSQL URL; ``None``: ``$OSDOSE_LEDGER``, else the default file), as a
    :class:`Course`.

    They come in the order they were recorded: an imported course file's own order, so that
    totals summed from the ledger and from the file are the same to the last bit.
    """
    with open_ledger(path) as store:
        items = listing(store, patient)
        location = store.location
    adms = [administration(x, drugs, location) for x in items]
    return Course(patient, tuple(adms), location)
