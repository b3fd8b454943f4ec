"""Issue 10 §1: every number osdose reads is finite and inside its field's range, refused
with file:line otherwise; every number it writes is finite, its JSON strict.

The readers share one root: quantities are read by :mod:`osdose.units` (one finite decimal
within 1e-9–1e9, then the field's plausible range), plain numbers and dates by
:mod:`osdose.fields` (finite, in range, ``YYYY-MM-DD`` within 1900–2199), both wired into
the pydantic models of every file format. These tests go through the command line, one
reader after another."""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, Run, at_line, refused

HOSTILE_DOSES = ["nan mg", "inf mg", "-inf mg", ".nan", ".inf", "-.inf", "1e308 mg", "NaN mg"]


def _strict(text: str) -> Any:
    """JSON as a strict reader reads it: a bare NaN or Infinity is an error."""

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=no_constant)


# -- the case of the issue: a NaN dose hid an overdose at 152% of the maximum -------------

NAN_HISTORY = DATA / "course-epirubicin-152-percent-hidden-by-a-nan-dose.yaml"
HISTORY = DATA / "course-epirubicin-152-percent.yaml"


def test_the_same_history_without_the_nan_dose_is_over(osdose: Callable[..., Run]) -> None:
    # 19 × 120 mg at 1.5 m² = 19 × 80 mg/m² = 1520 mg/m², 152% of the 1000 mg/m² maximum
    r = osdose("cumulative", HISTORY, "--fail-on", "over", "-f", "json")
    assert r.code == 1
    epi = _strict(r.out)["drugs"][0]
    assert epi["total_mg_per_m2"] == pytest.approx(19 * 120 / 1.5)
    assert epi["percent_of_max"] == pytest.approx(152.0)
    assert epi["status"] == "over"


@pytest.mark.parametrize(
    "command",
    [
        ["cumulative", NAN_HISTORY],
        ["cumulative", NAN_HISTORY, "--fail-on", "over"],  # exited 0
        ["cumulative", NAN_HISTORY, "-f", "json"],  # wrote a bare NaN
        ["plan", NAN_HISTORY, "-r", "DDP+EPI", "-n", "1"],  # crashed
        ["ledger", "import", "--ledger", "ledger.sqlite3", NAN_HISTORY],
    ],
    ids=["table", "fail-on-over", "json", "plan", "ledger-import"],
)
def test_a_nan_dose_in_a_history_is_refused_with_its_line(
    osdose: Callable[..., Run], command: list[str | Path]
) -> None:
    line = refused(osdose(*command), "dose", "'nan mg'")
    at_line(line, NAN_HISTORY, 17)
    assert not Path("ledger.sqlite3").exists()


@pytest.mark.parametrize("dose", HOSTILE_DOSES)
def test_course_doses(osdose: Callable[..., Run], tmp_path: Path, dose: str) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        "patient: {id: P-1, bsa: 1.5 m2}\n"
        "administrations:\n"
        "  - {date: 2025-01-01, drug: epirubicin, dose: 60 mg}\n"
        f"  - {{date: 2025-01-22, drug: epirubicin, dose: {dose}}}\n",
        "utf-8",
    )
    at_line(refused(osdose("cumulative", course, "--fail-on", "over"), "dose"), course, 4)


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("bsa", ".nan", "bsa"),
        ("bsa", "1e308", "beyond any value osdose reads"),
        ("bsa", "-0", "outside the plausible range"),
        ("height", ".inf", "height"),
        ("weight", "-.inf", "weight"),
        ("age", ".nan", "age"),
        ("age", "1e308", "age"),
    ],
)
def test_course_patient_numbers(
    osdose: Callable[..., Run], tmp_path: Path, field: str, value: str, why: str
) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        f"patient:\n  id: P-1\n  {field}: {value}\n"
        "administrations:\n"
        "  - {date: 2025-01-01, drug: epirubicin, dose: 60 mg, bsa: 1.5 m2}\n",
        "utf-8",
    )
    at_line(refused(osdose("cumulative", course), why), course, 3)


