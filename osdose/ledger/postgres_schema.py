"""The PostgreSQL ledger's schema, in its own namespace ``osdose``: versioned migration
steps with the SQLite schema's version numbers, the objects ``ledger check`` expects (SQL
text as the server prints it back), and the GRANTs that let a role record.

The database itself keeps the ledger append-only and its chain linear, whatever client
writes to it:

- ``refuse_change`` triggers refuse UPDATE, DELETE and TRUNCATE on every table;
- the role osdose connects as needs only SELECT and INSERT (:func:`grants`);
- ``records_append``/``signatures_append`` run before every insert: they take the chain's
  advisory lock, so writers on different machines queue; refuse a ``prev_hash`` that is
  not the current head's hash and an id not above every id given before; and refuse a
  ``recorded_by``/``signed_by`` that is not the session's authenticated role
  (``session_user``). A signature must carry its record's hash and cannot be made by the
  record's recorder.
"""

from __future__ import annotations

SCHEMA = "osdose"
LOCK = (0x6F73646F, 1)  # pg_advisory_xact_lock("osdo", 1): the one lock of the chains

_REFUSE_CHANGE = """
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on %.% is refused',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME;
END
"""


def _append_body(table: str, by: str) -> str:
    return f"""
DECLARE
    head_id bigint;
    head_hash text;
    high bigint;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK[0]}, {LOCK[1]});
    IF NEW.{by} IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION '{by} % is not the role of this session (%)', NEW.{by}, session_user;
    END IF;
    SELECT id, hash INTO head_id, head_hash FROM osdose.{table} ORDER BY id DESC LIMIT 1;
    SELECT max(last_id) INTO high FROM osdose.high_water WHERE tbl = '{table}';
    IF NEW.prev_hash IS DISTINCT FROM coalesce(head_hash, repeat('0', 64)) THEN
        RAISE EXCEPTION '{table} id % does not follow the head of its chain (id %)',
            NEW.id, head_id;
    END IF;
    IF NEW.id <= greatest(head_id, high, 0) THEN
        RAISE EXCEPTION '{table} id % is not above every id given before (%)',
            NEW.id, greatest(head_id, high, 0);
    END IF;
    RETURN NEW;
END
"""


_RECORDS_APPEND = _append_body("records", "recorded_by")
_SIGNATURES_APPEND = _append_body("signatures", "signed_by").replace(
    "    RETURN NEW;\n",
    """    PERFORM 1 FROM osdose.records
        WHERE id = NEW.record_id AND hash = NEW.record_hash AND recorded_by <> NEW.signed_by;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'signature % must carry the hash of record % and not be by its recorder',
            NEW.id, NEW.record_id;
    END IF;
    RETURN NEW;
""",
)

# name -> body (prosrc, compared to the byte by `ledger check`)
FUNCTIONS: dict[int, dict[str, str]] = {
    1: {"refuse_change": _REFUSE_CHANGE, "records_append": _RECORDS_APPEND},
    2: {"signatures_append": _SIGNATURES_APPEND},
}


def _function(name: str, body: str) -> str:
    return f"CREATE FUNCTION osdose.{name}() RETURNS trigger LANGUAGE plpgsql AS $body${body}$body$"


def _guards(table: str) -> dict[str, str]:
    """The append-only triggers of ``table``, as pg_get_triggerdef prints them."""
    out = {}
    for event, level in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
        name = f"{table}_no_{event.lower()}"
        out[name] = (
            f"CREATE TRIGGER {name} BEFORE {event} ON osdose.{table} FOR EACH {level} "
            "EXECUTE FUNCTION osdose.refuse_change()"
        )
    return out


def _append_trigger(table: str) -> dict[str, str]:
    return {
        f"{table}_append": f"CREATE TRIGGER {table}_append BEFORE INSERT ON osdose.{table} "
        f"FOR EACH ROW EXECUTE FUNCTION osdose.{table}_append()"
    }


# version -> trigger name -> definition (pg_get_triggerdef's text, and how it is created)
TRIGGERS: dict[int, dict[str, str]] = {
    1: {
        **_append_trigger("records"),
        **_guards("records"),
        **_guards("high_water"),
        **_guards("migrations"),
    },
    2: {**_append_trigger("signatures"), **_guards("signatures")},
}

