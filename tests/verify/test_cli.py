"""`osdose verify` through the command line: the JSON contract, exit codes, batches,
unreadable input and the worksheet."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from osdose import __version__
from osdose.cli import app

DATA = Path(__file__).parent / "data"
FIRST = DATA / "order-ddp-epi-first-course.yaml"
BSA = math.sqrt(175 * 70 / 3600)  # 1.8446620 m² (Mosteller)
KEYS = ["check", "drug", "expected_mg", "prescribed_mg", "deviation_percent", "status", "message"]


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def _check(
    check: str, drug: str | None, status: str, message: str, **numbers: float | None
) -> dict[str, Any]:
    doc: dict[str, Any] = dict.fromkeys(KEYS)
    doc.update(check=check, drug=drug, status=status, message=message, **numbers)
    return doc


def test_json_contract_for_one_order() -> None:
    result = run("verify", FIRST, "--format", "json")
    assert result.exit_code == 0  # a warning (max-single-dose) does not fail
    doc = json.loads(result.stdout)
    cis, epi = 140 * BSA, 50 * BSA  # 258.2527 and 92.2331 mg
    expected = {
        "order": str(FIRST),
        "patient": "P-0042",
        "status": "warn",
        "bsa_m2": pytest.approx(BSA, rel=1e-12),
        "checks": [
            _check(
                "approval",
                None,
                "pass",
                "DDP+EPI: status active; version 1; approved 2026-11-29 by osdose maintainers: "
                "transcription of the sources in references reviewed (an example library, not an "
                "institution's approval for use)",
            ),
            _check(
                "dose",
                "cisplatin",
                "pass",
                "cisplatin: prescribed 258 mg/day, expected 258.25 mg/day "
                "(140 mg/m² × 1.8447 m²): -0.1%, within 5%",
                expected_mg=pytest.approx(cis, rel=1e-12),
                prescribed_mg=258.0,
                deviation_percent=pytest.approx((258 - cis) / cis * 100, rel=1e-9),
            ),
            _check(
                "dose",
                "epirubicin",
                "pass",
                "epirubicin: prescribed 92 mg/day, expected 92.23 mg/day "
                "(50 mg/m² × 1.8447 m²): -0.3%, within 5%",
                expected_mg=pytest.approx(epi, rel=1e-12),
                prescribed_mg=92.0,
                deviation_percent=pytest.approx((92 - epi) / epi * 100, rel=1e-9),
            ),
            _check("error-pattern", None, "pass", "every dose agrees: no error to look for"),
            _check("missing-drug", None, "pass", "all 2 drugs of DDP+EPI prescribed"),
            _check("extra-drug", None, "pass", "no drug outside the regimen"),
            _check("days", None, "pass", "the days of all 2 drugs are the regimen's"),
            _check(
                "weight-change",
                None,
                "not-checked",
                "no baseline weight on the order or its history: a stale weight cannot be "
                "detected (give baseline_weight)",
            ),
            _check("interval", None, "pass", "no earlier cycle in the history"),
            _check("cycle-number", None, "pass", "cycle 1 of DDP+EPI follows the history"),
            # labs of 2021-05-31, the day before; DDP+EPI delays below ANC 1.5 or platelets 100
            _check(
                "counts",
                None,
                "pass",
                "blood counts of 2021-05-31, 1 day before the order's 2021-06-01: within 3 days",
            ),
            _check(
                "counts",
                None,
                "pass",
                "ANC 2.1 × 10⁹/L, platelets 210 × 10⁹/L: no gate is met (ANC below 1.5 × 10⁹/L: "
                "delay the cycle; platelets below 100 × 10⁹/L: delay the cycle)",
            ),
            # 258 / 1.844662 = 139.86 mg/m²; 92 / 1.844662 = 49.87 mg/m² (5.0% of 1000)
            _check(
                "cumulative",
                "cisplatin",
                "pass",
                "cisplatin: 139.9 mg/m² after this order (history 0 + this order 139.9); "
                "watch at 400 mg/m²",
                prescribed_mg=258.0,
            ),
            _check(
                "cumulative",
                "epirubicin",
                "pass",
                "epirubicin: 49.9 mg/m² after this order (history 0 + this order 49.9); "
                "warn from 900, maximum 1,000 mg/m² (5.0% of maximum)",
                prescribed_mg=92.0,
            ),
            # doxorubicin-equivalent: 49.87 × 0.8 (Feijen 2019) = 39.90 mg/m², 39.90 / 550 = 7.3%
            _check(
                "cumulative",
                "doxorubicin-equivalent",
                "pass",
                "doxorubicin-equivalent: 39.9 mg/m² after this order (history 0 + this order "
                "39.9); warn from 450, maximum 550 mg/m² (the doxorubicin ceiling) (7.3% of "
                "maximum)",
            ),
            # cisplatin's usual maximum is 100 mg/m² per 21-day cycle: 100 × 1.844662 = 184.47
            # mg; 139.86 mg/m² is +39.86%
            _check(
                "max-single-dose",
                "cisplatin",
                "warn",
                "cisplatin: 139.86 mg/m² per 21-day cycle is above the usual maximum 100 mg/m² "
                "per 21-day cycle",
                expected_mg=pytest.approx(100 * BSA, rel=1e-12),
                prescribed_mg=258.0,
                deviation_percent=pytest.approx((258 / (100 * BSA) - 1) * 100, rel=1e-9),
            ),
            _check(
                "max-single-dose",
                "epirubicin",
                "pass",
                "epirubicin: 49.87 mg/m² per 21-day cycle is within the usual maximum 120 mg/m² "
                "per 21-day cycle",
                expected_mg=pytest.approx(120 * BSA, rel=1e-12),
                prescribed_mg=92.0,
                deviation_percent=pytest.approx((92 / (120 * BSA) - 1) * 100, rel=1e-9),
            ),
            # no labs on the order: every renal and hepatic rule is said, never passed
            _check(
                "renal",
                "cisplatin",
                "not-checked",
                "cisplatin: no serum creatinine on the order (CrCl needs it): its renal rules "
                "could not be applied",
            ),
            _check(
                "renal",
                "epirubicin",
                "not-checked",
                "epirubicin: no serum creatinine on the order: its renal rules could not be "
                "applied",
            ),
            _check(
                "hepatic",
                "epirubicin",
                "not-checked",
                "epirubicin: no bilirubin on the order; no AST (× ULN) on the order; no "
                "Child–Pugh class on the order: its hepatic rules could not be applied",
            ),
        ],
    }
    assert doc == expected
    assert all(list(c) == KEYS for c in doc["checks"])


def test_a_failed_check_exits_1() -> None:
    result = run("verify", DATA / "order-cisplatin-decimal-slip.yaml", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["status"] == "fail"
    slip = [c for c in doc["checks"] if c["check"] == "error-pattern" and c["status"] == "fail"]
    assert [c["drug"] for c in slip] == ["cisplatin"]
    assert "decimal slip ×10" in slip[0]["message"]


NOT_CHECKED_ORDER = (  # carboplatin by a measured GFR the order does not give
    (Path(__file__).parents[2] / "examples" / "orders" / "carboplatin-paclitaxel-cycle1.yaml")
    .read_text("utf-8")
    .replace(
        "regimen: carboplatin-paclitaxel", "gfr_method: measured\nregimen: carboplatin-paclitaxel"
    )
)


@pytest.mark.parametrize(
    ("order", "status", "codes"),
    [
        # the exit status with --fail-on fail (the default), warn and not-checked
        ("warn", "warn", {"fail": 0, "warn": 1, "not-checked": 1}),
        ("not-checked", "not-checked", {"fail": 0, "warn": 0, "not-checked": 1}),
        ("fail", "fail", {"fail": 1, "warn": 1, "not-checked": 1}),
    ],
)
def test_fail_on_sets_the_mildest_result_that_exits_1(
    tmp_path: Path, order: str, status: str, codes: dict[str, int]
) -> None:
    not_checked = tmp_path / "order-carboplatin-measured-gfr-missing.yaml"
    not_checked.write_text(NOT_CHECKED_ORDER, "utf-8")
    path = {
        "warn": FIRST,
        "not-checked": not_checked,
        "fail": DATA / "order-cisplatin-decimal-slip.yaml",
    }[order]
    default = run("verify", path, "--format", "json")
    assert json.loads(default.stdout)["status"] == status
    assert default.exit_code == codes["fail"]
    for fail_on, code in codes.items():
        assert run("verify", path, "-f", "json", "--fail-on", fail_on).exit_code == code
    # a batch exits by its worst order, the same way
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str) + "\n")
    for fail_on, code in codes.items():
        r = run("verify", "--batch", batch, "-f", "json", "--fail-on", fail_on)
        assert r.exit_code == code, (fail_on, r.stdout[-300:])


def test_table_output_names_each_check() -> None:
    result = run("verify", FIRST)
    assert result.exit_code == 0
    for check in ("dose", "error-pattern", "missing-drug", "cumulative", "max-single-dose"):
        assert check in result.stdout
    assert "result: WARN" in result.stdout


@pytest.mark.parametrize(
    ("name", "line", "problem"),
    [
        ("order-unknown-field.yaml", 5, "unknown field 'prescibed'; did you mean 'prescribed'?"),
        ("order-dose-per-m2.yaml", 6, "dose must be the amount to give on each day in mg"),
        ("order-creatinine-without-age.yaml", 6, "serum_creatinine needs the patient's age"),
        ("order-creatinine-without-unit.yaml", 7, "must be a concentration with its unit"),
        ("order-unknown-drug.yaml", 7, "unknown drug 'epirubicine'; did you mean epirubicin"),
        ("order-history-other-patient.yaml", 8, "is for patient 'P-0042', the order for 'P-0099'"),
        ("order-date-not-iso.yaml", 4, "date must be a date written YYYY-MM-DD"),
        ("order-weight-in-grams-by-mistake.yaml", 1, "weight 70 g is outside the plausible range"),
        ("order-duplicate-key.yaml", 4, "duplicate key 'cycle' (first at line 3)"),
    ],
)
def test_unreadable_order_is_one_line_and_exit_2(name: str, line: int, problem: str) -> None:
    result = run("verify", DATA / name)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"osdose: error: {DATA / name}:{line}: ")
    assert problem in lines[0]


def _batch(tmp_path: Path, make: Any) -> Path:
    (tmp_path / "histories").mkdir()
    course = (DATA / "course-ddp-epi-two-cycles.yaml").read_text("utf-8")
    (tmp_path / "histories" / "p42.yaml").write_text(course, "utf-8")
    good = make(
        {
            "history": "histories/p42.yaml",
            "acknowledge": [
                {"check": "max-single-dose", "reason": "intended, case report"},
                {"check": "cumulative", "drug": "cisplatin", "reason": "audiology"},
            ],
        }
    )
    slip = json.loads(json.dumps(good))
    slip["prescribed"][0]["dose"] = "2582 mg"
    batch = tmp_path / "orders.jsonl"
    batch.write_text(
        "\n".join([json.dumps(good), '{"patient": {"id": "P-1"', "", json.dumps(slip)]) + "\n",
        "utf-8",
    )
    return batch


def test_batch_json_counts_a_malformed_line_as_failed(tmp_path: Path, make: Any) -> None:
    batch = _batch(tmp_path, make)
    result = run("verify", "--batch", batch, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"osdose: error: {batch}:2: not a JSON object: Expecting ',' delimiter (column 25)"
    ]
    docs = json.loads(result.stdout)
    # the first order passes every check it can make; no labs on it: some rules not checked
    assert [(d["order"], d["status"]) for d in docs] == [
        (f"{batch}:1", "not-checked"),  # history path read relative to the batch file
        (f"{batch}:2", "fail"),
        (f"{batch}:4", "fail"),
    ]
    assert docs[1]["checks"] == [
        {
            "check": "input",
            "drug": None,
            "expected_mg": None,
            "prescribed_mg": None,
            "deviation_percent": None,
            "status": "fail",
            "message": f"{batch}:2: not a JSON object: Expecting ',' delimiter (column 25)",
        }
    ]
    interval = [c for c in docs[0]["checks"] if c["check"] == "interval"]
    assert interval[0]["message"].startswith("2021-06-01 is on or after the due date 2021-06-01")


def test_batch_summary_table_and_parallel_runs_agree(tmp_path: Path, make: Any) -> None:
    batch = _batch(tmp_path, make)
    one = run("verify", "--batch", batch, "-j", "1")
    two = run("verify", "--batch", batch, "-j", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    rows = one.stdout.splitlines()
    assert rows[0].split() == [
        "order",
        "patient",
        "regimen",
        "status",
        "fail",
        "warn",
        "not",
        "checked",
        "first",
        "problem",
    ]
    assert rows[1].split()[:4] == [f"{batch}:1", "P-0042", "DDP+EPI", "c3"]
    assert rows[-1] == "3 orders: pass 0, not checked 1, warn 0, fail 2"


def test_folder_of_orders(tmp_path: Path) -> None:
    for name in ("order-ddp-epi-first-course.yaml", "order-cisplatin-decimal-slip.yaml"):
        (tmp_path / name).write_text((DATA / name).read_text("utf-8"), "utf-8")
    result = run("verify", tmp_path, "--format", "json")
    assert result.exit_code == 1
    docs = json.loads(result.stdout)
    assert [Path(d["order"]).name for d in docs] == [
        "order-cisplatin-decimal-slip.yaml",
        "order-ddp-epi-first-course.yaml",
    ]


def test_options_are_checked() -> None:
    result = run("verify", FIRST, "--warn-percent", "12", "--fail-percent", "10")
    assert result.exit_code == 2
    assert "--warn-percent must not be larger than --fail-percent" in result.stderr
    assert run("verify", FIRST, "--patient", "P-0042").exit_code == 2
    assert run("verify").exit_code == 2


def test_worksheet(tmp_path: Path) -> None:
    order = tmp_path / "order.yaml"
    text = (DATA / "order-ddp-epi-first-course.yaml").read_text("utf-8")
    order.write_text(text.replace("id: P-0042", 'id: "<script>alert(1)</script>"'), "utf-8")
    sheet = tmp_path / "sheet.html"
    result = run("verify", order, "--worksheet", sheet, "--round")
    assert result.exit_code == 0
    html = sheet.read_text("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    from osdose.library import load_regimen

    assert load_regimen("DDP+EPI").sha256 in html
    assert f"osdose {__version__}" in html
    assert "BSA (mosteller) = √(175 × 70 / 3600) = 1.8447 m²" in html
    assert "140 mg/m² × 1.8447 m² (mosteller) = 258.25 mg" in html
    assert "deviation = (258 − 258.25) / 258.25 × 100 = -0.1%" in html
    for line in ("Verifying pharmacist (name)", "Signature", "Date and time"):
        assert line in html
    assert "src=" not in html and "href=" not in html  # self-contained


def test_unreadable_batch_file_is_exit_2(tmp_path: Path) -> None:
    result = run("verify", "--batch", tmp_path / "missing.jsonl")
    assert result.exit_code == 2
    assert result.stderr == f"osdose: error: {tmp_path / 'missing.jsonl'}: no such file\n"


def test_an_unreadable_file_among_several_is_a_failed_order(tmp_path: Path) -> None:
    result = run("verify", FIRST, tmp_path / "missing.yaml", "--format", "json")
    assert result.exit_code == 1
    docs = json.loads(result.stdout)
    assert [d["status"] for d in docs] == ["warn", "fail"]
    assert result.stderr == f"osdose: error: {tmp_path / 'missing.yaml'}: no such file\n"