# -- regimens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dose", ["nan mg/m2", "inf mg/m2", ".nan", ".inf", "1e308 mg/m2", "-0 mg/m2", "0 mg/m2"]
)
@pytest.mark.parametrize("command", ["dose", "lint"])
def test_regimen_doses(osdose: Callable[..., Run], tmp_path: Path, dose: str, command: str) -> None:
    # `dose` printed "nan mg … CAPPED at 0.00 mg"
    regimen = tmp_path / "regimen.yaml"
    regimen.write_text(
        "name: EPI-test\nstatus: draft\nversion: 1\ncycle_length_days: 21\n"
        f"drugs:\n  - drug: epirubicin\n    dose: {dose}\n    days: [1]\n",
        "utf-8",
    )
    args = ["dose", regimen, "--bsa", "1.8"] if command == "dose" else ["lint", regimen]
    r = osdose(*args)
    if command == "dose":
        at_line(refused(r, "dose"), regimen, 7)
    else:  # lint reports findings: exit 1, the finding at the line, never a traceback
        assert r.code == 1 and "Traceback" not in r.err
        assert f"{regimen}:7:" in r.out + r.err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("cycle_length_days: 21", "cycle_length_days: .nan"),
        ("cycle_length_days: 21", "cycle_length_days: 1e308"),
        ("cycle_length_days: 21", f"cycle_length_days: {'9' * 5000}"),
        ("version: 1", "version: 100000000000000000000000000"),
    ],
)
def test_regimen_whole_numbers(
    osdose: Callable[..., Run], tmp_path: Path, old: str, new: str
) -> None:
    regimen = tmp_path / "regimen.yaml"
    text = (
        "name: EPI-test\nstatus: draft\nversion: 1\ncycle_length_days: 21\n"
        "drugs:\n  - drug: epirubicin\n    dose: 90 mg/m2\n    days: [1]\n"
    )
    regimen.write_text(text.replace(old, new), "utf-8")
    line = refused(osdose("dose", regimen, "--bsa", "1.8"))
    at_line(line, regimen, 3 if old.startswith("version") else 4)
    assert "9" * 100 not in line  # a 5,000-digit number is named, not echoed


# -- the drug table ----------------------------------------------------------------------

EPI_CEILING = "ceiling: {warn: 900 mg/m2, max: 1000 mg/m2,"
CIS_VIALS = "vials: [10 mg, 50 mg, 100 mg]"
IFO_STEP = "step: 100 mg"


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (EPI_CEILING, "ceiling: {warn: 900 mg/m2, max: nan mg/m2,", "max"),
        (EPI_CEILING, "ceiling: {warn: 900 mg/m2, max: .inf,", "max"),
        (EPI_CEILING, "ceiling: {warn: 900 mg/m2, max: 1e308 mg/m2,", "max"),
        (EPI_CEILING, "ceiling: {warn: .nan, max: 1000 mg/m2,", "warn"),
        (IFO_STEP, "step: nan mg", "step"),
        (IFO_STEP, "step: .nan", "step"),
        (IFO_STEP, "step: 0 mg", "step must be an amount from 0.001 mg to 100 g"),
        (IFO_STEP, "step: 1e308 mg", "step"),
        (CIS_VIALS, "vials: [0.0001 mg]", "vials must be an amount from 0.001 mg to 100 g"),
        (CIS_VIALS, "vials: [10 mg, .nan]", "vials"),
        (CIS_VIALS, "vials: [10 mg, 1e-300 mg]", "too small to be a measurement"),
        (CIS_VIALS, "vials: []", "method vials needs vials"),
        ("epirubicin: 0.8,", "epirubicin: .nan,", "must be a number"),
        ("epirubicin: 0.8,", "epirubicin: 1e308,", "must be from 0.001 to 1000"),
        ("{from: 1.2, to: 3, percent: 50}", "{from: 1.2, to: 3, percent: .nan}", "percent"),
        ("{from: 1.2, to: 3, percent: 50}", "{from: .inf, to: 3, percent: 50}", "from"),
    ],
)
@pytest.mark.parametrize("command", [["regimens", "list"], ["dose", "DIA", "--bsa", "1.8"]])
def test_drug_table_numbers_are_checked_when_it_is_loaded(
    osdose: Callable[..., Run],
    drug_table: Callable[[str, str], tuple[Path, int]],
    old: str,
    new: str,
    why: str,
    command: list[str],
) -> None:
    # Rounding rules were read only by `verify --round`, without a line; any command that
    # loads the table now refuses it, at the line of the number.
    path, line = drug_table(old, new)
    r = osdose("--drugs", path, *command)
    at_line(refused(r, why), path, line)


def test_a_rounding_rule_is_still_used(osdose: Callable[..., Run], tmp_path: Path) -> None:
    # DIA cycle 4 (examples): ifosfamide rounded to the nearest 100 mg, cisplatin to vials
    order = Path(__file__).parents[2] / "examples" / "orders" / "dia-renal-cycle4.yaml"
    r = osdose("verify", order, "--round", "-f", "json")
    assert r.code in (0, 1), r.err
    rounding = [c for c in _strict(r.out)["checks"] if c["check"] == "rounding"]
    assert {c["drug"] for c in rounding} >= {"cisplatin", "ifosfamide"}


