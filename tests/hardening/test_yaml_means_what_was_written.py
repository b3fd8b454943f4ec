"""Issue 10 §2: YAML means what the person wrote.

The policy, one for every file: a scalar is read as the text written. Unquoted text that a
YAML 1.1 reader (PyYAML, many other tools) would read as something else — a yes/no word,
an octal, hexadecimal or base-60 number, a number that reads back differently, a date — is
refused where text belongs (identifiers, reasons, notes) with a hint to quote it; where a
number belongs only a plain decimal is read. JSON refuses repeated keys as YAML does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.fields import FieldError, decimal, free_text, identifier, whole
from osdose.reader import Plain, json_value, parse_text

from .text_cli import DATA, refused, regimen_text, run


def test_patient_id_0042_unquoted_is_refused_not_read_as_34() -> None:
    err = refused("cumulative", str(DATA / "course-patient-id-0042-unquoted.yaml"))
    assert "course-patient-id-0042-unquoted.yaml:2: id '0042' must be quoted" in err
    assert "YAML 1.1 reads it as the octal number 34" in err
    assert 'write it as "0042"' in err


def test_patient_id_0042_quoted_is_the_text_0042() -> None:
    code, out, _ = run(
        "cumulative", str(DATA / "course-patient-id-0042-quoted.yaml"), "--format", "json"
    )
    assert code == 0
    assert '"patient": "0042"' in out


def test_patient_id_off_unquoted_is_refused_not_read_as_false() -> None:
    err = refused("cumulative", str(DATA / "course-patient-id-off-unquoted.yaml"))
    assert "id 'off' must be quoted: unquoted, YAML 1.1 reads it as the yes/no value false" in err


def test_cycles_1_30_is_refused_not_read_as_90(tmp_path: Path) -> None:
    regimen = tmp_path / "regimen-cycles-base-60.yaml"
    regimen.write_text(regimen_text(**{"cycles: 11": "cycles: 1:30"}))
    err = refused("dose", str(regimen), "--height", "170 cm", "--weight", "70 kg")
    assert "cycles must be a whole number written as a plain decimal, got '1:30'" in err
    assert "base-60" in err


def test_regimen_name_that_yaml_reads_as_a_date_is_refused(tmp_path: Path) -> None:
    regimen = tmp_path / "regimen-name-a-date.yaml"
    regimen.write_text(regimen_text(**{"name: DIA": "name: 2021-06-01"}))
    code, out, _ = run("lint", str(regimen))
    assert code == 1
    assert "name '2021-06-01' must be quoted: unquoted, YAML 1.1 reads it as a date" in out


@pytest.mark.parametrize(
    ("written", "seen"),
    [
        ("0042", "the octal number 34"),
        ("1:30", "the base-60 number 90"),
        ("0x1F", "the number 31"),
        ("1_000", "the number 1000"),
        ("1.50", "the number 1.5"),
        ("yes", "the yes/no value true"),
        ("Off", "the yes/no value false"),
        ("2021-06-01", "a date (2021-06-01)"),
        (".inf", "the number inf"),
    ],
)
def test_unquoted_text_yaml_11_reads_differently_is_marked_and_refused_as_text(
    written: str, seen: str
) -> None:
    value = parse_text(f"a: {written}\n").data["a"]
    assert isinstance(value, Plain) and value == written and value.yaml11 == seen
    with pytest.raises(FieldError, match="must be quoted"):
        identifier(value)
    with pytest.raises(FieldError, match="must be quoted"):
        free_text(value)
    quoted = parse_text(f'a: "{written}"\n').data["a"]
    assert not isinstance(quoted, Plain)
    assert identifier(quoted) == written


@pytest.mark.parametrize("written", ["12345", "P-0042", "1.5", "-3", "0"])
def test_text_that_reads_the_same_everywhere_needs_no_quotes(written: str) -> None:
    value = parse_text(f"a: {written}\n").data["a"]
    assert not isinstance(value, Plain)
    assert identifier(value) == written


def test_a_number_field_reads_only_plain_decimals() -> None:
    assert whole(parse_text("a: 42\n").data["a"]) == 42
    for written in ("0042", "1:30", "0o12", "yes"):
        with pytest.raises(FieldError, match="plain decimal"):
            whole(parse_text(f"a: {written}\n").data["a"])


def test_a_mapping_key_yaml_11_reads_differently_is_refused_as_a_drug_name(
    tmp_path: Path,
) -> None:
    table = (Path(__file__).parents[2] / "osdose" / "data" / "drugs.yaml").read_text()
    drugs = tmp_path / "drugs-key-yes.yaml"
    drugs.write_text(table.replace("\n  cisplatin:\n", "\n  yes:\n", 1))
    err = refused(
        "--drugs", str(drugs), "cumulative", str(DATA / "course-patient-id-0042-quoted.yaml")
    )
    assert "'yes' must be quoted" in err


def test_json_duplicate_keys_are_refused_like_yaml() -> None:
    with pytest.raises(ValueError, match="duplicate key 'id'"):
        json_value('{"id": "P-1", "id": "P-2"}')
    doc = parse_text("patient:\n  id: P-1\n  id: P-2\n")
    assert [d.key for d in doc.duplicates] == ["id"]


def test_a_batch_line_with_a_duplicate_key_fails_that_order_only() -> None:
    code, out, err = run(
        "verify", "--batch", str(DATA / "batch-good-deep-huge-duplicate-good.jsonl")
    )
    assert code == 1
    assert ":4: not a JSON object osdose reads: duplicate key 'patient'" in err
    assert "P-0051" in out and "P-0052" in out


@pytest.mark.parametrize(
    ("written", "hint"),
    [("0070", "reads as octal in YAML 1.1: write 70"), ("0080", "no leading zero: write 80")],
)
def test_a_decimal_with_a_leading_zero_is_refused(written: str, hint: str) -> None:
    with pytest.raises(FieldError, match=hint):
        decimal(parse_text(f"a: {written}\n").data["a"])
    assert decimal(parse_text("a: 0.5\n").data["a"]) == 0.5


def test_null_is_null_whichever_yaml_parser_is_installed() -> None:
    # libyaml gives plain scalars the style "", PyYAML None: both are unquoted
    assert parse_text("a: null\nb: ~\nc:\nd: 'null'\n").data == {
        "a": None,
        "b": None,
        "c": None,
        "d": "null",
    }


def test_the_shipped_drug_table_has_no_code_that_is_the_word_null() -> None:
    from osdose.drugs import load_drugs

    table = load_drugs(None)
    assert table.drugs["liposomal doxorubicin"].rxnorm is None
    assert all(d.rxnorm != "null" for d in table.drugs.values())
