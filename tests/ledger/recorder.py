"""The recording loop the reliability tests run in child processes (``python -c``): the
library API, one transaction per record, each id printed once its commit has returned."""

from __future__ import annotations

LOOP = """
import datetime as dt, sys
from osdose.drugs import load_drugs
from osdose.ledger.actions import record
from osdose.ledger.entries import from_options
from osdose.ledger.store import open_ledger

path, patient, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
table = load_drugs()
first = dt.date(1990, 1, 1)
with open_ledger(path, create=True) as store:
    for i in range(count):
        day = first + dt.timedelta(days=i)
        adms = from_options(table, date=day, drug="EPI", dose="60 mg", bsa="1.5")
        (r,) = record(store, adms, patient)
        print(r.id, flush=True)
"""
