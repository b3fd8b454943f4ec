"""Issue 9 §3: plausibility of what is computed, not only of what is typed — a computed BSA
is held to the typed range (0.1–3.5 m²), a height and weight to a plausible BMI (4–200
kg/m², thresholds.yaml), and history to dates that have happened and to one administration
of a drug per day unless intended."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose import bsa
from osdose.cli import app
from osdose.course import load_course
from osdose.errors import InputError, OsdoseError


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_computed_bsa_outside_the_range_is_refused() -> None:
    # 250 cm and 350 kg: BMI 350 / 2.5² = 56 (plausible), but Mosteller √(250 × 350 / 3600)
    # = √24.3056 = 4.9301 m², above 3.5
    with pytest.raises(InputError, match=r"is 4\.9301 m², outside the plausible 0\.1–3\.5 m²"):
        bsa.compute(250, 350)


@pytest.mark.parametrize(
    ("height", "weight", "bmi"),
    [
        (30, 350, "3888.9"),  # 350 / 0.3² = 3,888.9
        (250, 1, "0.2"),  # 1 / 2.5² = 0.16
        (100, 3.99, "4.0"),  # 3.99 / 1² = 3.99, just under 4
        (100, 201, "201.0"),  # just over 200
    ],
)
def test_an_implausible_pair_is_refused_with_its_bmi(
    height: float, weight: float, bmi: str
) -> None:
    with pytest.raises(InputError) as err:
        bsa.compute(height, weight)
    assert f"give a BMI of {bmi} kg/m², outside the plausible 4–200 kg/m²" in str(err.value)


@pytest.mark.parametrize(("height", "weight"), [(100, 4.0), (100, 200.0)])
def test_the_bmi_bounds_themselves_are_accepted(height: float, weight: float) -> None:
    assert bsa.compute(height, weight).m2 > 0


def test_the_cli_refuses_the_pair_in_one_line() -> None:
    r = run("dose", "DIA", "--height", "30cm", "--weight", "350kg")
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert r.stderr.strip() == (  # type: ignore[attr-defined]
        "osdose: error: height and weight 30 cm with 350 kg give a BMI of 3888.9 kg/m², outside "
        "the plausible 4–200 kg/m²: one of them is mistyped or in the wrong unit"
    )


def _course(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "course.yaml"
    path.write_text(
        "patient: {id: P-1, height: 175 cm, weight: 70 kg}\nadministrations:\n"
        + "".join(f"  - {e}\n" for e in entries),
        "utf-8",
    )
    return path


def test_history_dated_after_tomorrow_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSDOSE_TODAY", "2026-11-30")
    tomorrow = _course(tmp_path, "{date: 2026-12-01, drug: cisplatin, dose: 100 mg/m2}")
    assert load_course(tomorrow).administrations[0].dose_per_m2 == 100.0  # a day of slack
    later = _course(tmp_path, "{date: 2026-12-02, drug: cisplatin, dose: 100 mg/m2}")
    with pytest.raises(
        OsdoseError, match=r"course.yaml:3: cisplatin on 2026-12-02 is in the future"
    ):
        load_course(later)
    # a cycle entry whose day 1 is today: its day 3 is after tomorrow
    cycle = _course(tmp_path, "{date: 2026-11-30, regimen: DIA, cycle: 1}")
    with pytest.raises(OsdoseError, match=r"on 2026-12-02 \(cycle day 3\) is in the future"):
        load_course(cycle)


def test_a_second_administration_on_the_same_day_needs_saying(tmp_path: Path) -> None:
    twice = _course(
        tmp_path,
        "{date: 2021-06-01, drug: cisplatin, dose: 100 mg/m2}",
        "{date: 2021-06-01, drug: DDP, dose: 100 mg/m2}",
    )
    with pytest.raises(OsdoseError) as err:
        load_course(twice)
    assert str(err.value).startswith(
        f"{twice}:4: cisplatin is already given on 2021-06-01 (line 3)"
    )
    assert "same_day_intended: true" in str(err.value)
    intended = _course(
        tmp_path,
        "{date: 2021-06-01, drug: cisplatin, dose: 50 mg/m2}",
        "{date: 2021-06-01, drug: cisplatin, dose: 50 mg/m2, same_day_intended: true}",
    )
    assert len(load_course(intended).administrations) == 2


def test_a_cycle_entry_and_a_single_dose_of_its_drug_on_one_day(tmp_path: Path) -> None:
    course = _course(
        tmp_path,
        "{date: 2021-06-01, regimen: DDP+EPI, cycle: 1}",
        "{date: 2021-06-01, drug: epirubicin, dose: 10 mg/m2}",
    )
    r = run("cumulative", course, "-f", "json")
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert "epirubicin is already given on 2021-06-01" in r.stderr  # type: ignore[attr-defined]


def test_the_ledger_of_a_course_agrees(tmp_path: Path) -> None:
    # what the ledger refuses (a second cisplatin on the same day), the course file refuses too
    ok = _course(tmp_path, "{date: 2021-06-01, drug: cisplatin, dose: 100 mg/m2}")
    doc = json.loads(run("cumulative", ok, "-f", "json").stdout)  # type: ignore[attr-defined]
    assert doc["drugs"][0]["administrations"] == 1
