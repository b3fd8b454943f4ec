"""The life-cycle lint rules, and `lint --base REF` in a throwaway git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.lint import lint_paths

from .conftest import APPROVED, ROOT, commit, regimen_text, run, write_regimen

LINT_DATA = ROOT / "tests" / "lint" / "data"
CHANGED = "doses changed since HEAD (cisplatin dose 140 mg/m² per day → 120 mg/m² per day)"


def findings(*paths: Path, base: str | None = None) -> list[tuple[str, int, str, str, str]]:
    return [
        (Path(f.path).name, f.line, f.rule, f.level, f.message)
        for f in lint_paths(list(paths), base=base).findings
        # the fixture's cisplatin: above its usual maximum (acknowledged), or not (unused)
        if f.level != "acknowledged" and f.rule != "unused-acknowledgement"
    ]


# -- approval-missing, superseded-* ------------------------------------------------------


def test_a_file_without_status_is_active_and_needs_an_approval(tmp_path: Path) -> None:
    assert findings(write_regimen(tmp_path)) == [
        (
            "T.yaml",
            1,
            "approval-missing",
            "warning",
            "the regimen has no status, so it is active but records no approval: add approved: "
            "{by: WHO, date: YYYY-MM-DD} (who approved this version for use, and when), or "
            "status: draft until it is approved",
        )
    ]
    assert run("lint", tmp_path).exit_code == 0  # a warning: the file still calculates
    assert run("lint", "--strict", tmp_path).exit_code == 1


@pytest.mark.parametrize("life", ["status: draft\n", "status: retired\n", APPROVED])
def test_a_draft_a_retired_or_an_approved_regimen_needs_no_more(tmp_path: Path, life: str) -> None:
    assert findings(write_regimen(tmp_path, life=life)) == []


def test_superseded_by_names_a_regimen_of_the_library(tmp_path: Path) -> None:
    # the successor as a linted file, as a file next to the linted one (a pre-commit hook
    # lints only the commit's files), and as a shipped regimen by an alias in another case
    write_regimen(tmp_path, "NEW.yaml", name="T-2026", life=APPROVED)
    old = write_regimen(tmp_path, "OLD.yaml", name="T-2019", life="status: retired\n")
    for successor in ("T-2026", "t 2026", "cisplatin-EPIRUBICIN"):
        old.write_text(
            regimen_text(name="T-2019", life=f"status: retired\nsuperseded_by: {successor}\n"),
            "utf-8",
        )
        assert findings(old) == [], successor
        assert findings(tmp_path) == [], successor


@pytest.mark.parametrize(
    ("successor", "message"),
    [
        (
            "T-2027",
            "superseded_by names 'T-2027', which is no regimen of the library (the linted files, "
            "the other regimen files in their folders, osdose's shipped library): check the "
            "name, or add the successor's file",
        ),
        (
            "t-2019",
            "superseded_by names 't-2019', the regimen itself: name the regimen that replaces it",
        ),
        (
            "T-2015",
            "superseded_by names 'T-2015' ({folder}/T-2015.yaml), which is retired too: name the "
            "regimen that replaces them now",
        ),
    ],
)
def test_superseded_by_unknown(tmp_path: Path, successor: str, message: str) -> None:
    write_regimen(tmp_path, "T-2015.yaml", name="T-2015", life="status: retired\n")
    old = write_regimen(
        tmp_path,
        "T-2019.yaml",
        name="T-2019",
        life=f"status: retired\nsuperseded_by: {successor}\n",
    )
    assert findings(old) == [
        ("T-2019.yaml", 3, "superseded-by-unknown", "error", message.format(folder=tmp_path))
    ]


def test_superseded_by_on_a_regimen_in_use_is_an_error(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life=f"{APPROVED}superseded_by: DDP+EPI\n")
    assert findings(path) == [
        (
            "T.yaml",
            3,
            "superseded-not-retired",
            "error",
            "superseded_by names 'DDP+EPI', but the regimen is active: a regimen another "
            "replaces is status: retired (or remove superseded_by)",
        )
    ]
    # and the loader refuses it, as any lint error
    r = run("dose", path, "--bsa", "1.8")
    assert r.exit_code == 2 and "[superseded-not-retired]" in r.stderr


# -- lint --base REF --------------------------------------------------------------------


def _edit(repo: Path, before: str, after: str) -> Path:
    path = commit(repo, "T.yaml", before)
    path.write_text(after, "utf-8")
    return path


V1 = f"status: active\nversion: 1\n{APPROVED}"
V2_SAME_APPROVAL = f"status: active\nversion: 2\n{APPROVED}"
V2_APPROVED = "status: active\nversion: 2\napproved: {by: Pharmacy committee, date: 2026-06-02}\n"


def test_a_dose_change_without_a_version_increase_is_an_error(repo: Path) -> None:
    path = _edit(repo, regimen_text(life=V1), regimen_text(life=V1, cis="120 mg/m2"))
    version_line = 3
    assert findings(path, base="HEAD") == [
        (
            "T.yaml",
            version_line,
            "version-not-increased",
            "error",
            f"{CHANGED} but version stays 1: make it version: 2",
        ),
        (
            "T.yaml",
            4,
            "approval-not-renewed",
            "error",
            f"{CHANGED} but the approval (by Pharmacy and Therapeutics Committee, 2026-01-15) is "
            "the previous version's: record who approved this version and when, or make it "
            "status: draft until it is approved",
        ),
    ]
    r = run("lint", "--base", "HEAD", path)
    assert r.exit_code == 1
    assert f"T.yaml:3:1: error: {CHANGED} but version stays 1" in r.stdout


def test_a_new_version_with_the_old_approval_is_an_error(repo: Path) -> None:
    path = _edit(repo, regimen_text(life=V1), regimen_text(life=V2_SAME_APPROVAL, cis="120 mg/m2"))
    assert [f[2] for f in findings(path, base="HEAD")] == ["approval-not-renewed"]


def test_a_new_approved_version_or_a_draft_passes(repo: Path) -> None:
    path = _edit(repo, regimen_text(life=V1), regimen_text(life=V2_APPROVED, cis="120 mg/m2"))
    assert findings(path, base="HEAD") == []
    assert run("lint", "--strict", "--base", "HEAD", path).exit_code == 0
    path.write_text(regimen_text(life="status: draft\nversion: 2\n", cis="120 mg/m2"), "utf-8")
    assert findings(path, base="HEAD") == []


@pytest.mark.parametrize(
    "after",
    [
        # the same dose written differently, and a change that is not a dose
        regimen_text(life=V1, cis="0.14 g/m2"),
        regimen_text(life=V1).replace("days: [1]", "days: 1"),
        regimen_text(life=V1).replace("drug: cisplatin", "drug: DDP"),
        regimen_text(life=V1).replace("references: [test]", "references: [another source]"),
    ],
)
def test_no_dose_change_needs_no_new_version(repo: Path, after: str) -> None:
    path = _edit(repo, regimen_text(life=V1), after)
    assert findings(path, base="HEAD") == []


def test_a_version_never_goes_back(repo: Path) -> None:
    path = _edit(repo, regimen_text(life=V2_APPROVED), regimen_text(life=V1))
    assert findings(path, base="HEAD") == [
        (
            "T.yaml",
            3,
            "version-not-increased",
            "error",
            "version went back from 2 at HEAD to 1: a version never decreases",
        )
    ]


def test_a_new_file_has_nothing_to_compare_with(repo: Path) -> None:
    commit(repo, "other.yaml", regimen_text(name="O", life=V1))
    path = write_regimen(repo, life=V1, cis="120 mg/m2")
    assert findings(path, base="HEAD") == []


def test_a_base_version_that_is_not_a_regimen_warns_never_passes(repo: Path) -> None:
    path = _edit(
        repo,
        regimen_text(life=V1).replace("drug: cisplatin", "drug: cisplatine"),
        regimen_text(life=V1),
    )
    assert findings(path, base="HEAD") == [
        (
            "T.yaml",
            3,
            "version-not-increased",
            "warning",
            "cannot compare the doses with --base: HEAD:"
            f"{path}:7: unknown drug 'cisplatine'; did you mean cisplatin, vincristine, "
            "vinblastine? (in drug; add it to the drug table with --drugs if it is missing); "
            "check by hand that the version increased if a dose changed",
        )
    ]


def test_the_data_examples_of_the_two_rules(repo: Path) -> None:
    for rule in ("version-not-increased", "approval-not-renewed"):
        folder = LINT_DATA / rule
        path = commit(repo, f"{rule}.yaml", (folder / "old.yaml").read_text("utf-8"))
        path.write_text((folder / "new.yaml").read_text("utf-8"), "utf-8")
        assert [f[2] for f in findings(path, base="HEAD")] == [rule]


def test_base_outside_git_or_unknown_is_one_line_exit_2(tmp_path: Path, repo: Path) -> None:
    outside = write_regimen(tmp_path, life=V1)
    r = run("lint", "--base", "main", outside)
    assert (r.exit_code, r.stdout, r.stderr) == (
        2,
        "",
        f"osdose: error: --base main: {outside} is not in a git repository (lint --base "
        "compares each file with its version at a git revision)\n",
    )
    inside = commit(repo, "T.yaml", regimen_text(life=V1))
    r = run("lint", "--base", "no-such-branch", inside)
    assert (r.exit_code, r.stdout, r.stderr) == (
        2,
        "",
        f"osdose: error: --base no-such-branch: git knows no such revision in the repository of "
        f"{inside} (give a branch, tag or commit, for example origin/main; fetch it first in a "
        "shallow clone)\n",
    )
    r = run("lint", "--base", "--upload-pack=x", inside)
    assert r.exit_code == 2
