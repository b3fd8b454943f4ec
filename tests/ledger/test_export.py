"""Export writes course text that reads back to exactly the recorded numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osdose.course import parse_course
from osdose.drugs import load_drugs
from osdose.ledger.entries import from_options
from osdose.ledger.export import course_text
from osdose.reader import parse_text

TABLE = load_drugs()


@settings(max_examples=150, deadline=None)
@given(
    amount=st.floats(1, 5000).map(lambda x: round(x, 2)),
    bsa=st.floats(0.5, 2.8).map(lambda x: round(x, 4)),
    per_m2=st.booleans(),
)
def test_exported_dose_reads_back_exactly(amount: float, bsa: float, per_m2: bool) -> None:
    dose = f"{amount} mg/m2" if per_m2 else f"{amount} mg"
    adms = from_options(TABLE, date=dt.date(2025, 1, 6), drug="EPI", dose=dose, bsa=str(bsa))
    text = course_text("P-1", [(a, i) for i, a in enumerate(adms, 1)], "test")
    back = parse_course(parse_text(text, "exported.yaml"), TABLE).administrations
    assert [(a.dose, a.dose_per_m2, a.bsa_m2) for a in back] == [
        (a.dose, a.dose_per_m2, a.bsa_m2) for a in adms
    ]


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("mysql://ledger.example/osdose", "mysql: is not a kind of ledger osdose knows"),
        # what pathlib makes of postgresql://ledger.example/osdose
        ("postgresql:/ledger.example/osdose", "a PostgreSQL URL must start postgresql://"),
    ],
)
def test_other_urls_are_refused_not_taken_for_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, location: str, problem: str
) -> None:
    from osdose.ledger.records import LedgerError
    from osdose.ledger.store import open_ledger

    monkeypatch.chdir(tmp_path)
    with pytest.raises(LedgerError, match=problem):
        open_ledger(location, create=True)
    assert list(tmp_path.iterdir()) == []


def test_a_password_never_shows_in_a_message() -> None:
    from osdose.ledger.location import redact

    assert redact("postgresql://ann:s3cret@db.example:5432/osdose") == (
        "postgresql://ann:***@db.example:5432/osdose"
    )
    assert redact("postgresql://db.example/osdose?user=ann&password=s3cret&sslmode=require") == (
        "postgresql://db.example/osdose?user=ann&password=***&sslmode=require"
    )
    assert redact("host=/run/pg dbname=osdose password='s e c' user=ann") == (
        "host=/run/pg dbname=osdose password=*** user=ann"
    )
    assert redact("/srv/ledger.sqlite3") == "/srv/ledger.sqlite3"


def _pyyaml_course(patient: str, entries: list[dict[str, object]], header: str) -> str:
    """The course text as it was written before the emitter: PyYAML's, whole."""
    import yaml

    doc = {"patient": {"id": patient}, "administrations": entries}
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body


# text PyYAML writes plain, quoted, folded or escaped: the emitter must agree on each
TRICKY = [
    "A. Pharm", "O'Brien", "yes", "No", "null", "~", "123", "0x1F", "1_000", "12:30", "1e5",
    "2025-01-01", "a: b", "a:b", "ends:", " lead", "trail ", "two  spaces", "# hash",
    "a #b", "a#b", "-dash", "- dash", "?q", "é accent", "tab\there", "line\nbreak",
    "@at", "%pct", "*star", "&amp", "!bang", "|pipe", ">gt", "[x]", "{y}", "'q'", '"dq"',
    "x" * 120, " ".join(["word"] * 40), "w " + "x" * 90 + " y z", "a, b; c (d) e/f +g 80%",
    "", "=", "<<", ".5", "+1", "-1", ".inf", ".NaN", "True", "on", "OFF",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    who=st.sampled_from(TRICKY) | st.text(max_size=30),
    patient=st.sampled_from(TRICKY[:20]) | st.from_regex(r"P-[0-9]{1,6}", fullmatch=True),
    bsa=st.floats(0.1, 3.5) | st.sampled_from([1e-05, 1.0, 2.5e16]),
)
def test_the_emitter_writes_what_pyyaml_writes(who: str, patient: str, bsa: float) -> None:
    from osdose.course import Administration
    from osdose.ledger.export import entry

    adms = [
        (Administration(dt.date(2025, 1, 6), "epirubicin", "mg", 60.0, 60.0 / bsa, bsa), 7),
        (Administration(dt.date(2025, 2, 6), "bleomycin", "IU", 15000.0, None, None), 8),
    ]
    notes = {7: f"recorded by {who} at 2026-01-10T09:00:00.000000+00:00", 8: who}
    entries = [entry(a, i, notes[i]) for a, i in adms]
    expected = _pyyaml_course(patient, entries, "Course of someone\nsecond line")
    assert course_text(patient, adms, "Course of someone\nsecond line", notes) == expected


def test_an_empty_course_is_written_as_pyyaml_writes_it() -> None:
    assert course_text("P-1", [], "h") == _pyyaml_course("P-1", [], "h")
