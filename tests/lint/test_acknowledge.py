"""Acknowledgements excuse only what stands next to them, and are reported, never dropped."""

from __future__ import annotations

from osdose.lint import lint_texts

BASE = """\
name: ack
cycle_length_days: 21
approved: {{by: test, date: 2026-01-01}}
drugs:
  - drug: cisplatin
    dose: 140 mg/m2
    days: [1]
{drug_ack}{regimen_ack}"""
DRUG_ACK = """\
    acknowledge:
      - rule: dose-implausible
        reason: intended escalation
"""
REGIMEN_ACK = """\
acknowledge:
  - rule: {rule}
    reason: local protocol, no publication
"""


def lint(text: str) -> list[tuple[str, str, str | None]]:
    findings = lint_texts([("ack.yaml", text)]).findings
    return sorted((f.rule, f.level, f.acknowledged) for f in findings)


def test_drug_acknowledgement_excuses_its_drug() -> None:
    text = BASE.format(drug_ack=DRUG_ACK, regimen_ack=REGIMEN_ACK.format(rule="missing-reference"))
    assert lint(text) == [
        ("dose-implausible", "acknowledged", "intended escalation"),
        ("missing-reference", "acknowledged", "local protocol, no publication"),
    ]


def test_regimen_acknowledgement_does_not_excuse_a_drug() -> None:
    text = BASE.format(drug_ack="", regimen_ack=REGIMEN_ACK.format(rule="dose-implausible"))
    assert lint(text) == [
        ("dose-implausible", "error", None),
        ("missing-reference", "warning", None),
        ("unused-acknowledgement", "warning", None),
    ]


def test_acknowledged_findings_do_not_fail_even_strict() -> None:
    text = BASE.format(drug_ack=DRUG_ACK, regimen_ack=REGIMEN_ACK.format(rule="missing-reference"))
    assert not lint_texts([("ack.yaml", text)]).failed(strict=True)


def test_an_error_level_implausible_dose_can_be_acknowledged() -> None:
    text = BASE.replace("140 mg/m2", "400 mg/m2").format(
        drug_ack=DRUG_ACK, regimen_ack=REGIMEN_ACK.format(rule="missing-reference")
    )
    result = lint_texts([("ack.yaml", text)])
    assert sorted((f.rule, f.severity, f.level) for f in result.findings) == [
        ("dose-implausible", "error", "acknowledged"),
        ("missing-reference", "warning", "acknowledged"),
    ]
    assert not result.failed(strict=True)
