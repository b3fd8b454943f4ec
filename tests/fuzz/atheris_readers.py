"""Coverage-guided fuzzing of one reader with atheris (libFuzzer for Python), optional.

    .venv/bin/python -m pip install atheris
    .venv/bin/python -m tests.fuzz.atheris_readers READER [libFuzzer options]
    # e.g. READER quantity, -max_total_time=120

osdose's own modules are instrumented, the shipped files of the reader are the first
corpus, and every input goes through the same reader as ``test_readers.py``. A crash is
recorded (not fatal) and the same table as ``make fuzz`` is printed at each new crash and
every 5,000 inputs. libFuzzer's
``-timeout`` (5 s here) reports a hang. Readers: the keys of :data:`SEEDS`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

from osdose.errors import OsdoseError
from tests.fuzz import readers
from tests.fuzz.harness import REPORT, Crash, _where
from tests.fuzz.hostile import QUANTITIES, batch_lines, seed_texts

SEEDS = {
    "quantity": lambda: QUANTITIES,
    "regimen": lambda: seed_texts("regimen"),
    "course": lambda: seed_texts("course"),
    "order": lambda: seed_texts("order"),
    "batch-line": batch_lines,
    "drug-table": lambda: seed_texts("drugs"),
    "fhir-bundle": lambda: seed_texts("bundle"),
    "fhir-order": lambda: seed_texts("order-bundle"),
    "fhir-plandefinition": lambda: seed_texts("plandefinition"),
}
READ = {
    "quantity": readers.quantity,
    "regimen": readers.regimen,
    "course": readers.course,
    "order": readers.order,
    "batch-line": readers.batch_line,
    "drug-table": readers.drug_table,
    "fhir-bundle": readers.fhir_bundle,
    "fhir-order": readers.fhir_order,
    "fhir-plandefinition": readers.fhir_plandefinition,
}


def _table() -> None:
    # libFuzzer ends the process without running Python's atexit: the table is printed as
    # the run goes, at each new crash and every 5,000 inputs
    print("\n".join(REPORT.lines()), file=sys.stderr, flush=True)


def main() -> None:
    name = sys.argv[1]
    reader = f"atheris-{name}"
    read = READ[name]
    ws = readers.Workspace.make(Path(tempfile.mkdtemp(prefix="osdose-atheris-")))
    corpus = Path(tempfile.mkdtemp(prefix=f"osdose-corpus-{name}-"))
    for i, text in enumerate(SEEDS[name]()):
        (corpus / f"seed-{i}").write_text(text, "utf-8")

    def one(data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        REPORT.inputs[reader] = REPORT.inputs.get(reader, 0) + 1
        try:
            read(ws, text)
        except OsdoseError:
            pass
        except Exception as exc:
            sig = f"{type(exc).__name__} at {_where(exc)}"
            key = (reader, f"traceback: {sig}")
            c = REPORT.crashes.get(key)
            if c is None:
                REPORT.crashes[key] = Crash(reader, "traceback", sig, text, repr(exc)[:300], read)
                _table()
            else:
                c.count += 1
                if len(text) < len(c.value):
                    c.value = text
        finally:
            ws.clean()
        if REPORT.inputs[reader] % 5000 == 0:
            _table()

    # osdose imports most modules inside functions: read every seed once so that they are
    # all loaded, then instrument every function loaded
    for text in SEEDS[name]():
        one(text.encode("utf-8"))
    atheris.instrument_all()
    args = [sys.argv[0], *sys.argv[2:], "-timeout=5", "-rss_limit_mb=3072", str(corpus)]
    atheris.Setup(args, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
