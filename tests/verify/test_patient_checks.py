"""weight-change, cumulative, renal and hepatic: a passing and a failing order each."""

from __future__ import annotations

import pytest

from osdose.kidney import Weight, cockcroft_gault
from osdose.labs import concentration_mg_dl
from osdose.verify import Options


def _actual(kg: float) -> Weight:
    return Weight(kg, "actual", "actual", f"actual weight {kg:g} kg")


BSA = (175 * 70 / 3600) ** 0.5  # 1.844662 m²
CIS = 140 * BSA  # 258.2527 mg
EPI = 50 * BSA  # 92.2331 mg


def test_cockcroft_gault_reference_example() -> None:
    # clinical reference §6: man, 50 y, 70 kg, SCr 1.0 → (90 × 70) / 72 = 87.5 mL/min
    assert cockcroft_gault(50, _actual(70), 1.0, "male").ml_min == pytest.approx(87.5)
    # woman: 87.5 × 0.85 = 74.375
    assert cockcroft_gault(50, _actual(70), 1.0, "female").ml_min == pytest.approx(74.375)


def test_creatinine_in_umol_per_litre() -> None:
    # 88.42 µmol/L ÷ 88.42 = 1.0 mg/dL (clinical.md §10); bilirubin 34.2 µmol/L ÷ 17.1 = 2.0 mg/dL
    assert concentration_mg_dl("88.42 µmol/L", "serum_creatinine") == pytest.approx(1.0)
    assert concentration_mg_dl("34.2 umol/L", "bilirubin") == pytest.approx(2.0)
    assert concentration_mg_dl("0.9 mg/dL", "serum_creatinine") == 0.9


def test_weight_change(verify, make, only) -> None:
    # (70 − 72) / 72 = −2.78% → pass
    c = only(verify(make(baseline_weight="72 kg")), "weight-change")
    assert (c.status, round(c.deviation_percent, 2)) == ("pass", -2.78)
    # (70 − 80) / 80 = −12.5% → warn, doses recalculated with today's weight
    c = only(verify(make(baseline_weight="80 kg")), "weight-change")
    assert (c.status, c.deviation_percent) == ("warn", -12.5)
    assert "recalculated with today's weight" in c.message
    # exactly 10%: (77 − 70) / 70 = +10% → warn ("10% or more")
    c = only(
        verify(
            make(
                weight="77 kg",
                baseline_weight="70 kg",
            )
        ),
        "weight-change",
    )
    assert c.status == "warn"


def test_cumulative_first_course_passes(verify, make, only) -> None:
    # history: [] — epirubicin 92 / 1.844662 = 49.87 mg/m² of 1000
    c = only(verify(make()), "cumulative", "epirubicin")
    assert c.status == "pass"
    assert "49.9 mg/m² after this order" in c.message


def _epirubicin_history(n: int) -> list[dict[str, str]]:
    return [{"date": f"2020-{m:02d}-01", "drug": "EPI", "dose": "50 mg/m2"} for m in range(1, 13)][
        :n
    ] + [{"date": f"2019-{m:02d}-01", "drug": "EPI", "dose": "50 mg/m2"} for m in range(1, 13)][
        : max(0, n - 12)
    ]


@pytest.mark.parametrize(
    ("n", "status", "total"),
    [
        (17, "pass", 899.87),  # 17 × 50 = 850 + 49.874 = 899.87 < 900
        (18, "warn", 949.87),  # 900 + 49.874 = 949.87: warn band 900–1000
        (19, "warn", 999.87),  # 950 + 49.874 = 999.87 ≤ 1000
        (20, "fail", 1049.87),  # 1000 + 49.874 = 1049.87 > 1000
    ],
)
def test_cumulative_epirubicin(verify, make, only, n: int, status: str, total: float) -> None:
    c = only(verify(make({"history": _epirubicin_history(n)})), "cumulative", "epirubicin")
    assert c.status == status
    assert f"{total:,.1f} mg/m² after this order" in c.message