# -- orders and batches ------------------------------------------------------------------

ORDER = """\
patient:
  id: P-1
  height: 160 cm
  weight: 52 kg
  age: 61
  sex: female
  serum_creatinine: 80 µmol/L
regimen: DDP+EPI
cycle: 1
date: 2025-06-01
prescribed:
  - {drug: cisplatin, dose: 152 mg, days: [1]}
  - {drug: epirubicin, dose: 91 mg, days: [1]}
"""


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("dose: 152 mg", "dose: nan mg", 12),
        ("dose: 152 mg", "dose: .inf", 12),
        ("dose: 152 mg", "dose: 1e308 mg", 12),
        ("height: 160 cm", "height: .inf", 3),
        ("weight: 52 kg", "weight: -0 kg", 4),
        ("age: 61", "age: .nan", 5),
        ("80 µmol/L", "1e308 µmol/L", 7),
        ("cycle: 1", "cycle: 1000000000000000000000000", 9),
        ("cycle: 1", f"cycle: {'9' * 5000}", 9),
    ],
)
def test_order_numbers(
    osdose: Callable[..., Run], tmp_path: Path, old: str, new: str, line: int
) -> None:
    order = tmp_path / "order.yaml"
    order.write_text(ORDER.replace(old, new), "utf-8")
    at_line(refused(osdose("verify", order)), order, line)


def test_a_batch_line_with_nan_fails_that_order_only(
    osdose: Callable[..., Run], tmp_path: Path
) -> None:
    import yaml

    good = json.dumps(yaml.safe_load(ORDER), default=str)
    bad = good.replace('"152 mg"', "NaN")
    huge = good.replace('"cycle": 1', '"cycle": 1' + "0" * 5000)
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([good, bad, huge, good]) + "\n", "utf-8")
    r = osdose("verify", "--batch", batch, "-f", "json")
    assert r.code == 1 and "Traceback" not in r.err
    docs = _strict(r.out)  # strict JSON: no bare NaN written
    assert [d["status"] for d in docs][1:3] == ["fail", "fail"]
    assert {**docs[0], "order": ""} == {**docs[3], "order": ""}  # verified around them, alike
    assert all(c["check"] != "input" for c in docs[0]["checks"])
    assert docs[1]["checks"][0]["message"].startswith(f"{batch}:2: ")
    assert docs[2]["checks"][0]["message"].startswith(f"{batch}:3: ")


# -- the command line --------------------------------------------------------------------

NON_FINITE = ["nan", "inf", "-inf", "1e308", "-0", "1" + "0" * 30]


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize(
    "command",
    [
        ["dose", "DIA", "--bsa", "1.8", "--dose-percent"],
        ["plan", str(HISTORY), "-r", "DDP+EPI", "-n", "1", "--dose-percent"],
        ["dose", "DIA", "--bsa"],
        ["bsa", "-H", "175cm", "-W", "70kg", "--cap-reason", "local policy", "--bsa-cap"],
        ["dose", "carboplatin-paclitaxel", "--bsa", "1.8", "--gfr"],
        ["dose", "DIA", "--bsa", "1.8", "--age"],
        ["gfr", "--age", "60", "--sex", "male", "--creatinine", "1 mg/dL", "--creatinine-floor"],
        ["verify", "x.yaml", "--round-limit"],
        ["verify", "x.yaml", "--warn-percent"],
        ["verify", "x.yaml", "--weight-change"],
        ["verify", "x.yaml", "--gfr-cap"],
        [
            "ledger",
            "record",
            "--ledger",
            "l.db",
            "-p",
            "P-1",
            "--regimen",
            "DIA",
            "--cycle",
            "1",
            "--bsa",
            "1.5",
            "--date",
            "2025-01-01",
            "--dose-percent",
        ],
    ],
)
def test_command_line_numbers(osdose: Callable[..., Run], command: list[str], value: str) -> None:
    if value in ("-0",) and command[-1] in ("--round-limit", "--warn-percent", "--weight-change"):
        pytest.skip("0 is a percent these options accept")
    Path("x.yaml").write_text(ORDER, "utf-8")
    refused(osdose(*command, value))
    assert not Path("l.db").exists()


