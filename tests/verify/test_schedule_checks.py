"""missing-drug, extra-drug, days and interval: a passing and a failing order each."""

from __future__ import annotations

from osdose.verify import Options

CIS = {"drug": "cisplatin", "dose": "258 mg", "days": [1]}
EPI = {"drug": "epirubicin", "dose": "92 mg", "days": [1]}


def test_missing_drug(verify, make, only) -> None:
    assert only(verify(make()), "missing-drug").status == "pass"
    c = only(verify(make({"prescribed": [CIS]})), "missing-drug")
    assert (c.status, c.drug) == ("fail", "epirubicin")
    assert c.message == "epirubicin is in DDP+EPI but not prescribed"


def test_extra_drug(verify, make, only) -> None:
    assert only(verify(make()), "extra-drug").status == "pass"
    ifo = {"drug": "IFO", "dose": "3689 mg", "days": [1, 2, 3, 4, 5]}
    c = only(verify(make({"prescribed": [CIS, EPI, ifo]})), "extra-drug")
    assert (c.status, c.drug) == ("fail", "ifosfamide")


def test_days_differ(verify, make, only) -> None:
    c = only(verify(make()), "days")
    assert (c.status, c.message) == ("pass", "the days of all 2 drugs are the regimen's")
    c = only(verify(make({"prescribed": [{**CIS, "days": "1-2"}, EPI]})), "days", "cisplatin")
    assert c.status == "fail"
    assert c.message == "cisplatin: prescribed on days 1, 2, the regimen gives it on days 1"


# The history: DDP+EPI cycle 2 started 2021-05-11; cycles are 21 days: due 2021-06-01.
HISTORY = [{"date": "2021-05-11", "regimen": "DDP+EPI", "cycle": 2}]


def test_interval_on_the_due_date_passes(verify, make, only) -> None:
    c = only(verify(make({"history": HISTORY})), "interval")
    assert c.status == "pass"
    assert "due date 2021-06-01 (2021-05-11 + DDP+EPI's cycle of 21 days)" in c.message


def test_interval_one_day_early_is_within_the_grace(verify, make, only) -> None:
    order = make({"history": HISTORY, "date": "2021-05-31"})
    assert only(verify(order), "interval").status == "warn"
    assert only(verify(order, Options(grace_days=0)), "interval").status == "fail"


def test_interval_too_early_fails(verify, make, only) -> None:
    c = only(verify(make({"history": HISTORY, "date": "2021-05-28"})), "interval")
    assert c.status == "fail"
    assert "4 days before the due date 2021-06-01" in c.message


def test_interval_counts_one_cycle_for_several_days(verify, make, only) -> None:
    # DIA (14-day cycle) given day by day on 2021-05-11..15: the cycle started on the 11th,
    # so 2021-05-25 is due (11 + 14), not 2021-05-29 (15 + 14).
    history = [
        {
            "date": f"2021-05-{d}",
            "drug": "ifosfamide",
            "dose": "2 g/m2",
            "regimen": "DIA",
            "cycle": 1,
            "day": d - 10,
        }
        for d in range(11, 16)
    ]
    order = make(
        {
            "regimen": "DIA",
            "date": "2021-05-25",
            "history": history,
            "prescribed": [
                {"drug": "cisplatin", "dose": "221 mg", "days": [1]},
                {"drug": "epirubicin", "dose": "74 mg", "days": [1, 2, 3]},
                {"drug": "ifosfamide", "dose": "3690 mg", "days": [1, 2, 3, 4, 5]},
                {"drug": "mesna", "dose": "2214 mg", "days": [1, 2, 3, 4, 5]},
            ],
        }
    )
    assert only(verify(order), "interval").status == "pass"
    # the same days recorded without their regimen: the cycle length is assumed (DIA's, the
    # one ordered), which is said and warns, never a silent pass
    for entry in history:
        for key in ("regimen", "cycle", "day"):
            del entry[key]
    c = only(verify(order), "interval")
    assert c.status == "warn"
    assert "the last cycle's regimen is not recorded in the history: assumed DIA's" in c.message


def test_interval_without_history_is_not_checked(verify, make, only) -> None:
    c = only(verify(make({"history": None})), "interval")
    assert c.status == "not-checked"
    assert c.message.startswith("no history on the order")
