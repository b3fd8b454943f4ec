"""duplicate-drug: one drug listed twice on a common day is an error, whatever names the two
entries give it — the drug table's synonyms and brand names resolve to one drug, in any
case (issue 10 §9: cisplatin and DDP, both on day 1)."""

from __future__ import annotations

import pytest

from osdose.drugs import load_drugs
from osdose.lint import lint_texts

HEAD = (
    "name: dd\ncycle_length_days: 21\nreferences: [test]\napproved: {by: test, date: 2026-01-01}\n"
)


def _entry(drug: str, days: str, field: str = "dose", dose: str = "20 mg/m2") -> str:
    return f"  - drug: {drug}\n    {field}: {dose}\n    days: {days}\n"


def _findings(*entries: str) -> list[tuple[int, str]]:
    text = HEAD + "drugs:\n" + "".join(entries)
    return [(f.line, f.message) for f in lint_texts([("dd.yaml", text)]).findings]


def _duplicates(*entries: str) -> list[tuple[int, str]]:
    text = HEAD + "drugs:\n" + "".join(entries)
    found = lint_texts([("dd.yaml", text)]).findings
    return [(f.line, f.message) for f in found if f.rule == "duplicate-drug"]


# the entries start at line 6 (five lines of HEAD and drugs:), three lines each
SECOND = 9


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cisplatin", "DDP"),
        ("DDP", "cisplatin"),
        ("cisplatin", "ddp"),
        ("Cisplatin", "CDDP"),
        ("cisplatin", "cisplatin"),
        ("epirubicin", "EPI"),
        ("doxorubicin", "adriamycin"),
    ],
)
def test_one_drug_under_two_names_on_day_1(first: str, second: str) -> None:
    (found,) = _duplicates(_entry(first, "[1]"), _entry(second, "[1]"))
    line, message = found
    assert line == SECOND
    assert f"{second!r} is " in message
    assert "on day 1: list each drug once per day" in message


def test_names_the_first_entry_and_the_name_it_used() -> None:
    (found,) = _duplicates(_entry("cisplatin", "[1]"), _entry("DDP", "[1]"))
    assert found[1] == (
        "'DDP' is cisplatin, already listed at line 6 (as 'cisplatin'), on day 1: "
        "list each drug once per day"
    )


def test_the_common_days_of_two_ranges_are_named() -> None:
    (found,) = _duplicates(_entry("cisplatin", "1-3"), _entry("DDP", "2-5"))
    assert "on day 2, 3:" in found[1]


def test_a_dose_per_cycle_and_a_dose_per_day_of_one_drug() -> None:
    (found,) = _duplicates(
        _entry("cisplatin", "[1]"), _entry("DDP", "[1]", "dose_per_cycle", "40 mg/m2")
    )
    assert found[0] == SECOND


def test_a_third_listing_is_reported_too() -> None:
    found = _duplicates(_entry("cisplatin", "[1]"), _entry("DDP", "[2]"), _entry("CDDP", "[2]"))
    # DDP on day 2 is the first on that day; CDDP on day 2 repeats it
    assert [line for line, _ in found] == [SECOND + 3]


@pytest.mark.parametrize(
    ("first", "second", "days"),
    [
        ("cisplatin", "DDP", ("[1]", "[8]")),  # one drug on two days is a schedule
        ("cisplatin", "carboplatin", ("[1]", "[1]")),  # two platinums: two drugs
        ("doxorubicin", "PLD", ("[1]", "[1]")),  # liposomal doxorubicin is a drug of its own
    ],
)
def test_not_a_duplicate(first: str, second: str, days: tuple[str, str]) -> None:
    assert _duplicates(_entry(first, days[0]), _entry(second, days[1])) == []


def test_every_synonym_in_the_drug_table_is_resolved() -> None:
    # each synonym the table lists, next to its drug on day 1, is the same drug
    table = load_drugs()
    for drug in table.drugs.values():
        for synonym in drug.synonyms:
            found = _duplicates(_entry(drug.name, "[1]"), _entry(f'"{synonym}"', "[1]"))
            assert [line for line, _ in found] == [SECOND], (drug.name, synonym)


def test_an_unknown_name_is_unknown_drug_not_a_duplicate() -> None:
    found = _findings(_entry("cisplatin", "[1]"), _entry("cisplatine", "[1]"))
    assert all("duplicate-drug" not in m for _, m in found)
