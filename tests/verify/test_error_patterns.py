"""Every known error pattern: an order that contains it, and the message that names it.

DIA at BSA 1.844662 m²: epirubicin 40 mg/m²/day on days 1–3 = 73.7865 mg/day;
ifosfamide 2 g/m²/day = 3689.32 mg/day; cisplatin 120 mg/m² = 221.36 mg.
"""

from __future__ import annotations

import pytest

from osdose.verify import Options

DIA = [
    {"drug": "cisplatin", "dose": "221 mg", "days": [1]},
    {"drug": "epirubicin", "dose": "74 mg", "days": [1, 2, 3]},
    {"drug": "ifosfamide", "dose": "3690 mg", "days": [1, 2, 3, 4, 5]},
    {"drug": "mesna", "dose": "2214 mg", "days": [1, 2, 3, 4, 5]},
]


def dia(**doses: str) -> list[dict[str, object]]:
    return [{**d, "dose": doses.get(str(d["drug"]), d["dose"])} for d in DIA]


@pytest.mark.parametrize(
    ("doses", "drug", "named"),
    [
        # 73.7865 × 3 days = 221.36 mg written as the daily dose
        ({"epirubicin": "221 mg"}, "epirubicin", "per-cycle total written as a daily dose"),
        # 73.7865 ÷ 3 = 24.60 mg: a daily dose divided as if it were the cycle's total
        (
            {"epirubicin": "24.6 mg"},
            "epirubicin",
            "daily dose divided as if it were a per-cycle total",
        ),
        # 3689.32 mg ÷ 1000 = 3.689 mg
        ({"ifosfamide": "3.69 mg"}, "ifosfamide", "mg/g slip ×1000"),
        # 221.36 mg × 10 = 2213.6 mg
        ({"cisplatin": "2214 mg"}, "cisplatin", "decimal slip ×10"),
        # 221.36 mg ÷ 10 = 22.14 mg
        ({"cisplatin": "22.1 mg"}, "cisplatin", "decimal slip ×10"),
        # 120 mg/m² read as 120 mg/kg × 70 kg = 8400 mg
        ({"cisplatin": "8400 mg"}, "cisplatin", "per-m² basis read as per-kg"),
    ],
)
def test_pattern_named(verify, make, only, doses: dict[str, str], drug: str, named: str) -> None:
    v = verify(make({"regimen": "DIA", "prescribed": dia(**doses)}))
    c = only(v, "error-pattern", drug)
    assert c.status == "fail"
    assert named in c.message
    assert only(v, "dose", drug).status == "fail"


def test_per_kg_basis_read_as_per_m2(verify, make, only) -> None:
    # cyclophosphamide 50 mg/kg × 70 kg = 3500 mg; read as 50 mg/m² × 1.844662 = 92.23 mg
    regimen = "regimen-cyclophosphamide-per-kg.yaml"
    order = make(
        {
            "regimen": regimen,
            "prescribed": [{"drug": "cyclophosphamide", "dose": "92 mg", "days": [1]}],
        }
    )
    c = only(verify(order), "error-pattern", "cyclophosphamide")
    assert c.status == "fail"
    assert "per-kg basis read as per-m²" in c.message
    assert c.expected_mg == pytest.approx(3500)


def test_two_drugs_swapped(verify, make, only) -> None:
    # cisplatin gets epirubicin's 92.23 mg and epirubicin gets cisplatin's 258.25 mg
    v = verify(
        make(
            {
                "prescribed": [
                    {"drug": "cisplatin", "dose": "92 mg", "days": [1]},
                    {"drug": "epirubicin", "dose": "258 mg", "days": [1]},
                ]
            }
        )
    )
    for drug in ("cisplatin", "epirubicin"):
        c = only(v, "error-pattern", drug)
        assert c.status == "fail"
        assert "two drugs' doses swapped" in c.message


def test_one_drug_given_the_other_drugs_dose(verify, make, only) -> None:
    v = verify(
        make(
            {
                "prescribed": [
                    {"drug": "cisplatin", "dose": "92 mg", "days": [1]},
                    {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
                ]
            }
        )
    )
    assert "the wrong drug's dose" in only(v, "error-pattern", "cisplatin").message


def test_no_pattern_for_an_agreeing_dose(verify, make, only) -> None:
    c = only(verify(make()), "error-pattern")
    assert (c.status, c.drug) == ("pass", None)


def test_a_wrong_dose_that_matches_no_pattern(verify, make, only) -> None:
    # 400 mg is +54.9% of 258.25 mg and none of ×10, ÷10, ×1000, ×70/1.8447, 92.23
    v = verify(
        make(
            {
                "prescribed": [
                    {"drug": "cisplatin", "dose": "400 mg", "days": [1]},
                    {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
                ]
            }
        )
    )
    assert only(v, "dose", "cisplatin").status == "fail"
    c = only(v, "error-pattern", "cisplatin")
    assert c.status == "pass"
    assert "matches no known error pattern" in c.message


def test_pattern_tolerance_follows_the_warn_threshold(verify, make, only) -> None:
    # 2400 mg vs 10 × 221.36 = 2213.6: +8.4% — a slip within 10% only with --warn-percent 10
    order = make({"regimen": "DIA", "prescribed": dia(cisplatin="2400 mg")})
    assert only(verify(order), "error-pattern", "cisplatin").status == "pass"
    wide = only(
        verify(order, Options(warn_percent=10, fail_percent=20)), "error-pattern", "cisplatin"
    )
    assert "decimal slip ×10" in wide.message


def test_cap_not_applied(verify, make, only) -> None:
    # vincristine 1.4 mg/m² × 1.844662 = 2.58 mg, capped at 2 mg: 2.58 mg prescribed
    order = make(
        {
            "regimen": "regimen-vincristine-capped.yaml",
            "prescribed": [{"drug": "VCR", "dose": "2.58 mg", "days": [1]}],
        }
    )
    c = only(verify(order), "error-pattern", "vincristine")
    assert c.status == "fail"
    assert "the cap not applied" in c.message
    assert c.expected_mg == 2


def test_intended_reduction_not_applied(verify, make, only) -> None:
    # dose_percent 75: cisplatin 258.2527 × 0.75 = 193.69 mg expected; 258 mg is the full dose
    v = verify(make({"dose_percent": 75}))
    c = only(v, "error-pattern", "cisplatin")
    assert "the intended dose reduction not applied" in c.message
    assert c.expected_mg == pytest.approx(193.6895, abs=1e-4)