@pytest.mark.parametrize(
    ("option", "value", "why"),
    [
        ("--jobs", "1" + "0" * 24, "--jobs must be from 1 to 256"),  # hung creating processes
        ("--jobs", "0", "--jobs must be from 1 to 256"),
        ("--grace-days", "1" + "0" * 24, "--grace-days must be a whole number of days from 0"),
        ("--grace-days", "-1", "--grace-days must be a whole number of days from 0"),
    ],
)
def test_verify_counts(
    osdose: Callable[..., Run], tmp_path: Path, option: str, value: str, why: str
) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("{}\n", "utf-8")
    refused(osdose("verify", "--batch", batch, option, value), why)


# -- what osdose writes ------------------------------------------------------------------


def test_a_total_that_is_not_finite_has_no_status() -> None:
    # Behind the readers: NaN compares false with every threshold, so it read as ok.
    from osdose.cumulative import against
    from osdose.drugs import load_drugs
    from osdose.errors import OsdoseError

    ceiling = load_drugs().drugs["epirubicin"].ceiling
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(OsdoseError, match="not a finite number"):
            against(value, ceiling)


def test_json_is_written_strictly() -> None:
    from osdose.render.dose_json import dumps

    with pytest.raises(ValueError):
        dumps({"total": math.nan})


def _json_writers() -> list[tuple[str, int, bool]]:
    """Every ``json.dumps``/``json.dump``/``json.JSONEncoder`` call in osdose: (file, line,
    whether it passes ``allow_nan=False``)."""
    root = Path(__file__).parents[2] / "osdose"
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id == "json"):
                continue
            if node.func.attr not in ("dumps", "dump", "JSONEncoder"):
                continue
            strict = any(
                k.arg == "allow_nan"
                and isinstance(k.value, ast.Constant)
                and k.value.value is False
                for k in node.keywords
            )
            found.append((str(path.relative_to(root.parent)), node.lineno, strict))
    return found


def test_every_json_writer_refuses_nan() -> None:
    writers = _json_writers()
    assert len(writers) > 10  # the scan finds them
    assert [(f, n) for f, n, strict in writers if not strict] == []


# -- numbers read back from the ledger ---------------------------------------------------


def _tamper(ledger: Path, column: str, value: float) -> None:
    """Change record 1 as someone with the file could (the append-only triggers dropped,
    the row updated, the triggers put back as they were)."""
    import sqlite3

    conn = sqlite3.connect(ledger)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        saved = list(triggers)
        for name, _ in saved:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(f"UPDATE records SET {column} = ? WHERE id = 1", (value,))
        for _, sql in saved:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [("dose", math.inf), ("dose", -math.inf), ("dose", 1e308), ("bsa_m2", math.inf)],
)
def test_a_ledger_changed_to_hold_a_non_finite_number(
    osdose: Callable[..., Run], tmp_path: Path, column: str, value: float
) -> None:
    # inf in record 1 read as "total mg inf … status ok", exit 0; ledger check crashed
    ledger = tmp_path / "l.db"
    r = osdose(
        "ledger", "record", "--ledger", ledger, "-p", "P-1", "--drug", "epirubicin",
        "--dose", "60 mg", "--bsa", "1.5", "--date", "2025-01-01",
    )  # fmt: skip
    assert r.code == 0, r.err
    _tamper(ledger, column, value)
    for command in (
        ["cumulative", "--ledger", ledger, "--patient", "P-1", "--fail-on", "over"],
        ["ledger", "list", "--ledger", ledger, "-p", "P-1", "-f", "json"],
        # to a file: written whole or not at all (to stdout, an export streams: the lines
        # before the refused record may have been printed, never the record)
        ["ledger", "export", "--ledger", ledger, "-p", "P-1", "-o", tmp_path / "out.yaml"],
    ):
        refused(osdose(*command), f"ledger {ledger}: record 1: ", "osdose ledger check")
    assert not (tmp_path / "out.yaml").exists()
    check = osdose("ledger", "check", "--ledger", ledger)
    assert check.code == 1 and "Traceback" not in check.err
    assert "record 1: its content does not match its hash" in check.out + check.err


def test_a_drug_total_is_finite_or_refused() -> None:
    # The mg total (inf) was shown beside a finite mg/m² total whose status was ok.
    from osdose.cumulative import DrugTotal
    from osdose.errors import OsdoseError
    from osdose.status import Level

    def total(mg: float) -> DrugTotal:
        return DrugTotal("epirubicin", "mg", mg, 40.0, 1, "mg/m2", 900, 1000, (), 4.0, Level.OK, ())

    assert total(60.0).total == 60.0
    for value in (math.nan, math.inf):
        with pytest.raises(OsdoseError, match="cumulative total is not a finite number"):
            total(value)


