"""Issue 9 acceptance: one dose function, one cumulative engine, one status vocabulary.

For random patients, regimens and dose percents, ``dose``, a course file's cycle entry,
``plan``, ``verify`` and the ledger agree to the last bit on every daily dose and every
cumulative total (issue 11 §1: 6,759 of 31,077 cycle administrations used to differ from
``dose`` in the last bit when the dose percent was not 100).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osdose import bsa
from osdose.course import Course, parse_course
from osdose.cumulative import Running, assess, exposure
from osdose.dosing import DosingPatient, dose_sheet
from osdose.drugs import load_drugs
from osdose.library import library, load_regimen
from osdose.plan import PlanPatient, Step, plan
from osdose.reader import Document, Pos
from osdose.verify import order_from_object
from osdose.verify.checks_patient import order_administrations
from osdose.verify.context import build_context
from osdose.verify.result import Options

TABLE = load_drugs()
REGIMENS = [r.name for r in library(TABLE)]

heights = st.floats(min_value=140, max_value=200, allow_nan=False)
weights = st.floats(min_value=40, max_value=120, allow_nan=False)
percents = st.one_of(st.just(100.0), st.floats(min_value=1, max_value=100, allow_nan=False))
gfrs = st.floats(min_value=20, max_value=160, allow_nan=False)  # mL/min, measured (AUC doses)


def _cycle_entry(name: str, pct: float, gfr: float, date: str = "2021-01-04") -> dict[str, str]:
    return {
        "date": date,
        "regimen": name,
        "cycle": "1",
        "dose_percent": repr(pct),
        "gfr": f"{gfr!r} mL/min",
    }


def _course(h: float, w: float, name: str, pct: float, gfr: float = 90.0) -> Course:
    data = {
        "patient": {"id": "P", "height": f"{h!r} cm", "weight": f"{w!r} kg"},
        "administrations": [_cycle_entry(name, pct, gfr)],
    }
    return parse_course(Document("course", data, values={(): Pos(1, 1)}), TABLE)


@settings(max_examples=150, deadline=None)
@given(heights, weights, st.sampled_from(REGIMENS), percents, gfrs)
def test_dose_course_plan_and_verify_agree_bit_for_bit(
    h: float, w: float, name: str, pct: float, gfr: float
) -> None:
    reg = load_regimen(name, TABLE)
    b = bsa.compute(h, w)
    sheet = {
        line.drug: line
        for line in dose_sheet(reg, b, w, pct, patient=DosingPatient(measured_gfr=gfr)).lines
    }
    course = _course(h, w, name, pct, gfr)
    # a course's cycle entry gives, each day, exactly what `dose` says
    for a in course.administrations:
        assert a.dose == sheet[a.drug].daily
        assert a.dose_per_m2 == sheet[a.drug].daily_per_m2
    # plan: one planned cycle from an empty history totals what `cumulative` will total once
    # that cycle is recorded (the same additions, in the same order)
    empty = Course("P", (), "", course.measurements)
    p = plan(empty, [Step(reg, 1)], TABLE, pct, PlanPatient(b.m2, w))
    given = exposure(course.administrations, TABLE)
    for t in given.drugs:
        if t.value is not None:
            assert p.cycles[0].cumulative[t.drug] == t.value
    for c in given.combined:
        assert p.cycles[0].combined[c.group] == c.total_mg_per_m2
    # verify: the expected daily dose is `dose`'s, and the lifetime totals after an order are
    # the history's running totals plus the order's, as the engine sums them
    order = order_from_object(
        {
            "patient": {
                "id": "P",
                "height": f"{h!r} cm",
                "weight": f"{w!r} kg",
                "gfr": f"{gfr!r} mL/min",
            },
            "regimen": name,
            "cycle": 2,
            "date": "2021-03-01",
            "dose_percent": repr(pct),
            "prescribed": [
                {
                    "drug": d.drug,
                    "dose": f"{sheet[d.drug].daily!r} {d.basis.unit}",
                    "days": list(d.days),
                }
                for d in reg.drugs
            ],
            "history": [_cycle_entry(name, pct, gfr)],
        },
        "o.jsonl",
        1,
        TABLE,
    )
    ctx = build_context(order, TABLE, Options())
    for drug, line in sheet.items():
        assert ctx.expected[drug].daily == line.daily
    assert order.history is not None
    adms = [*course.administrations, *order_administrations(ctx)]
    after = assess(order.history.running.copy().extend(order_administrations(ctx)), TABLE)
    direct = exposure(adms, TABLE)
    assert [(t.drug, t.total, t.total_per_m2) for t in after.drugs] == [
        (t.drug, t.total, t.total_per_m2) for t in direct.drugs
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(heights, weights, st.sampled_from(REGIMENS), percents)
def test_the_ledger_totals_what_the_course_totals(
    tmp_path_factory: object, h: float, w: float, name: str, pct: float
) -> None:
    from osdose.ledger import actions
    from osdose.ledger.history import course_from_ledger
    from osdose.ledger.store import open_ledger

    course = _course(h, w, name, pct)
    path = Path(tmp_path_factory.mktemp("ledger")) / "ledger.sqlite3"  # type: ignore[attr-defined]
    with open_ledger(path, create=True) as store:
        actions.record(store, course.administrations, "P", "tester")
    back = course_from_ledger(path, "P", TABLE)
    ours = Running().extend(course.administrations)
    theirs = Running().extend(back.administrations)
    assert {k: (v.total, v.per_m2) for k, v in ours.sums.items()} == {
        k: (v.total, v.per_m2) for k, v in theirs.sums.items()
    }
    assert assess(ours, TABLE).status == assess(theirs, TABLE).status
    assert dt.date(2021, 1, 4) == back.administrations[0].date