def test_cumulative_without_history_warns(verify, make, only) -> None:
    c = only(verify(make({"history": None})), "cumulative", "epirubicin")
    assert c.status == "warn"
    assert "no history on the order" in c.message


def test_cumulative_from_a_course_file(verify, make, only) -> None:
    # two DDP+EPI cycles: cisplatin 2 × 140 = 280 + 258 / 1.844662 = 139.86 → 419.86 ≥ 400
    # (watch: ototoxicity) → warn
    c = only(verify(make({"history": "course-ddp-epi-two-cycles.yaml"})), "cumulative", "cisplatin")
    assert c.status == "warn"
    assert "419.9 mg/m² after this order (history 280 + this order 139.9)" in c.message


def test_renal_full_dose_passes_with_normal_clearance(verify, make, only) -> None:
    # (140 − 29) × 70 / (72 × 0.9) = 7770 / 64.8 = 119.9 mL/min > 60 → 100%
    v = verify(make(age=29, sex="male", serum_creatinine="0.9 mg/dL"))
    assert v.crcl is not None and v.crcl.ml_min == pytest.approx(119.907, abs=1e-3)
    assert only(v, "renal", "cisplatin").status == "pass"


def test_renal_full_dose_fails_when_a_reduction_is_required(verify, make, only) -> None:
    # (140 − 60) × 70 / (72 × 1.5) = 5600 / 108 = 51.85 mL/min: 50–60 → 75%
    # expected 258.2527 × 0.75 = 193.69 mg; 258 mg is +33.2% — a full dose
    v = verify(make(age=60, sex="male", serum_creatinine="1.5 mg/dL"))
    c = only(v, "renal", "cisplatin")
    assert c.status == "fail"
    assert c.expected_mg == pytest.approx(193.6895, abs=1e-4)
    assert "75% required" in c.message and "a full dose" in c.message


