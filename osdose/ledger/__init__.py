"""The administration ledger (issue 6): an append-only, hash-chained record of what each
patient received.

- :mod:`osdose.ledger.records` — the record model and the hash chain (backend-independent);
- :mod:`osdose.ledger.store` — :class:`~osdose.ledger.store.LedgerStore`, the one small
  interface every storage backend implements, and :func:`~osdose.ledger.store.open_ledger`;
- :mod:`osdose.ledger.sqlite` — the embedded SQLite backend (the default);
- :mod:`osdose.ledger.entries` — administrations from command-line input or course files;
- :mod:`osdose.ledger.actions` — record, void, list, check: what the commands call;
- :mod:`osdose.ledger.history` — the ledger as a :class:`~osdose.course.Course`;
- :mod:`osdose.ledger.export` — a patient's administrations as a course file.
"""
