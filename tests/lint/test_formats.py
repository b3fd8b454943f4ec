"""The exact text, json and github output of one file; SARIF validated against the official
SARIF 2.1.0 schema (vendored in data/, from oasis-tcs/sarif-spec); every format has a
renderer."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from osdose.cli import app
from osdose.cli_lint import LintFormat
from osdose.drugs import load_drugs
from osdose.render.findings import RENDERERS

DATA = Path(__file__).parent / "data"
FILE = "tests/lint/data/three-findings.yaml"

TABLE = load_drugs()
CIS_SOURCE = TABLE.drugs["cisplatin"].maxima[0].cited
MIT = TABLE.drugs["mitoxantrone"].ceiling
assert MIT is not None
# 140 mg/m² in 21 days against 100 per 21-day cycle: 140 / 100 = 1.4
CIS = (
    "cisplatin 140 mg/m² per 21-day cycle is above the usual maximum "
    f"100 mg/m² per 21-day cycle (1.4 times; source: {CIS_SOURCE})"
)
CIS_ACK = f"{CIS} (acknowledged error: intended escalation, as in the case report)"
# 40 mg/m² per cycle against mitoxantrone's lifetime 140: 40 / 140 = 28.6% → 29%
MIT_CEILING = (
    "one cycle of mitoxantrone gives 40 mg/m², 29% of its lifetime maximum of 140 mg/m² "
    f"(more than 25%; source: {MIT.source})"
)
DRUG = "unknown drug 'cisplatn'; did you mean cisplatin, oxaliplatin, carboplatin?"
SUMMARY = "osdose lint: 1 file: 1 error, 1 warning, 1 acknowledged\n"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["lint", *args])
    return r.exit_code, r.stdout, r.stderr


def test_text() -> None:
    code, out, err = run(FILE)
    assert code == 1
    assert out == (
        f"{FILE}:5:11: acknowledged: {CIS_ACK} [dose-implausible]\n"
        f"{FILE}:11:21: warning: {MIT_CEILING} [cycle-ceiling]\n"
        f"{FILE}:13:11: error: {DRUG} [unknown-drug]\n"
    )
    assert err == SUMMARY


def test_json() -> None:
    code, out, err = run("--format", "json", FILE)
    assert code == 1
    assert json.loads(out) == [
        {
            "path": FILE,
            "line": 5,
            "column": 11,
            "severity": "acknowledged",
            "rule": "dose-implausible",
            "message": CIS_ACK,
        },
        {
            "path": FILE,
            "line": 11,
            "column": 21,
            "severity": "warning",
            "rule": "cycle-ceiling",
            "message": MIT_CEILING,
        },
        {
            "path": FILE,
            "line": 13,
            "column": 11,
            "severity": "error",
            "rule": "unknown-drug",
            "message": DRUG,
        },
    ]
    assert err == SUMMARY


def test_github() -> None:
    code, out, _ = run("--format", "github", FILE)
    assert code == 1
    f = FILE
    assert out == (
        f"::notice file={f},line=5,col=11,title=dose-implausible::{CIS_ACK}\n"
        f"::warning file={f},line=11,col=21,title=cycle-ceiling::{MIT_CEILING.replace('%', '%25')}\n"
        f"::error file={f},line=13,col=11,title=unknown-drug::{DRUG}\n"
    )


def test_github_escapes_what_the_runner_would_misread(tmp_path: Path) -> None:
    from osdose.lint import Finding, LintResult
    from osdose.render.findings_github import render

    f = Finding("a,b:c.yaml", 1, 1, "yaml-syntax", "error", "50% off\nnext line")
    out = render(LintResult(("a,b:c.yaml",), (f,)))
    assert out == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=yaml-syntax::50%25 off%0Anext line\n"
    )


def test_sarif_is_valid_sarif_2_1_0() -> None:
    code, out, _ = run("--format", "sarif", FILE, "tests/lint/data/broken")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema)
    validator.validate(doc)
    assert not validator.is_valid({**doc, "version": "2.0.0"})  # the schema does bite
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    first = next(
        r
        for r in run_["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == FILE
    )
    assert first["ruleId"] == "dose-implausible"
    assert rules[first["ruleIndex"]]["id"] == "dose-implausible"
    assert first["level"] == "error"  # an acknowledged error: suppressed, still an error
    assert first["suppressions"] == [
        {"kind": "inSource", "justification": "intended escalation, as in the case report"}
    ]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": FILE, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 11},
    }


def test_every_format_has_a_renderer() -> None:
    assert {f.value for f in LintFormat} == set(RENDERERS)


def test_text_is_styled_for_a_terminal() -> None:
    from osdose.lint import lint_paths
    from osdose.render.findings_text import render

    text = render(lint_paths([FILE]))
    styles = {str(span.style) for span in text.spans}
    assert {"bold red", "yellow", "cyan", "dim"} <= styles  # error, warning, acknowledged, rule
