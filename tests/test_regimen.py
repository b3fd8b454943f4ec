"""Regimen files: the shipped library, name lookup, and every refusal with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.errors import FileError, OsdoseError, UnknownNameError
from osdose.library import library, load_file, load_regimen
from osdose.regimen import name_key, parse_days


def test_library_holds_the_case_report_regimens() -> None:
    names = {r.name for r in library()}
    assert {"DIA", "DDP+EPI", "DDP+IFO", "anlotinib"} <= names


def test_dia_is_faithful_to_the_case_report() -> None:
    r = load_regimen("DIA")
    doses = {d.drug: (d.basis.amount, d.basis.per, d.days) for d in r.drugs}
    assert doses["cisplatin"] == (120.0, "m2", (1,))
    assert doses["epirubicin"] == (40.0, "m2", (1, 2, 3))
    assert doses["ifosfamide"] == (2000.0, "m2", (1, 2, 3, 4, 5))  # 2 g/m² per day
    assert r.cycle_length_days == 14  # "once every 2 weeks"


def test_relapse_regimens() -> None:
    epi = load_regimen("DDP+EPI")
    assert [(d.drug, d.basis.amount, d.days) for d in epi.drugs] == [
        ("cisplatin", 140.0, (1,)),
        ("epirubicin", 50.0, (1,)),
    ]
    ifo = load_regimen("DDP+IFO")
    assert [(d.drug, d.basis.amount) for d in ifo.drugs][:2] == [
        ("cisplatin", 140.0),
        ("ifosfamide", 2000.0),
    ]
    anl = load_regimen("anlotinib")
    assert anl.drugs[0].basis.per == "flat"
    assert anl.drugs[0].basis.amount == 12.0
    assert anl.drugs[0].days == tuple(range(1, 15))  # 2 weeks on
    assert anl.cycle_length_days == 21  # 1 week off


@pytest.mark.parametrize(
    "spelling", ["DDP+EPI", "ddp+epi", "ddp-epi", "DDP EPI", "cisplatin-epirubicin"]
)
def test_names_are_found_case_insensitively(spelling: str) -> None:
    assert load_regimen(spelling).name == "DDP+EPI"


def test_every_shipped_file_is_named_after_its_regimen() -> None:
    # the library's names and aliases never collide, and each file stem is its regimen's name
    keys: dict[str, str] = {}
    for r in library():
        assert name_key(Path(r.path).stem) == name_key(r.name)
        for n in (r.name, *r.aliases):
            assert name_key(n) not in keys, f"{n} used by {keys.get(name_key(n))} and {r.name}"
            keys[name_key(n)] = r.name


def test_unknown_regimen_lists_close_matches() -> None:
    with pytest.raises(
        UnknownNameError, match=r"unknown regimen 'DDP\+EPO'; did you mean DDP\+EPI"
    ):
        load_regimen("DDP+EPO")


def test_a_path_works(regimen_data: Path) -> None:
    r = load_regimen(str(regimen_data / "vincristine-capped-at-2mg.yaml"))
    assert r.drugs[0].drug == "vincristine"  # VCR resolved through the drug table
    assert r.drugs[0].max_dose is not None and r.drugs[0].max_dose.amount == 2.0


def test_dose_per_cycle_is_divided_over_its_days(regimen_data: Path) -> None:
    r = load_file(regimen_data / "cisplatin-written-per-cycle-over-2-days.yaml")
    d = r.drugs[0]
    assert d.written_as == "per_cycle"
    assert d.written_basis.amount == 120.0
    assert d.basis.amount == 60.0  # 120 mg/m² per cycle ÷ 2 days


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("unknown-drug-cisplatine.yaml", 4, "unknown drug 'cisplatine'; did you mean cisplatin"),
        ("dose-without-unit.yaml", 5, "dose has no unit, got '100'"),
        ("dose-written-as-rate-per-day.yaml", 5, "without a time unit"),
        (
            "dose-and-dose-per-cycle-both.yaml",
            6,
            "drug 'epirubicin' gives dose and dose_per_cycle: give exactly one",
        ),
        ("day-outside-cycle.yaml", 6, "day 22 is outside the cycle (1–21)"),
        (
            "unknown-field-dose-per-dya.yaml",
            5,
            "unknown field 'dose_per_dya'; did you mean 'dose_per_day'?",
        ),
        ("missing-cycle-length.yaml", 1, "missing required field 'cycle_length_days'"),
        ("malformed-yaml.yaml", 6, "YAML syntax error"),
        ("duplicate-key-dose.yaml", 6, "duplicate key 'dose' (first at line 5)"),
        ("mass-dose-in-iu-units-mixed-cap.yaml", 6, "max_dose must be a flat mg amount"),
        ("regimen-is-a-list.yaml", 1, "a regimen file must be a mapping"),
        (
            "cycle-length-yes.yaml",
            2,
            "cycle_length_days must be a whole number written as a plain decimal, got 'yes'",
        ),
    ],
)
def test_bad_regimen_files(regimen_data: Path, name: str, line: int, message: str) -> None:
    with pytest.raises(FileError) as err:
        load_file(regimen_data / name)
    assert err.value.line == line
    assert str(err.value).startswith(f"{regimen_data / name}:{line}: ")
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ([1], (1,)),
        (1, (1,)),
        ("1-5", (1, 2, 3, 4, 5)),
        ("1-3, 8", (1, 2, 3, 8)),
        ([1, 8, 15], (1, 8, 15)),
    ],
)
def test_days(value: object, days: tuple[int, ...]) -> None:
    assert parse_days(value) == days


@pytest.mark.parametrize("value", ["5-1", "one", [1.5], True, "1-"])
def test_bad_days(value: object) -> None:
    with pytest.raises(ValueError):
        parse_days(value)


def test_missing_file_is_one_clean_error(tmp_path: Path) -> None:
    with pytest.raises(OsdoseError, match="no such file"):
        load_regimen(str(tmp_path / "nope.yaml"))