def test_renal_reduced_order_passes(verify, make, only) -> None:
    order = make(
        {
            "dose_percent": 75,
            "prescribed": [
                {"drug": "cisplatin", "dose": "194 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "69 mg", "days": [1]},
            ],
        },
        age=60,
        sex="male",
        serum_creatinine="1.5 mg/dL",
    )
    v = verify(order)
    assert only(v, "renal", "cisplatin").status == "pass"
    assert only(v, "dose", "cisplatin").status == "pass"


def test_renal_avoid_in_a_woman_with_low_clearance(verify, make, only) -> None:
    # creatinine 176.84 µmol/L ÷ 88.42 = 2.0 mg/dL
    order = make(age=60, sex="female", serum_creatinine="176.84 µmol/L")
    # actual weight: (140 − 60) × 70 / (72 × 2.0) = 38.89 × 0.85 = 33.06 mL/min < 40 → avoid
    v = verify(order, Options(crcl_weight="actual"))
    assert v.crcl is not None and v.crcl.ml_min == pytest.approx(33.056, abs=1e-3)
    c = only(v, "renal", "cisplatin")
    assert c.status == "fail"
    assert "avoid" in c.message
    # the standard policy (the thresholds file's default): Devine ideal weight for a woman of
    # 175 cm = 45.5 + 2.3 × (175 / 2.54 − 60) = 45.5 + 2.3 × 8.898 = 65.965 kg; 70 kg is within
    # 130% of it (85.75 kg) → ideal: 80 × 65.9646 / 144 = 36.647 × 0.85 = 31.150 mL/min
    v = verify(order)
    assert v.crcl is not None and v.crcl.ml_min == pytest.approx(31.150, abs=1e-3)
    assert v.crcl.weight.used == "ideal" and v.crcl.weight.kg == pytest.approx(65.965, abs=1e-3)
    c = only(v, "renal", "cisplatin")
    assert c.status == "fail"
    assert dict(c.extra) == {
        "crcl_ml_min": pytest.approx(31.150, abs=1e-3),
        "crcl_weight": "standard",
        "crcl_weight_kg": pytest.approx(65.965, abs=1e-3),
    }
    assert "with the ideal weight 66.0 kg (policy standard)" in c.message


def test_renal_not_estimated_in_a_child(verify, make, only) -> None:
    c = only(verify(make(age=12, sex="male", serum_creatinine="0.5 mg/dL")), "renal", "cisplatin")
    assert c.status == "warn"
    assert "adult formula" in c.message


def _judged(v, check: str, drug: str):
    """The one row of ``check`` for ``drug`` that is not a not-checked note."""
    (row,) = [
        c for c in v.checks if c.check == check and c.drug == drug and c.status != "not-checked"
    ]
    return row


def test_hepatic(verify, make, only) -> None:
    # bilirubin 0.8 mg/dL < 1.2 → full dose; epirubicin's AST and Child–Pugh rules are said
    v = verify(make(bilirubin="0.8 mg/dL"))
    assert [(c.drug, c.status) for c in v.checks if c.check == "hepatic"] == [
        ("cisplatin", "not-checked"),  # a lab given, and no hepatic rule for cisplatin
        ("epirubicin", "pass"),
        ("epirubicin", "not-checked"),  # no AST, no Child–Pugh class on the order
        (None, "pass"),  # bilirubin of the labs' date 2021-05-31, 1 day before the order
    ]
    # 2.0 mg/dL: 1.2–3 → 50%: 92.2331 × 0.5 = 46.12 mg; 92 mg prescribed → fail
    c = _judged(verify(make(bilirubin="2.0 mg/dL")), "hepatic", "epirubicin")
    assert c.status == "fail"
    assert c.expected_mg == pytest.approx(46.1166, abs=1e-4)
    # 3.5 mg/dL (> 3) → 25%: 92.2331 × 0.25 = 23.06 mg; 23 mg prescribed → pass
    order = make(
        {
            "dose_percent": 25,
            "prescribed": [
                {"drug": "cisplatin", "dose": "64.6 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "23 mg", "days": [1]},
            ],
        },
        bilirubin="59.85 µmol/L",
    )
    c = _judged(verify(order), "hepatic", "epirubicin")
    assert c.status == "pass"
    assert c.expected_mg == pytest.approx(23.0583, abs=1e-4)


def test_rounding_to_vials(verify, make, only) -> None:
    # cisplatin 258.2527 mg → vials of 10, 50, 100 mg: 260 = 2 × 100 + 50 + 10, +0.68%
    v = verify(make(), Options(round=True))
    c = only(v, "rounding", "cisplatin")
    assert c.status == "pass"
    assert c.rounded_mg == 260
    assert c.deviation_percent == pytest.approx((260 - CIS) / CIS * 100)
    assert "2 × 100 mg + 50 mg + 10 mg" in c.message


def test_rounding_refused_beyond_the_limit(verify, make, only) -> None:
    # epirubicin 92.2331 → 90 mg is −2.42%: refused with --round-limit 2
    c = only(verify(make(), Options(round=True, round_limit_percent=2)), "rounding", "epirubicin")
    assert c.status == "warn"
    assert c.rounded_mg is None
    assert "rounding refused" in c.message


def test_rounding_to_nearest_step_and_to_a_band() -> None:
    from osdose.drugs import load_drugs
    from osdose.verify.rounding import round_dose, rule_for

    table = load_drugs()
    # ifosfamide: nearest 100 mg; 3689.32 → 3700
    assert round_dose(3689.32, rule_for(table, "ifosfamide")).value == 3700
    # no rule: nearest mg; 12.4 → 12
    assert round_dose(12.4, rule_for(table, "vincristine")).value == 12
    banded = load_drugs(__file__.rsplit("/", 1)[0] + "/data/drugs-with-banding.yaml")
    rule = rule_for(banded, "gemcitabine")
    # 1800–1999 mg → 1900 mg (NHS style: the band's midpoint)
    assert round_dose(1850, rule).value == 1900
    assert round_dose(2500, rule).value is None
