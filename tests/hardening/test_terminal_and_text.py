"""Issue 10 §5: terminal and text safety.

User text is data: rich never reads it as markup or emoji (renderers hand it over as
``Text``; consoles have markup off). Identifiers — patient ids, regimen and drug names,
people's names — holding control, bidirectional-override or invisible characters, not in
NFC, with compatibility characters, or with Cyrillic/Greek letters that pass for Latin
ones are refused, in every file and on the command line. Reasons are one line; anything
that still reaches output with such characters is shown escaped, so nothing can forge a
line of ``ledger list`` or ``ledger check``. The HTML worksheet isolates every value.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from osdose.fields import FieldError, identifier, reason
from osdose.render.text import Table, plain
from osdose.visible import visible

from .text_cli import DATA, ROOT, refused, regimen_text, run

BODY = ("--height", "170 cm", "--weight", "70 kg")


def _course(tmp_path: Path, patient_id: str) -> Path:
    path = tmp_path / "course.yaml"
    path.write_text(
        f"patient: {{id: {json.dumps(patient_id)}}}\nadministrations:\n"
        "  - {date: 2021-04-01, drug: epirubicin, dose: 92 mg, bsa: 1.84 m2}\n"
    )
    return path


@pytest.mark.parametrize(
    ("name", "patient"),
    [
        ("course-patient-id-markup.yaml", "[/]"),
        ("course-patient-id-dim-markup.yaml", "[dim]P-1[/dim]"),
    ],
)
def test_a_patient_id_with_markup_is_shown_as_written(name: str, patient: str) -> None:
    code, out, err = run("cumulative", str(DATA / name))
    assert code == 0, err
    assert f"Cumulative exposure — patient {patient}" in out


def test_a_regimen_name_and_route_with_markup_are_shown_as_written(tmp_path: Path) -> None:
    regimen = tmp_path / "regimen-markup-name-and-route.yaml"
    regimen.write_text(
        regimen_text(**{"name: DIA": 'name: "[red]DIA[/]"', "route: IV": 'route: "[/]"'})
    )
    code, out, err = run("lint", str(regimen))
    assert code == 0, out + err
    code, out, err = run("dose", str(regimen), *BODY)
    assert code == 0, err
    assert "[red]DIA[/] — cycle of 14 days" in out
    assert "│ [/]   │" in out


def test_renderers_hand_rich_text_never_markup() -> None:
    # a console that reads markup and emoji, as a Python caller's might
    console = Console(file=io.StringIO(), width=100, markup=True, emoji=True)
    t = Table("[bold]id", title="patient [/]", caption=":pill: [dim]x")
    t.add_row("[/]", plain("[red]P-1 :pill:"))
    console.print(t)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "patient [/]" in shown and "[bold]id" in shown and "[red]P-1 :pill:" in shown
    assert ":pill: [dim]x" in shown


CONTROL = {
    "ESC": ("P-\x1b[31m1", "U+001B"),
    "BEL": ("P-1\x07", "U+0007"),
    "right-to-left override": ("P-\u202e1400", "U+202E"),
    "zero-width space": ("P-\u200b1", "U+200B"),
    "line separator": ("P-\u20281", "U+2028"),
}


@pytest.mark.parametrize("case", sorted(CONTROL))
def test_control_bidi_and_invisible_characters_in_an_id_are_refused_in_a_file(
    tmp_path: Path, case: str
) -> None:
    text, code = CONTROL[case]
    err = refused("cumulative", str(_course(tmp_path, text)))
    assert f"course.yaml:1: id holds the invisible or control character {code}" in err


@pytest.mark.parametrize("case", sorted(CONTROL))
def test_control_bidi_and_invisible_characters_are_refused_on_the_command_line(
    tmp_path: Path, case: str
) -> None:
    text, code = CONTROL[case]
    ledger = str(tmp_path / "l.sqlite3")
    err = refused("ledger", "list", "--patient", text, "--ledger", ledger)
    assert f"holds the invisible or control character {code}" in err
    err = refused(
        "ledger", "record", "--patient", "P-1", "--drug", "epirubicin", "--dose", "50 mg",
        "--bsa", "1.8", "--date", "2021-04-01", "--by", text, "--ledger", ledger,
    )  # fmt: skip
    assert code in err
    assert not (tmp_path / "l.sqlite3").exists()


LOOKALIKES = {
    "Cyrillic Er for P": ("Р-0042", "is written in Cyrillic letters that look like Latin ones"),
    "Latin with a Cyrillic a": ("Maria-0042".replace("a", "а", 1), "mixes Latin and Cyrillic"),
    "Greek Omicron": ("P-ΟΟ42", "mixes Latin and Greek"),
    "fullwidth P": ("Ｐ-0042", "compatibility character 'Ｐ' (U+FF30); write 'P-0042'"),
    "decomposed e-acute": ("Jose\u0301-1", "is not in Unicode NFC form"),
}


@pytest.mark.parametrize("case", sorted(LOOKALIKES))
def test_two_different_ids_never_look_the_same(tmp_path: Path, case: str) -> None:
    text, why = LOOKALIKES[case]
    with pytest.raises(FieldError, match="two different"):
        identifier(text)
    err = refused("cumulative", str(_course(tmp_path, text)))
    assert why in err
    err = refused("ledger", "list", "--patient", text, "--ledger", str(tmp_path / "l.sqlite3"))
    assert why in err


@pytest.mark.parametrize("text", ["Иванов-42", "José-1", "张伟-0042", "Αθηνά-7"])
def test_ids_in_one_script_that_look_like_no_other_are_read(text: str) -> None:
    assert identifier(text) == text


def test_a_reason_is_one_line() -> None:
    for forged in ("wrong dose\n2  2021-04-01  epirubicin", "x\u2028y z", "ok\x1b[2K"):
        with pytest.raises(FieldError):
            reason(forged)


def test_a_void_reason_cannot_forge_a_line_of_ledger_list(tmp_path: Path) -> None:
    ledger = str(tmp_path / "l.sqlite3")
    code, _, err = run(
        "ledger", "record", "--patient", "[/]", "--drug", "epirubicin", "--dose", "50 mg",
        "--bsa", "1.8", "--date", "2021-04-01", "--by", "nurse", "--ledger", ledger,
    )  # fmt: skip
    assert code == 0, err
    for forged in ("typo\n2  2021-04-02  epirubicin  50.00 mg", "typo\u2028x", "typo\x1b[2K"):
        refused("ledger", "void", "1", "--reason", forged, "--by", "nurse", "--ledger", ledger)
    code, out, err = run("ledger", "list", "--patient", "[/]", "--ledger", ledger)
    assert code == 0, err
    assert "Ledger — patient [/] — administrations in effect" in out
    assert out.count("epirubicin") == 1


def test_text_from_elsewhere_is_shown_escaped_on_one_line() -> None:
    assert visible("a\nb\x1b[31m\u202e\u200bc\td") == "a\\nb\\x1b[31m\\u202e\\u200bc\\td"
    assert visible("P-0042 [/] José") == "P-0042 [/] José"
    assert visible("40\u00a0mg/m²") == "40\u00a0mg/m²"  # not printable, yet nothing hidden


def test_no_hidden_character_is_printable() -> None:
    # visible() returns a printable text as it is: that is right only while every character
    # it escapes is one str.isprintable() refuses, in the Unicode of this Python
    import sys

    from osdose.visible import _hidden

    hidden = [chr(c) for c in range(sys.maxunicode + 1) if _hidden(chr(c))]
    assert len(hidden) > 2_100  # 65 controls, 2,048 surrogates, 2 separators, the invisible
    assert not [hex(ord(ch)) for ch in hidden if ch.isprintable()]


def test_an_error_line_stays_one_line_whatever_it_quotes(tmp_path: Path) -> None:
    err = refused("cumulative", str(tmp_path / "a\nb\x1b[2K.yaml"))
    assert "a\\nb\\x1b[2K.yaml: no such file" in err


def test_the_html_worksheet_isolates_right_to_left_text(tmp_path: Path) -> None:
    order = (ROOT / "examples" / "orders" / "ddp-epi-first-course.yaml").read_text()
    written = tmp_path / "order-hebrew-patient-id.yaml"
    written.write_text(order.replace("id: P-0042", 'id: "מטופל-42"'))
    sheet = tmp_path / "sheet.html"
    code, _, err = run("verify", str(written), "--worksheet", str(sheet))
    assert code in (0, 1), err
    html = sheet.read_text()
    assert "<html lang='en' dir='ltr'>" in html
    assert "<bdi>מטופל-42</bdi>" in html
    assert "unicode-bidi: isolate" in html
    assert "\u202e" not in html and "\u202b" not in html


def test_a_route_is_one_line(tmp_path: Path) -> None:
    regimen = tmp_path / "regimen-route-two-lines.yaml"
    regimen.write_text(regimen_text(**{"route: IV": 'route: "IV\\nepirubicin  9999 mg"'}))
    err = refused("dose", str(regimen), *BODY)
    assert "route must be one line" in err


@pytest.fixture
def markup_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console made to read markup and emoji, as a Python caller's console might:
    what the renderers hand it must still be shown as written."""
    import sys

    import osdose.render.dose_table

    def console() -> Console:
        return Console(file=sys.stdout, width=200, markup=True, emoji=True, highlight=False)

    monkeypatch.setattr(osdose.render.dose_table, "console", console)


