"""Many valid ledger records, fast: administrations built directly (no option parsing, no
CLI) and appended through the store's own batch API (``LedgerStore.append``), so every
record is checked and chained exactly as ``record`` and ``import`` chain theirs.

Used by the round trip at scale (test_scale.py) and by benchmarks/ledger.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from osdose.ledger.records import NewRecord
from osdose.ledger.store import open_ledger

FIRST = dt.date(1900, 1, 1)
# one record a day of each drug, so 1,000,000 records of one patient end in 2019: a
# patient never has a drug twice on a day; a small dose per m², below every maximum
DRUGS = (
    "doxorubicin", "epirubicin", "daunorubicin", "idarubicin", "mitoxantrone", "cisplatin",
    "carboplatin", "oxaliplatin", "ifosfamide", "cyclophosphamide", "dacarbazine",
    "methotrexate", "fluorouracil", "cytarabine", "gemcitabine", "vincristine", "vinblastine",
    "vinorelbine", "paclitaxel", "docetaxel", "etoposide", "irinotecan", "topotecan",
)  # fmt: skip
BATCH = 10_000


def administrations(patient: str, n: int, who: str = "bulk") -> Iterator[NewRecord]:
    """``n`` administrations of ``patient``: each drug once a day from 1900-01-01, a BSA
    that varies in its last digits (so totals depend on every bit), each written per m²
    or as the amount given."""
    for i in range(n):
        bsa = 1.5 + (i % 97) / 101
        if i % 2:  # written per m²: the amount is per m² × BSA
            per_m2 = 0.5 + (i % 7) / 20
            dose = per_m2 * bsa
        else:  # written as the amount given: per m² is amount ÷ BSA
            dose = 1.0 + (i % 5) / 10
            per_m2 = dose / bsa
        yield NewRecord(
            kind="administration", patient=patient, recorded_by=who,
            date=FIRST + dt.timedelta(days=i // len(DRUGS)), drug=DRUGS[i % len(DRUGS)],
            unit="mg", dose=dose, dose_per_m2=per_m2, bsa_m2=bsa, dose_percent=100.0,
            source=f"bulk:{i + 1}",
        )  # fmt: skip


def fill(location: str, patients: dict[str, int]) -> int:
    """Append each patient's administrations (``patients``: id -> how many) in
    transactions of :data:`BATCH` records; how many were appended."""
    total = 0
    with open_ledger(location, create=True) as store:
        batch: list[NewRecord] = []
        for patient, n in patients.items():
            for r in administrations(patient, n):
                batch.append(r)
                if len(batch) == BATCH:
                    total += len(store.append(batch))
                    batch = []
        if batch:
            total += len(store.append(batch))
    return total
