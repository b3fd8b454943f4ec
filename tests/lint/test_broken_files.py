"""Each broken regimen file in data/broken/ holds one defect and is named after it; its
findings (line:column, rule, severity) are asserted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

import osdose
from osdose.lint import lint_paths

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"

# file name → every finding of that file as (line, column, rule, level)
EXPECTED: dict[str, list[tuple[int, int, str, str]]] = {
    "yaml-syntax.yaml": [(7, 11, "yaml-syntax", "error")],
    "yaml-syntax-binary.yaml": [(1, 1, "yaml-syntax", "error")],
    "yaml-syntax-not-utf8.yaml": [(1, 1, "yaml-syntax", "error")],
    "yaml-syntax-python-tag.yaml": [(1, 7, "yaml-syntax", "error")],
    "yaml-syntax-alias-bomb.yaml": [(1, 4, "yaml-syntax", "error")],
    # the 65th "[" of "name: [[[…" sits at column 6 + 65 = 71
    "yaml-syntax-deep-nesting.yaml": [(1, 71, "yaml-syntax", "error")],
    "duplicate-key.yaml": [(7, 5, "duplicate-key", "error")],
    # the misspelt field also leaves the drug without any dose
    "unknown-field.yaml": [(4, 5, "missing-field", "error"), (5, 5, "unknown-field", "error")],
    "missing-field.yaml": [(1, 1, "missing-field", "error")],
    "missing-field-no-dose.yaml": [(4, 5, "missing-field", "error")],
    "unknown-drug.yaml": [(4, 11, "unknown-drug", "error")],
    "dose-unit-rate.yaml": [(5, 11, "dose-unit", "error")],
    "dose-unit-no-unit.yaml": [(5, 11, "dose-unit", "error")],
    "dose-unit-per-kg-on-m2-drug.yaml": [(5, 11, "dose-unit", "error")],
    "dose-unit-cap-not-flat.yaml": [(7, 15, "dose-unit", "error")],
    "day-out-of-cycle.yaml": [(6, 11, "day-out-of-cycle", "error")],
    "day-out-of-cycle-repeated.yaml": [(6, 11, "day-out-of-cycle", "error")],
    "dose-implausible-above-usual.yaml": [(5, 11, "dose-implausible", "error")],
    "dose-implausible-per-cycle-as-per-day.yaml": [(5, 11, "dose-implausible", "error")],
    # 1.4 g/m² "capped" by the file's own 2,000 mg: a slip the drug table's 2 mg cap would
    # hide; the file's cap above the table's is an error of its own
    "dose-implausible-unit-slip.yaml": [
        (5, 11, "dose-implausible", "error"),
        (7, 15, "absolute-cap", "error"),
    ],
    "cycle-ceiling.yaml": [(5, 21, "cycle-ceiling", "warning")],
    # cisplatin and DDP, both on day 1 (issue 10 §9)
    "duplicate-drug.yaml": [(7, 11, "duplicate-drug", "error")],
    # a synonym in another case, on the last day of the first entry's range
    "duplicate-drug-synonym-on-a-day-of-a-range.yaml": [(7, 11, "duplicate-drug", "error")],
    # a brand name, its dose written per cycle
    "duplicate-drug-brand-name-per-cycle.yaml": [(7, 11, "duplicate-drug", "error")],
    "absolute-cap.yaml": [(7, 15, "absolute-cap", "error")],
    "missing-reference.yaml": [(1, 1, "missing-reference", "warning")],
    "unused-acknowledgement.yaml": [(8, 15, "unused-acknowledgement", "warning")],
    "invalid-value-acknowledge-unknown-rule.yaml": [(8, 15, "invalid-value", "error")],
    "invalid-value-two-dose-fields.yaml": [(6, 5, "invalid-value", "error")],
    "invalid-value-cycle-length-text.yaml": [(2, 20, "invalid-value", "error")],
    "invalid-value-cycle-length-yes.yaml": [(2, 20, "invalid-value", "error")],
    "invalid-value-days-unreadable.yaml": [(6, 11, "invalid-value", "error")],
    "invalid-value-list.yaml": [(1, 1, "invalid-value", "error")],
    "invalid-value-scalar.yaml": [(1, 1, "invalid-value", "error")],
    "invalid-value-empty.yaml": [(1, 1, "invalid-value", "error")],
    "invalid-value-approved-in-future.yaml": [(5, 9, "invalid-value", "error")],
    "invalid-value-status-unknown.yaml": [(2, 9, "invalid-value", "error")],
    # at the status line (at name: when the file has no status)
    "approval-missing.yaml": [(2, 1, "approval-missing", "warning")],
    "superseded-not-retired.yaml": [(3, 1, "superseded-not-retired", "error")],
}


def test_every_broken_file_has_its_expectation() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file(name: str) -> None:
    path = (BROKEN / name).as_posix()
    result = lint_paths([path])
    assert [(f.path, f.line, f.column, f.rule, f.level) for f in result.findings] == [
        (path, line, col, rule, level) for line, col, rule, level in EXPECTED[name]
    ]
    # the defect in the file's name is among its rules
    assert any(name.startswith(f.rule) for f in result.findings)


def test_all_broken_files_at_once_collects_every_finding() -> None:
    result = lint_paths([BROKEN])
    assert len(result.findings) == sum(len(v) for v in EXPECTED.values())
    assert result.failed()


def test_duplicate_regimen_across_files() -> None:
    folder = DATA / "duplicate-regimen"
    result = lint_paths([folder])
    first, second = (folder / "first.yaml").as_posix(), (folder / "second.yaml").as_posix()
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in result.findings] == [
        (
            second,
            2,
            11,
            "duplicate-regimen",
            f"regimen name 'ddp-epi' is already used by 'DDP+EPI' at {first}:1",
        )
    ]


def test_lookalike_regimen_across_files() -> None:
    # 'DDP+EP1' (the digit 1) is another name than 'DDP+EPI' (the capital I), and reads alike
    folder = DATA / "lookalike-regimen"
    result = lint_paths([folder])
    first, second = (folder / "first.yaml").as_posix(), (folder / "second.yaml").as_posix()
    assert [(f.path, f.line, f.column, f.rule, f.level, f.message) for f in result.findings] == [
        (
            second,
            2,
            11,
            "lookalike-regimen",
            "error",
            f"regimen name 'DDP+EP1' reads like 'DDP+EPI' at {first}:1 ('1' where 'DDP+EPI' "
            "has 'I'): rename one of them",
        )
    ]


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("FOLFOX", "F0LF0X", True),  # 0 for O
        ("Folfox", "F0lf0x", True),  # in small letters too
        ("DIA", "DlA", True),  # a capital I and a small l
        ("DIA", "D1A", True),
        ("Cyclo", "Cycl0", True),
        ("AC-T", "AC-I", False),
        ("DIA", "DLA", False),  # a capital L is no I
        ("dia", "dla", False),  # a small i has its dot
        ("FEC", "FFC", False),
        ("modified", "rnodified", True),  # rn for m
        ("VAC", "VAD", False),
    ],
)
def test_lookalike_skeleton(one: str, other: str, alike: bool) -> None:
    from osdose.lint.lookalike_regimen import skeleton

    assert (skeleton(one) == skeleton(other)) is alike


def test_superseded_by_unknown_across_the_library() -> None:
    # a rule of the library on disk, as duplicate-regimen is of the linted set: the loader,
    # which lints one text, leaves it to osdose lint (a successor renamed since never blocks
    # a history that names the retired regimen)
    path = (DATA / "superseded-by-unknown" / "retired.yaml").as_posix()
    assert [(f.path, f.line, f.column, f.rule, f.level) for f in lint_paths([path]).findings] == [
        (path, 3, 16, "superseded-by-unknown", "error")
    ]


def test_messages_carry_the_numbers() -> None:
    by_name = {
        n: lint_paths([BROKEN / n]).findings[0].message
        for n in (
            "dose-implausible-above-usual.yaml",
            "dose-implausible-per-cycle-as-per-day.yaml",
            "cycle-ceiling.yaml",
            "unknown-field.yaml",
            "unknown-drug.yaml",
        )
    }
    # 130 / 120 = 1.0833 → "1.08 times"; epirubicin's maximum is per 21-day cycle
    assert by_name["dose-implausible-above-usual.yaml"].startswith(
        "epirubicin 130 mg/m² per 21-day cycle is above the usual maximum "
        "120 mg/m² per 21-day cycle (1.08 times;"
    )
    # 400 / 100 = 4 > 3
    assert by_name["dose-implausible-per-cycle-as-per-day.yaml"].startswith(
        "cisplatin 400 mg/m² per 21-day cycle is above the usual maximum "
        "100 mg/m² per 21-day cycle (4 times; more than 3 times: a dose per cycle written per "
        "day, or a unit slip?;"
    )
    # 40 mg/m² over 2 days per cycle; 40 / 140 = 28.6% → "29%" of mitoxantrone's maximum
    assert by_name["cycle-ceiling.yaml"].startswith(
        "one cycle of mitoxantrone gives 40 mg/m², 29% of its lifetime maximum of 140 mg/m² "
        "(more than 25%;"
    )
    assert (
        "did you mean 'dose_per_day'?"
        in lint_paths([BROKEN / "unknown-field.yaml"]).findings[1].message
    )
    assert by_name["unknown-drug.yaml"] == (
        "unknown drug 'cisplatn'; did you mean cisplatin, oxaliplatin, carboplatin?"
    )


def test_huge_file_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the input limit is the thresholds file's input.max_file_bytes (1 GiB shipped): 1 MiB here
    shipped = (Path(osdose.__file__).parent / "data" / "thresholds.yaml").read_text()
    small = tmp_path / "thresholds.yaml"
    small.write_text(shipped.replace("max_file_bytes: 1073741824", "max_file_bytes: 1048576"))
    monkeypatch.setenv("OSDOSE_THRESHOLDS", str(small))
    big = tmp_path / "huge.yaml"
    big.write_text("notes: " + "x" * (3 * 1024 * 1024) + "\n")
    (f,) = lint_paths([big]).findings
    assert (f.line, f.column, f.rule) == (1, 1, "yaml-syntax")
    assert "larger than 1 MiB, the largest file osdose reads" in f.message


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    doc = tmp_path / "tag.yaml"
    doc.write_text(f'name: !!python/object/apply:pathlib.Path.touch ["{marker}"]\n')
    (f,) = lint_paths([doc]).findings
    assert f.rule == "yaml-syntax"
    assert not marker.exists()
