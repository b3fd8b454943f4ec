"""A batch verifies each order exactly as ``osdose verify ORDER`` does: for a mixed set of
orders (regimens, labs, renal and hepatic values, histories inline and from a shared file,
acknowledgements, wrong doses, the same spellings and the same history file again), every
result of ``verify --batch`` — in one process and in several — is the single-order result,
byte for byte but for the order's label. What a batch reads once and keeps (a spelling, a
history file's own totals, a regimen's approval row) never changes what an order shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from osdose.cli import app

DATA = Path(__file__).parent / "data"


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def _orders(make: Any) -> list[dict[str, Any]]:
    shared = {"history": "course.yaml"}  # P-0042's two DDP+EPI cycles, read once per batch
    dia = {
        "regimen": "DIA",
        "cycle": 2,
        "prescribed": [
            {"drug": "cisplatin", "dose": "221 mg", "days": [1]},
            {"drug": "epirubicin", "dose": "74 mg", "days": [1, 2, 3]},
            {"drug": "ifosfamide", "dose": "3690 mg", "days": "1-5"},
            {"drug": "mesna", "dose": "2214 mg", "days": "1-5"},
        ],
        "history": [{"date": "2021-05-11", "regimen": "DIA", "cycle": 1}],
    }
    carbo = {
        "regimen": "carboplatin-paclitaxel",
        "cycle": 1,
        "prescribed": [
            {"drug": "paclitaxel", "dose": "323 mg", "days": [1]},
            {"drug": "carboplatin", "dose": "514 mg", "days": [1]},
        ],
        "history": [],
    }
    slip = {
        "prescribed": [
            {"drug": "cisplatin", "dose": "2582 mg", "days": [1]},
            {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
        ]
    }
    kidney = {"age": 61, "sex": "female", "serum_creatinine": "97 µmol/L"}
    return [
        make(),
        make(shared),
        make(shared, age=40, sex="male", serum_creatinine="0.9 mg/dL"),
        make(shared, age=75, sex="female", serum_creatinine="1.6 mg/dL"),
        make(shared, age=40, sex="male", serum_creatinine="1.2 mg/dL"),  # an age seen before
        make({**shared, **slip}),
        make(slip),  # the same spellings again, another history
        make(dia, **kidney),
        make(dia, height="160 cm", weight="52 kg", **kidney),
        make(carbo, age=60, sex="male", serum_creatinine="1.0 mg/dL", bilirubin="0.6 mg/dL"),
        make(carbo, age=60, sex="male", serum_creatinine="1.0 mg/dL", bilirubin="4 mg/dL"),
        make(
            {
                **shared,
                "acknowledge": [
                    {"check": "max-single-dose", "reason": "intended, case report"},
                    {"check": "cumulative", "drug": "cisplatin", "reason": "audiology"},
                ],
            },
            baseline_weight="78 kg",
        ),
        make({"dose_percent": 80}, age=70, sex="male", serum_creatinine="2.5 mg/dL"),
    ]


def _without_label(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "order"}


def test_each_batch_result_is_the_single_order_result(tmp_path: Path, make: Any) -> None:
    course = (DATA / "course-ddp-epi-two-cycles.yaml").read_text("utf-8")
    (tmp_path / "course.yaml").write_text(course, "utf-8")
    orders = _orders(make)
    singles = []
    for i, order in enumerate(orders):
        path = tmp_path / f"order-{i}.json"
        path.write_text(json.dumps(order, ensure_ascii=False), "utf-8")
        result = run("verify", path, "--format", "json")
        assert result.exit_code in (0, 1), result.stderr
        singles.append(_without_label(json.loads(result.stdout)))
    batch = tmp_path / "orders.jsonl"
    lines = [json.dumps(o, ensure_ascii=False) for o in orders]
    batch.write_text("\n".join(lines) + "\n", "utf-8")
    assert {s["status"] for s in singles} == {"not-checked", "warn", "fail"}  # a mixed set
    for jobs in ("1", "2"):
        result = run("verify", "--batch", batch, "--format", "json", "-j", jobs)
        assert result.exit_code == 1  # the slips fail
        docs = json.loads(result.stdout)
        assert [d["order"] for d in docs] == [f"{batch}:{n}" for n in range(1, len(orders) + 1)]
        assert [_without_label(d) for d in docs] == singles
