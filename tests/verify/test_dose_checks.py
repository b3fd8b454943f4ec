"""dose, error-pattern, bsa and max-single-dose: a passing and a failing order each, with the
expected numbers worked out by hand (BSA 1.844662 m²: see conftest)."""

from __future__ import annotations

import pytest

from osdose.verify import Options

BSA = (175 * 70 / 3600) ** 0.5  # 1.844662 m²
CIS = 140 * BSA  # 258.2527 mg
EPI = 50 * BSA  # 92.2331 mg


def test_bsa_and_expected_doses_by_hand(verify, make, only) -> None:
    v = verify(make())
    assert v.bsa.m2 == pytest.approx(1.844662, abs=1e-6)
    c = only(v, "dose", "cisplatin")
    assert c.expected_mg == pytest.approx(258.2527, abs=1e-4)
    assert c.prescribed_mg == 258.0
    # (258 − 258.2527) / 258.2527 × 100 = −0.0979%
    assert c.deviation_percent == pytest.approx(-0.0979, abs=1e-4)
    assert c.status == "pass"
    assert only(v, "dose", "epirubicin").expected_mg == pytest.approx(92.2331, abs=1e-4)


@pytest.mark.parametrize(
    ("dose", "status", "deviation"),
    [
        ("258 mg", "pass", -0.0979),  # (258 − 258.2527) / 258.2527
        ("271 mg", "pass", 4.9360),  # (271 − 258.2527) / 258.2527 = +4.94%: within 5%
        ("272 mg", "warn", 5.3232),  # (272 − 258.2527) / 258.2527 = +5.32%
        ("284 mg", "warn", 9.9703),  # +9.97%: up to 10% warns
        ("285 mg", "fail", 10.3575),  # +10.36%
        ("232 mg", "fail", -10.1657),  # (232 − 258.2527) / 258.2527 = −10.17%
    ],
)
def test_dose_thresholds(verify, make, only, dose: str, status: str, deviation: float) -> None:
    order = make(
        {
            "prescribed": [
                {"drug": "cisplatin", "dose": dose, "days": [1]},
                {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
            ]
        }
    )
    c = only(verify(order), "dose", "cisplatin")
    assert c.deviation_percent == pytest.approx(deviation, abs=1e-3)
    assert c.status == status


def test_dose_thresholds_are_options(verify, make, only) -> None:
    # 264 mg: (264 − 258.2527) / 258.2527 = +2.23% — a warning with --warn-percent 2
    order = make(
        {
            "prescribed": [
                {"drug": "cisplatin", "dose": "264 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
            ]
        }
    )
    assert (
        only(verify(order, Options(warn_percent=2, fail_percent=4)), "dose", "cisplatin").status
        == "warn"
    )
    assert (
        only(verify(order, Options(warn_percent=1, fail_percent=2)), "dose", "cisplatin").status
        == "fail"
    )


def test_dose_percent_is_applied(verify, make, only) -> None:
    # 75%: 258.2527 × 0.75 = 193.6895 mg; 194 mg is +0.16%
    order = make(
        {
            "dose_percent": 75,
            "prescribed": [
                {"drug": "cisplatin", "dose": "194 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "69 mg", "days": [1]},
            ],
        }
    )  # 92.2331 × 0.75 = 69.17
    c = only(verify(order), "dose", "cisplatin")
    assert c.expected_mg == pytest.approx(193.6895, abs=1e-4)
    assert c.status == "pass"


def test_bsa_check(verify, make, only) -> None:
    # 1.84 vs 1.844662: −0.25% → pass
    c = only(verify(make({"bsa": "1.84 m2"})), "bsa")
    assert c.deviation_percent == pytest.approx(-0.2527, abs=1e-3)
    assert c.status == "pass"
    # 2.1 vs 1.844662: (2.1 − 1.844662) / 1.844662 = +13.84% → fail
    c = only(verify(make({"bsa": "2.1 m2"})), "bsa")
    assert c.deviation_percent == pytest.approx(13.842, abs=1e-3)
    assert c.status == "fail"


def test_bsa_check_absent_without_an_order_bsa(verify, make) -> None:
    # no BSA written on the order: nothing to compare, and nothing left unchecked (every dose
    # is recalculated from height and weight by the dose check)
    v = verify(make())
    assert not [c for c in v.checks if c.check == "bsa"]
    assert not any(n.startswith("bsa:") for n in v.not_checked)


def test_max_single_dose(verify, make, only) -> None:
    v = verify(make())
    # cisplatin 258 / 1.844662 = 139.86 mg/m² > 100 mg/m² → warn
    c = only(v, "max-single-dose", "cisplatin")
    assert c.status == "warn"
    assert "139.86 mg/m²" in c.message
    assert c.expected_mg == pytest.approx(100 * BSA)  # the usual maximum in mg: 184.47
    # epirubicin 92 / 1.844662 = 49.87 mg/m² ≤ 120 mg/m² → pass
    assert only(v, "max-single-dose", "epirubicin").status == "pass"


def test_max_single_dose_acknowledged_with_a_reason(verify, make, only) -> None:
    reason = "intended escalation to 140 mg/m2 (case report)"
    v = verify(
        make({"acknowledge": [{"check": "max-single-dose", "drug": "cisplatin", "reason": reason}]})
    )
    c = only(v, "max-single-dose", "cisplatin")
    assert c.status == "pass"
    assert c.message.endswith(f"acknowledged: {reason}")


def test_acknowledgement_never_turns_a_failure(verify, make, only) -> None:
    order = make(
        {
            "prescribed": [
                {"drug": "cisplatin", "dose": "2582 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
            ],
            "acknowledge": [{"check": "max-single-dose", "reason": "intended"}],
        }
    )
    v = verify(order)
    assert only(v, "dose", "cisplatin").status == "fail"
    assert v.status == "fail"
