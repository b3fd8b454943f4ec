"""Whatever YAML-ish text it is given, lint returns findings; it never raises."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from osdose.lint import lint_texts

FIELDS = [
    "name",
    "cycle_length_days",
    "drugs",
    "drug",
    "dose",
    "dose_per_cycle",
    "days",
    "max_dose",
    "acknowledge",
    "rule",
    "reason",
    "references",
    "aliases",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "cisplatin",
            "DDP",
            "120 mg/m2",
            "5 mg/kg",
            "2 g",
            "1-5",
            "3-1",
            "",
            "12 IU",
            "AUC 5",
            "10 mg/m2/day",
            "dose-implausible",
            "1, 8",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(values)
def test_lint_never_raises(data: object) -> None:
    text = yaml.safe_dump(data)
    result = lint_texts([("fuzz.yaml", text)])
    for f in result.findings:
        assert f.line >= 1 and f.column >= 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_lint_never_raises_on_any_text(text: str) -> None:
    lint_texts([("fuzz.yaml", text)])