@pytest.mark.parametrize("field", ["dose", "dose_per_m2", "bsa_m2", "dose_percent", "weight_kg"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_an_administration_holds_finite_numbers(field: str, value: float) -> None:
    # The one type every history source builds (course file, ledger, FHIR, Python callers).
    import datetime as dt

    from osdose.course import Administration
    from osdose.errors import OsdoseError

    good = {"dose": 60.0, "dose_per_m2": 40.0, "bsa_m2": 1.5}
    Administration(dt.date(2025, 1, 1), "epirubicin", "mg", **good)
    with pytest.raises(OsdoseError, match=f"{field.replace('_', ' ')} of epirubicin on 2025-01-01"):
        Administration(dt.date(2025, 1, 1), "epirubicin", "mg", **{**good, field: value})


# -- JSON numbers ------------------------------------------------------------------------

FHIR = Path(__file__).parents[1] / "fhir" / "data" / "bundle-hospital-export-three-drugs.json"


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("1e400", "1e400 is beyond any number osdose reads"),  # read as inf by json.loads
        ("-1e400", "-1e400 is beyond any number osdose reads"),
        ("1" + "0" * 5000, "a whole number of 5,001 digits (at most 30)"),
        ("NaN", "NaN is not a number osdose reads"),
        ("Infinity", "Infinity is not a number osdose reads"),
    ],
)
def test_json_numbers_in_a_fhir_bundle(
    osdose: Callable[..., Run], tmp_path: Path, number: str, why: str
) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(FHIR.read_text("utf-8").replace('"value": 258,', f'"value": {number},'))
    refused(osdose("fhir", "import", bundle, "--ledger", "l.db"), f"{bundle}: ", why)
    assert not Path("l.db").exists()


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("1e400", "1e400 is beyond any number osdose reads"),
        ("1" + "0" * 5000, "a whole number of 5,001 digits (at most 30)"),
        ("NaN", "NaN is not a number osdose reads"),
        ("-Infinity", "-Infinity is not a number osdose reads"),
    ],
)
def test_json_numbers_in_a_batch_line(
    osdose: Callable[..., Run], tmp_path: Path, number: str, why: str
) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(f'{{"patient": {{"id": "P-1", "bsa": {number}}}}}\n', "utf-8")
    r = osdose("verify", "--batch", batch, "-f", "json")
    assert r.code == 1 and "Traceback" not in r.err
    (doc,) = _strict(r.out)
    assert doc["checks"][0]["message"] == f"{batch}:1: not a JSON object osdose reads: {why}"


def test_a_rounding_band_the_wrong_way_round(osdose: Callable[..., Run], tmp_path: Path) -> None:
    table = (Path(__file__).parents[1] / "verify" / "data" / "drugs-with-banding.yaml").read_text()
    path = tmp_path / "drugs.yaml"
    path.write_text(table.replace("{from: 1600 mg, to: 1799 mg", "{from: 1799 mg, to: 1600 mg"))
    line = table[: table.index("{from: 1600 mg")].count("\n") + 1
    r = osdose("--drugs", path, "regimens", "list")
    at_line(refused(r, "a band's from (1799 mg) must not be above its to (1600 mg)"), path, line)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("warn_percent", math.nan),  # every deviation would pass
        ("fail_percent", math.inf),
        ("weight_warn_percent", math.nan),
        ("round_limit_percent", -1.0),
        ("grace_days", 10**24),
        ("creatinine_floor_mg_dl", math.nan),
        ("gfr_cap_ml_min", math.inf),
    ],
)
def test_verify_options_from_python(field: str, value: float) -> None:
    # The command line checks its options; a Python caller is held to the same ranges.
    from osdose.errors import InputError
    from osdose.verify import Options

    Options()
    with pytest.raises(InputError, match=f"^{field} must"):
        Options(**{field: value})


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        # vials under method nearest would read as "rounded to a vial" when they are not
        (
            "rounding: {method: nearest, step: 100 mg,",
            "rounding: {method: nearest, step: 100 mg, vials: [1 g, 2 g],",
            "vials is not used by method nearest (it takes step): remove vials, or choose the "
            "method that uses it",
        ),
        (
            "rounding: {method: vials, vials: [10 mg, 50 mg],",
            "rounding: {method: vials, step: 5 mg, vials: [10 mg, 50 mg],",
            "step is not used by method vials (it takes vials)",
        ),
    ],
)
def test_a_rounding_field_of_another_method_is_refused_not_ignored(
    osdose: Callable[..., Run], drug_table: Callable[[str, str], tuple[Path, int]],
    old: str, new: str, why: str,
) -> None:  # fmt: skip
    path, line = drug_table(old, new)
    r = osdose("--drugs", path, "regimens", "list")
    at_line(refused(r, why), path, line)
