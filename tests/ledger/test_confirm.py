"""`ledger record --confirm` (issue 9 §3): one administration far above the drug's maximum
for one administration (more than the thresholds file's 1.5 times), or alone above its
lifetime maximum, is refused as a likely slip unless confirmed; nothing is written then."""

from __future__ import annotations

from pathlib import Path

import yaml

from .backends import run

# epirubicin's tightest maximum for one administration: 120 mg/m² per 21-day cycle
# (drugs.yaml); its lifetime maximum 1,000 mg/m².


def _record(ledger: str, dose: str, *more: str) -> tuple[int, str]:
    r = run(ledger, "record", "-p", "P-1", "--drug", "epirubicin", "--dose", dose,
            "--bsa", "2.0", "--date", "2025-03-01", "--by", "x", *more)  # fmt: skip
    return r.exit_code, r.stderr


def test_a_slip_of_ten_is_refused_and_can_be_confirmed(ledger: str) -> None:
    # 740 mg at 2.0 m² = 370 mg/m² = 3.1 × 120 mg/m², more than 1.5 ×
    code, err = _record(ledger, "740 mg")
    assert code == 2
    assert err.startswith(
        "osdose: error: epirubicin 740 mg (370 mg/m²) is 3.1 times the usual maximum 120 mg/m² "
        "per 21-day cycle (more than 1.5 times: a slip?)"
    )
    assert "--confirm" in err
    assert run(ledger, "list", "-p", "P-1").exit_code == 2  # nothing was written
    code, _ = _record(ledger, "740 mg", "--confirm")
    assert code == 0


def test_the_boundary_is_1_5_times(ledger: str) -> None:
    # 1.5 × 120 mg/m² × 2.0 m² = 360 mg: exactly the factor is accepted; 361 mg is not
    assert _record(ledger, "360 mg")[0] == 0
    assert _record(ledger, "361 mg")[0] == 2


def test_an_import_is_held_to_the_same_rule(ledger: str, tmp_path: Path) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        yaml.safe_dump(
            {
                "patient": {"id": "P-2", "bsa": "2.0 m2"},
                "administrations": [{"date": "2025-03-01", "drug": "epirubicin", "dose": "740 mg"}],
            }
        )
    )
    r = run(ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 2
    assert f"{course}:" in r.stderr and "a slip?" in r.stderr
    assert run(ledger, "import", str(course), "--by", "x", "--confirm").exit_code == 0
