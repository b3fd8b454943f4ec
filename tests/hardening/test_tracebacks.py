"""Issue 10 §8: tracebacks are bugs. Each input of the issue that ended in a Python traceback
is refused in one line ``osdose: error: …`` with exit status 2; and whatever else goes wrong,
the top-level guard prints one line naming only the exception's type (never its message,
which may quote patient data), with ``--debug`` to see the traceback."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import DATA, Run, at_line, refused

EXAMPLES = Path(__file__).parents[2] / "examples"
TWENTY_FIVE_DIGITS = "1" + "0" * 24
EPI = ["--drug", "epirubicin", "--bsa", "1.5", "--date", "2025-01-01"]


def record(ledger: Path | str, *args: str) -> list[str | Path]:
    return ["ledger", "record", "--ledger", ledger, "-p", "P-1", *args]


def test_weight_10_to_the_400(osdose: Callable[..., Run]) -> None:
    refused(osdose("bsa", "-H", "175 cm", "-W", "10**400 kg"), "--weight", "'10**400 kg'")


# -- dates at the end of the calendar ----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name", "line"),
    [
        (["cumulative"], "course-date-9999-12-31.yaml", 6),
        (["plan", "-r", "DDP+EPI", "-n", "1"], "course-date-9999-12-31.yaml", 6),
        (["ledger", "import", "--ledger", "l.db"], "course-date-9999-12-31.yaml", 6),
        (["verify"], "order-date-9999-12-31.yaml", 8),
        (["verify"], "order-history-date-9999-12-31.yaml", 13),
    ],
)
def test_date_9999_12_31(
    osdose: Callable[..., Run], data: Path, command: list[str], name: str, line: int
) -> None:
    path = data / name
    args = [*command[:1], path, *command[1:]] if command[0] != "ledger" else [*command, path]
    at_line(refused(osdose(*args), "9999-12-31", "outside 1900-01-01–2199-12-31"), path, line)
    assert not Path("l.db").exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2199-12-31"])
def test_date_on_the_command_line(osdose: Callable[..., Run], day: str) -> None:
    refused(osdose(*record("l.db", "--drug", "epirubicin", "--dose", "60 mg", "--bsa", "1.5",
                           "--date", day)))  # fmt: skip
    assert not Path("l.db").exists()


def test_the_clock_at_the_end_of_the_calendar(
    osdose: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSDOSE_TODAY", "9999-12-31")
    refused(osdose("cumulative", EXAMPLES / "course-p0042.yaml"), "OSDOSE_TODAY 9999-12-31")


# -- doses the ledger cannot hold --------------------------------------------------------


@pytest.mark.parametrize("dose", ["nan", "inf", "1e308", "nan mg", "inf mg", "-inf mg", "1e308 mg"])
def test_ledger_record_dose(osdose: Callable[..., Run], dose: str) -> None:
    refused(osdose(*record("l.db", *EPI, "--dose", dose)), "dose")
    assert not Path("l.db").exists()


@pytest.mark.parametrize("dose", ["nan mg", ".nan", ".inf", "-.inf", "1e308 mg", "1e308"])
def test_ledger_import_dose(osdose: Callable[..., Run], tmp_path: Path, dose: str) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        "patient: {id: P-1, bsa: 1.5 m2}\n"
        f"administrations:\n  - {{date: 2025-01-01, drug: epirubicin, dose: {dose}}}\n",
        "utf-8",
    )
    at_line(refused(osdose("ledger", "import", "--ledger", "l.db", course), "dose"), course, 3)
    assert not Path("l.db").exists()


# -- 25-digit integers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (
            record("l.db", "--regimen", "DIA", "--cycle", TWENTY_FIVE_DIGITS, "--bsa", "1.5"),
            "cycle must be from 1 to 1000",
        ),
        (
            record("l.db", *EPI, "--dose", "60 mg", "--future-days", TWENTY_FIVE_DIGITS),
            "future days must be a whole number from 0 to 366",
        ),
        (
            ["ledger", "void", "--ledger", "l.db", TWENTY_FIVE_DIGITS, "--reason", "wrong patient"],
            "record id must be a whole number from 1 to 9223372036854775807",
        ),
        (
            [
                "ledger",
                "verify-record",
                "--ledger",
                "l.db",
                TWENTY_FIVE_DIGITS,
                "--meaning",
                "verified",
            ],
            "record id must be a whole number from 1 to 9223372036854775807",
        ),
        (
            ["plan", str(EXAMPLES / "course-p0042.yaml"), "-r", "DIA", "-n", TWENTY_FIVE_DIGITS],
            "cycles must be a whole number from 1 to 1000",
        ),
        (record("l.db", "--regimen", "DIA", "--cycle", "9" * 5000, "--bsa", "1.5"), "--cycle"),
        (
            ["ledger", "void", "--ledger", "l.db", "9" * 5000, "--reason", "wrong patient"],
            "RECORD_ID",
        ),
    ],
    ids=["cycle", "future-days", "void", "verify-record", "plan-cycles", "cycle-5000", "void-5000"],
)
def test_huge_integers(osdose: Callable[..., Run], args: list[str], why: str) -> None:
    line = refused(osdose(*args), why)
    assert "9" * 100 not in line
    assert not Path("l.db").exists()


def test_future_days_from_the_environment(
    osdose: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSDOSE_LEDGER_FUTURE_DAYS", TWENTY_FIVE_DIGITS)
    refused(osdose(*record("l.db", *EPI, "--dose", "60 mg")), "future days")


# -- ledger files ------------------------------------------------------------------------


@pytest.mark.parametrize("writer", ["record", "void", "import", "init"])
def test_ledger_of_mode_0400(osdose: Callable[..., Run], tmp_path: Path, writer: str) -> None:
    """Tests run as root, who may write any file: osdose refuses a ledger its owner made
    read-only by its mode, before SQLite is asked (which would let root write)."""
    ledger = tmp_path / "l.db"
    assert osdose(*record(ledger, *EPI, "--dose", "60 mg")).code == 0
    ledger.chmod(0o400)
    before = ledger.read_bytes()
    args = {
        "record": record(ledger, *EPI, "--dose", "61 mg"),
        "void": ["ledger", "void", "--ledger", ledger, "1", "--reason", "wrong patient"],
        "import": ["ledger", "import", "--ledger", ledger,
                   EXAMPLES / "course-p0009-one-epirubicin.yaml"],
        "init": ["ledger", "init", "--ledger", ledger],
    }[writer]  # fmt: skip
    refused(osdose(*args), "read-only (mode 0400)", "chmod 600")
    assert ledger.read_bytes() == before
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o400
    check = osdose("ledger", "check", "--ledger", ledger)  # reading it still works
    assert check.code == 0 and check.out.startswith("ok: 1 records"), check


@pytest.mark.parametrize("command", ["record", "list", "check", "init"])
def test_ledger_under_a_file(osdose: Callable[..., Run], tmp_path: Path, command: str) -> None:
    (tmp_path / "file.txt").write_text("not a folder\n", "utf-8")
    where = "file.txt/l.db"
    args = {
        "record": record(where, *EPI, "--dose", "60 mg"),
        "list": ["ledger", "list", "--ledger", where, "-p", "P-1"],
        "check": ["ledger", "check", "--ledger", where],
        "init": ["ledger", "init", "--ledger", where],
    }[command]
    refused(osdose(*args), "file.txt/l.db")
    assert (tmp_path / "file.txt").read_text("utf-8") == "not a folder\n"


# -- drug tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("vials: [10 mg, 50 mg, 100 mg]", "vials: [0.0001 mg]", "from 0.001 mg to 100 g"),
        ("step: 100 mg", "step: nan mg", "'nan mg'"),
    ],
)
@pytest.mark.parametrize("round_", [True, False], ids=["round", "no-round"])
def test_drug_table_rounding(
    osdose: Callable[..., Run],
    drug_table: Callable[[str, str], tuple[Path, int]],
    old: str,
    new: str,
    why: str,
    round_: bool,
) -> None:
    path, line = drug_table(old, new)
    order = EXAMPLES / "orders" / "dia-renal-cycle4.yaml"
    r = osdose("--drugs", path, "verify", order, *(["--round"] if round_ else []))
    at_line(refused(r, why), path, line)


# -- the top-level guard ---------------------------------------------------------------

SECRET = "P-SECRET-0042"


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course.yaml"
    course.write_text(
        f"patient: {{id: {SECRET}, bsa: 1.5 m2}}\n"
        "administrations:\n  - {date: 2025-01-01, drug: epirubicin, dose: 60 mg}\n",
        "utf-8",
    )
    return course


@pytest.mark.parametrize("error", [ValueError, KeyError, RuntimeError, RecursionError, MemoryError])
def test_an_unexpected_exception_is_one_line_without_patient_data(
    osdose: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    error: type[Exception],
) -> None:
    from osdose import api

    def broken(history: object, *args: object, **kwargs: object) -> object:
        raise error(f"patient {SECRET}: total {history!r} went wrong")

    monkeypatch.setattr(api, "exposure_of", broken)
    r = osdose("cumulative", _course(tmp_path))
    line = refused(r, f"internal error ({error.__name__})", "re-run with --debug")
    assert SECRET not in r.out + r.err
    assert line == (
        f"osdose: error: internal error ({error.__name__}): this is a bug in osdose, not a "
        "problem with the input; re-run with --debug to see the traceback, and report it"
    )


def test_debug_shows_the_traceback(
    osdose: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from osdose import api

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError(f"patient {SECRET}")

    monkeypatch.setattr(api, "exposure_of", broken)
    r = osdose("--debug", "cumulative", _course(tmp_path))
    assert r.code == 2 and r.out == ""
    assert "Traceback (most recent call last)" in r.err
    assert f"ValueError: patient {SECRET}" in r.err  # asked for: the whole story
    assert r.err.splitlines()[-1].startswith("osdose: error: internal error (ValueError)")


def test_an_exception_outside_any_command_is_one_line(
    osdose: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A global option's callback runs before the command and its guard: main() catches it.
    from osdose import thresholds

    def broken(path: object) -> None:
        raise OSError(f"cannot read {SECRET}.yaml")

    monkeypatch.setattr(thresholds, "use", broken)
    r = osdose("--thresholds", "t.yaml", "cumulative", _course(tmp_path))
    refused(r, "internal error (OSError)")
    assert SECRET not in r.err
    r = osdose("--debug", "--thresholds", "t.yaml", "cumulative", _course(tmp_path))
    assert "Traceback" in r.err and r.err.splitlines()[-1].startswith("osdose: error: internal")


def test_the_guard_leaves_exit_codes_and_usage_errors_alone(osdose: Callable[..., Run]) -> None:
    # typer.Exit is a RuntimeError and usage errors are exceptions: they are not bugs.
    over = osdose("cumulative", DATA / "course-epirubicin-152-percent.yaml", "--fail-on", "over")
    assert over.code == 1 and over.err == ""
    usage = osdose("bsa", "--no-such-option")
    assert usage.code == 2 and "internal error" not in usage.err
    assert usage.err.startswith("osdose: error: No such option")


def test_the_installed_entry_point(tmp_path: Path) -> None:
    """``python -m osdose`` (what the ``osdose`` script runs), in its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSDOSE_")}
    p = subprocess.run(
        [sys.executable, "-m", "osdose", "bsa", "-H", "175 cm", "-W", "10**400 kg"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("osdose: error: --weight") and p.stderr.count("\n") == 1


_NOT_A_DATE = (
    "not a valid FHIR R4 Patient: birthDate: Value error, Date value string does not match "
    "spec regex."
)


@pytest.mark.parametrize(
    ("birth", "why"),
    [
        # a traceback once; the Patient is validated (R4B) before its fields are read
        ("2020-13-45", f"{_NOT_A_DATE}"),
        ("0000-00-00", f"{_NOT_A_DATE}"),
        ("9999-12-31", "birthDate 9999-12-31 is outside 1900-01-01–2021-06-01"),
    ],
)
def test_fhir_order_birth_date(
    osdose: Callable[..., Run], tmp_path: Path, birth: str, why: str
) -> None:
    bundle = tmp_path / "order.json"
    text = (EXAMPLES / "fhir" / "order-ddp-epi-cycle3.json").read_text("utf-8")
    bundle.write_text(text.replace('"birthDate": "1992-01-15"', f'"birthDate": "{birth}"'), "utf-8")
    refused(osdose("verify", bundle), f"{bundle}: Patient/p1: {why}")


def test_a_closed_stdout_is_not_an_internal_error(tmp_path: Path) -> None:
    """``osdose verify --batch … | head``: the reader going away is no bug of osdose's
    (click exits 1 quietly), so the guard must not report it as one."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text("{}\n" * 3000, "utf-8")
    p = subprocess.Popen(
        [sys.executable, "-m", "osdose", "verify", "--batch", str(batch), "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # SIGABRT dumps every thread's stack
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    try:  # a hang (the workers not stopped) fails the test, it does not hang the suite
        _, err_bytes = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        import signal

        p.send_signal(signal.SIGABRT)  # where it waits, for the failure's message
        _, dumped = p.communicate()
        stacks = dumped.decode(errors="replace")
        stacks = stacks[stacks.find("Fatal Python error") :]
        raise AssertionError(
            f"osdose did not exit within 60 s of its reader going away:\n{stacks}"
        ) from None
    err = err_bytes.decode()
    assert p.returncode in (1, 2)
    assert "internal error" not in err and "Traceback" not in err