# version -> index name -> definition (pg_get_indexdef's text); constraint indexes too
INDEXES: dict[int, dict[str, str]] = {
    1: {
        "migrations_pkey": "CREATE UNIQUE INDEX migrations_pkey ON osdose.migrations "
        "USING btree (version)",
        "high_water_pkey": "CREATE UNIQUE INDEX high_water_pkey ON osdose.high_water "
        "USING btree (tbl, last_id)",
        "records_pkey": "CREATE UNIQUE INDEX records_pkey ON osdose.records USING btree (id)",
        "records_hash_key": "CREATE UNIQUE INDEX records_hash_key ON osdose.records "
        "USING btree (hash)",
        "records_patient": "CREATE INDEX records_patient ON osdose.records "
        "USING btree (patient, drug, date)",
        "records_one_void": "CREATE UNIQUE INDEX records_one_void ON osdose.records "
        "USING btree (voids) WHERE (voids IS NOT NULL)",
    },
    2: {
        "signatures_pkey": "CREATE UNIQUE INDEX signatures_pkey ON osdose.signatures "
        "USING btree (id)",
        "signatures_hash_key": "CREATE UNIQUE INDEX signatures_hash_key ON osdose.signatures "
        "USING btree (hash)",
        "signatures_record_id_meaning_key": "CREATE UNIQUE INDEX "
        "signatures_record_id_meaning_key ON osdose.signatures USING btree (record_id, meaning)",
        # one patient's records in id order: O(that patient's records)
        "records_patient_id": "CREATE INDEX records_patient_id ON osdose.records "
        "USING btree (patient, id)",
    },
}

_TABLES: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE osdose.migrations (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            applied_by text NOT NULL DEFAULT session_user
        )""",
        # the highest id each append gave: a removed tail of records shows as a gap
        """CREATE TABLE osdose.high_water (
            tbl text NOT NULL,
            last_id bigint NOT NULL CHECK (last_id > 0),
            PRIMARY KEY (tbl, last_id)
        )""",
        # NaN and ±Infinity fail every range check below (NaN sorts above every number)
        """CREATE TABLE osdose.records (
            id bigint PRIMARY KEY CHECK (id > 0),
            kind text NOT NULL CHECK (kind IN ('administration', 'void')),
            patient text NOT NULL CHECK (length(patient) > 0),
            date date,
            drug text,
            unit text CHECK (unit IS NULL OR unit IN ('mg', 'IU')),
            dose double precision CHECK (dose > 0 AND dose <= 1e9),
            dose_per_m2 double precision CHECK (dose_per_m2 > 0 AND dose_per_m2 <= 1e9),
            bsa_m2 double precision CHECK (bsa_m2 > 0 AND bsa_m2 <= 10),
            regimen text,
            cycle integer CHECK (cycle > 0),
            day integer CHECK (day > 0),
            dose_percent double precision CHECK (dose_percent > 0 AND dose_percent <= 1000),
            voids bigint REFERENCES osdose.records (id),
            reason text,
            source text,
            recorded_at text NOT NULL,
            recorded_by text NOT NULL CHECK (length(recorded_by) > 0),
            prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
            hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
            CHECK ((kind = 'administration' AND date IS NOT NULL AND drug IS NOT NULL
                    AND unit IS NOT NULL AND voids IS NULL)
                OR (kind = 'void' AND voids IS NOT NULL AND length(reason) > 0))
        )""",
    ),
    2: (
        """CREATE TABLE osdose.signatures (
            id bigint PRIMARY KEY CHECK (id > 0),
            record_id bigint NOT NULL REFERENCES osdose.records (id),
            record_hash text NOT NULL,
            meaning text NOT NULL CHECK (meaning IN ('verified')),
            signed_at text NOT NULL,
            signed_by text NOT NULL CHECK (length(signed_by) > 0),
            prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
            hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
            UNIQUE (record_id, meaning)
        )""",
    ),
}

_CONSTRAINT_INDEXES = ("_pkey", "_key")  # created by PRIMARY KEY and UNIQUE, not by hand


def _step(version: int) -> tuple[str, ...]:
    statements = list(_TABLES[version])
    statements += [
        d for name, d in INDEXES[version].items() if not name.endswith(_CONSTRAINT_INDEXES)
    ]
    statements += [_function(name, body) for name, body in FUNCTIONS[version].items()]
    statements += list(TRIGGERS[version].values())
    return tuple(statements)


# One tuple of statements per schema version, the same numbers as SQLite's
# (osdose.ledger.sqlite_schema): 1 the records, 2 the second signatures. Never edit a
# released step: add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = tuple(_step(v) for v in sorted(_TABLES))
TABLES_BY_VERSION = {1: ("migrations", "high_water", "records"), 2: ("signatures",)}


def expected(version: int) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Functions (name → body), triggers and indexes (name → definition) at ``version``."""
    functions: dict[str, str] = {}
    triggers: dict[str, str] = {}
    indexes: dict[str, str] = {}
    for v in range(1, version + 1):
        functions.update(FUNCTIONS[v])
        triggers.update(TRIGGERS[v])
        indexes.update(INDEXES[v])
    return functions, triggers, indexes


def grants(version: int) -> list[str]:
    """What a role needs to record, verify and read, and nothing more (``{role}`` to fill
    in as a quoted identifier): no UPDATE, DELETE, TRUNCATE or DDL."""
    tables = [t for v in range(1, version + 1) for t in TABLES_BY_VERSION[v]]
    writable = ", ".join(f"osdose.{t}" for t in tables if t != "migrations")
    return [
        "GRANT USAGE ON SCHEMA osdose TO {role}",
        "GRANT SELECT ON osdose.migrations TO {role}",
        f"GRANT SELECT, INSERT ON {writable} TO {{role}}",
    ]