@pytest.mark.usefixtures("markup_console")
def test_every_table_renderer_hands_over_text_not_markup(tmp_path: Path) -> None:
    regimen = tmp_path / "regimen-markup.yaml"
    regimen.write_text(
        regimen_text(**{"name: DIA": 'name: "[red]DIA[/]"', "route: IV": 'route: ":pill: [/]"'})
    )
    code, out, err = run("dose", str(regimen), *BODY)
    assert code == 0, err
    assert "[red]DIA[/] — cycle of 14 days" in out and ":pill: [/]" in out
    code, out, err = run("regimens", "show", str(regimen))
    assert code == 0, err
    assert "[red]DIA[/]" in out
    course = DATA / "course-patient-id-dim-markup.yaml"
    code, out, err = run("cumulative", str(course))
    assert code == 0, err
    assert "patient [dim]P-1[/dim]" in out
    code, out, err = run("plan", str(course), "--regimen", str(regimen), "--cycles", "1", *BODY)
    assert code in (0, 1), err
    assert "[dim]P-1[/dim]" in out
    ledger = str(tmp_path / "l.sqlite3")
    code, _, err = run(
        "ledger", "record", "--patient", "[/]", "--drug", "epirubicin", "--dose", "50 mg",
        "--bsa", "1.8", "--date", "2021-04-01", "--by", "[bold]nurse", "--ledger", ledger,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run("ledger", "list", "--patient", "[/]", "--ledger", ledger)
    assert code == 0, err
    assert "patient [/]" in out and "[bold]nurse" in out


@pytest.mark.usefixtures("markup_console")
def test_the_verify_renderer_hands_over_text_not_markup(tmp_path: Path) -> None:
    order = (ROOT / "examples" / "orders" / "ddp-epi-first-course.yaml").read_text()
    written = tmp_path / "order-markup-patient-id.yaml"
    written.write_text(order.replace("id: P-0042", 'id: "[/]"'))
    code, out, err = run("verify", str(written))
    assert code in (0, 1), err
    assert "patient [/]" in out


def test_a_reason_stored_with_a_line_break_is_shown_escaped_on_its_own_line(
    tmp_path: Path,
) -> None:
    # A reason that bypassed the checks (an older osdose, another writer of the store)
    from osdose.ledger.records import NewRecord
    from osdose.ledger.store import open_ledger

    ledger = str(tmp_path / "l.sqlite3")
    code, _, err = run(
        "ledger", "record", "--patient", "P-1", "--drug", "epirubicin", "--dose", "50 mg",
        "--bsa", "1.8", "--date", "2021-04-01", "--by", "nurse", "--ledger", ledger,
    )  # fmt: skip
    assert code == 0, err
    forged = "typo\n2  2021-04-02  epirubicin  50.00 mg\x1b[2K"
    with open_ledger(ledger, write=True) as store:
        store.append([NewRecord(kind="void", patient="", recorded_by="x", voids=1, reason=forged)])
    code, out, err = run("ledger", "list", "--patient", "P-1", "--include-void", "--ledger", ledger)
    assert code == 0, err
    assert "\x1b" not in out
    assert not any(line.lstrip().startswith("2  2021-04-02") for line in out.splitlines())
    assert "typo\\n" in out  # the line break shown as \n, inside its own cell


def test_ledger_check_lines_are_one_line_each_whatever_the_ledger_holds() -> None:
    from osdose.ledger.check import LedgerCheck
    from osdose.ledger.records import Break
    from osdose.render.ledger import check_lines

    result = LedgerCheck(
        location="/data/l.sqlite3",
        records=2,
        verified=1,
        head="0" * 64,
        chain_break=Break(2, "reason 'x\nok: 2 records' does not match its hash"),
        problems=("drug 'a\x1b[2Kb' unknown",),
    )
    lines = check_lines(result)
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    assert lines[0].startswith("BROKEN: record 2: reason 'x\\nok: 2 records'")
    assert lines[1] == "BROKEN: drug 'a\\x1b[2Kb' unknown"


def test_a_control_character_in_a_yaml_file_is_one_line_with_its_line_and_column(
    tmp_path: Path,
) -> None:
    """libyaml's message of an unacceptable character carries a second line ('in "<unicode
    string>", position N'): folded into the file's line and column (the fuzz corpus
    regimen/escape-sequence-in-a-key.yaml)."""
    path = tmp_path / "r.yaml"
    path.write_text("name: X\ncycle_length_days\x1b]8;;http://x\x1b\\: 21\n", "utf-8")
    err = refused("dose", str(path), "--bsa", "1.8 m2")
    assert err.startswith(
        f"osdose: error: {path}:2: YAML error: unacceptable character #x001b: control "
        "characters are not allowed"
    )
    assert "position" not in err and "unicode string" not in err
