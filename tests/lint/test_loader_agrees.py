"""The loader and the linter share their checks: every broken file the loader refuses is
refused at a place the linter also reports, and what lint passes, the loader loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.errors import FileError
from osdose.lint import lint_paths
from osdose.regimen import load_file

BROKEN = Path(__file__).parent / "data" / "broken"
LINT_ONLY = {
    "dose-implausible",
    "cycle-ceiling",
    "missing-reference",
    "unused-acknowledgement",
    "duplicate-regimen",
}


# Checks only lint makes: the loader does not compare a dose's basis with the drug
# reference's bases, nor read acknowledgements, and its model reads YAML's yes as 1.
LINT_ONLY_FILES = {
    "dose-unit-per-kg-on-m2-drug.yaml",
    "invalid-value-acknowledge-unknown-rule.yaml",
    "invalid-value-cycle-length-yes.yaml",
}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in BROKEN.iterdir() if p.name not in LINT_ONLY_FILES),
    ids=lambda p: p.name,
)
def test_loader_refuses_where_lint_reports(path: Path) -> None:
    findings = lint_paths([path]).findings
    loader_rules = [f for f in findings if f.rule not in LINT_ONLY and f.rule != "invalid-value"]
    refused = [f for f in findings if f.rule not in LINT_ONLY]
    if not refused:
        load_file(path)  # lint-only findings: the file still loads
        return
    with pytest.raises(FileError) as exc:
        load_file(path)
    if loader_rules:
        assert exc.value.line in {f.line for f in refused}


def test_unknown_field_is_reported_at_its_key() -> None:
    with pytest.raises(FileError) as exc:
        load_file(BROKEN / "unknown-field.yaml")
    assert (exc.value.line, exc.value.column) == (5, 5)
    assert exc.value.problem == "unknown field 'dose_per_dya'; did you mean 'dose_per_day'?"
