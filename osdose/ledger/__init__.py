"""The administration ledger (issues 6, 13): an append-only, hash-chained record of what
each patient received, in a SQLite file or a PostgreSQL database (docs/ledger.md).

- :mod:`osdose.ledger.records` — records, second signatures, the hash chains, the ranges a
  stored number must be in (backend-independent);
- :mod:`osdose.ledger.rules` — what every append must pass, inside the write transaction;
- :mod:`osdose.ledger.store` — :class:`~osdose.ledger.store.LedgerStore`, the one small
  interface every backend implements, :func:`~osdose.ledger.store.open_ledger` and
  :func:`~osdose.ledger.store.init_ledger`; :mod:`osdose.ledger.location` — paths and URLs;
- :mod:`osdose.ledger.sqlite` (+ ``sqlite_file``, ``sqlite_schema``) — the embedded backend;
- :mod:`osdose.ledger.postgres` (+ ``postgres_schema``) — the shared backend (psycopg 3);
- :mod:`osdose.ledger.entries` — administrations from command-line input or course files;
- :mod:`osdose.ledger.actions` — record, void, verify, list: what the commands call;
- :mod:`osdose.ledger.check` — everything ``ledger check`` can show of tampering or loss;
- :mod:`osdose.ledger.history` — the ledger as a :class:`~osdose.course.Course`;
- :mod:`osdose.ledger.export` — a patient's administrations as a course file.
"""
