"""What lint keeps the same at a library's scale: the JSON report written a finding at a
time is the text of ``json.dumps`` of the whole list; a dose, a schedule or a text worked
out once and reused for later files gives each file its own findings, as when it is linted
alone; plain text read without asking YAML's resolver is what the resolver would say."""

from __future__ import annotations

import json
import string

import pytest
import yaml

from osdose.lint import Finding, LintResult, lint_texts
from osdose.reader import _IMPLICIT, Plain, parse_text
from osdose.render.findings_json import chunks, render


def _finding(path: str, line: int, message: str, acknowledged: str | None = None) -> Finding:
    return Finding(path, line, 3, "dose-unit", "error", message, acknowledged)


def test_the_json_report_is_json_dumps_of_the_list_with_indent_2() -> None:
    result = LintResult(
        ("a.yaml", "b.yaml"),
        (
            _finding("a.yaml", 4, 'dose "5 mg/h"\nis a rate'),
            _finding("b.yaml", 7, "café ≥ 2 m²", "why"),
        ),
    )
    expected = (
        "[\n"
        "  {\n"
        '    "path": "a.yaml",\n'
        '    "line": 4,\n'
        '    "column": 3,\n'
        '    "severity": "error",\n'
        '    "rule": "dose-unit",\n'
        '    "message": "dose \\"5 mg/h\\"\\nis a rate"\n'
        "  },\n"
        "  {\n"
        '    "path": "b.yaml",\n'
        '    "line": 7,\n'
        '    "column": 3,\n'
        '    "severity": "acknowledged",\n'
        '    "rule": "dose-unit",\n'
        '    "message": "café ≥ 2 m² (acknowledged error: why)"\n'
        "  }\n"
        "]\n"
    )
    assert render(result) == expected
    assert "".join(chunks(result)) == expected
    as_list = [f.as_dict() for f in result.findings]
    assert expected == json.dumps(as_list, indent=2, ensure_ascii=False) + "\n"


def test_an_empty_json_report_is_an_empty_list() -> None:
    assert render(LintResult(("a.yaml",), ())) == "[]\n"


def test_the_json_report_is_written_one_finding_at_a_time() -> None:
    result = LintResult(("a.yaml",), tuple(_finding("a.yaml", n, "m") for n in range(1, 4)))
    pieces = list(chunks(result))
    assert len(pieces) == 4  # three findings and the closing bracket
    assert pieces[0].startswith("[\n  {") and pieces[1].startswith(",\n  {")
    assert pieces[-1] == "\n]\n"


REGIMEN = """\
name: {name}
cycle_length_days: 21
drugs:
  - drug: cisplatin
    dose: 140 mg/m2
    days: [1]
    acknowledge:
      - rule: dose-implausible
        reason: intended escalation
  - drug: carboplatin
    dose: 5 mg/h
    days: [1]
  - drug: mitoxantrone
    dose_per_cycle: 40 mg/m2
    days: [1, 2]
references: ["test"]
approved: {{by: test, date: 2026-01-01}}
"""


def _own(findings: tuple[Finding, ...], path: str) -> list[tuple[object, ...]]:
    return [(f.line, f.column, f.rule, f.level, f.text) for f in findings if f.path == path]


def test_every_copy_of_a_regimen_gets_the_findings_it_gets_alone() -> None:
    texts = [(f"site-{i}/r.yaml", REGIMEN.format(name=f"regimen-{i}")) for i in range(3)]
    alone = lint_texts(texts[:1]).findings
    together = lint_texts(texts).findings
    first = _own(alone, "site-0/r.yaml")
    # cisplatin 140 mg/m² over its usual maximum (acknowledged), carboplatin's rate refused
    # (a dose read once and refused again for each file), mitoxantrone's cycle ceiling
    assert [(line, rule, level) for line, _, rule, level, _ in first] == [
        (5, "dose-implausible", "acknowledged"),
        (11, "dose-unit", "error"),
        (14, "cycle-ceiling", "warning"),
    ]
    for i in range(3):
        assert _own(together, f"site-{i}/r.yaml") == first
    assert len(together) == 3 * len(first)


def test_an_unread_dose_is_refused_in_every_file_that_writes_it() -> None:
    bad = "name: {name}\ncycle_length_days: 21\ndrugs:\n  - {{drug: cisplatin, dose: 5 mg/h, days: [1]}}\n"
    found = lint_texts([(f"{n}.yaml", bad.format(name=n)) for n in ("a", "b")]).findings
    units = [(f.path, f.line, f.column, f.message) for f in found if f.rule == "dose-unit"]
    assert [u[:3] for u in units] == [("a.yaml", 4, 29), ("b.yaml", 4, 29)]
    assert units[0][3] == units[1][3]


# every printable character that can start a plain scalar (not an indicator) and starts no
# YAML 1.1 implicit type (those are asked of the resolver, as before: tests/hardening)
STARTS = [
    c for c in string.printable.strip() if c not in "-?:,[]{}#&*!|>'\"%@`" and c not in _IMPLICIT
]


@pytest.mark.parametrize("first", STARTS)
def test_plain_text_taken_as_written_is_text_to_yaml_11(first: str) -> None:
    """The reader takes a plain text whose first character starts none of YAML 1.1's
    implicit types as written, without asking the resolver: YAML 1.1 (PyYAML's own
    resolver) reads each such text as that text."""
    texts = [first + tail for tail in ("", "1", "es", "1:30", "n", ".5", "0-01-01", "e3")]
    for text in texts:
        value = parse_text(f"k: {text}\n").data["k"]
        assert yaml.load(f"k: {text}\n", Loader=yaml.SafeLoader)["k"] == text
        assert value == text and not isinstance(value, Plain)
