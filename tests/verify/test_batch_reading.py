"""A batch file is read a line at a time (memory flat in its size), yet lines are numbered
and refused exactly as reading the whole file and ``str.splitlines`` would: the same line
breaks, the same first bad UTF-8 line, binary content before bad UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.errors import FileError
from osdose.verify import order_files as sources
from osdose.verify.order_files import batch_lines, check_batch

# a BOM, CRLF, a lone CR, U+2028 inside a JSON string, an empty line, no final newline
TRICKY = '\ufeff{"a": 1}\r\n\n[1]\n{"x": "a\u2028b"}\r\nnot json\r{"b": 1}'


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(data)
    return path


def test_lines_are_numbered_as_splitlines_numbers_them(tmp_path: Path) -> None:
    path = write(tmp_path, TRICKY.encode("utf-8"))
    whole = TRICKY.encode("utf-8").decode("utf-8-sig").splitlines()
    assert list(batch_lines(path)) == list(enumerate(whole, start=1))
    assert check_batch(path) == 5  # lines as \n ends them (the count sizes the worker pool)


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
def test_the_first_bad_utf8_line_is_named_wherever_blocks_split_it(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_BLOCK", block)
    # line 3 holds an é cut short (0xC3 without its second byte); line 4 another bad byte
    path = write(tmp_path, b'{"a": 1}\n{"b": "\xc3\xa9"}\n{"c": "\xc3"}\n\xff\n')
    found = check_batch(path)
    assert isinstance(found, FileError)
    assert str(found) == f"{path}:3: is not UTF-8 text"


def test_a_cut_character_at_the_very_end_is_bad_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"a": 1}\n{"b": "\xe2\x80')
    found = check_batch(path)
    assert isinstance(found, FileError)
    assert str(found) == f"{path}:2: is not UTF-8 text"


def test_binary_content_is_named_before_bad_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"a": 1}\n\xff\n{"b": \x00}\n')
    found = check_batch(path)
    assert isinstance(found, FileError)
    assert str(found) == f"{path}:1: is a binary file, not text"


def test_a_file_larger_than_the_limit_is_refused_before_any_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "input_limit", lambda: 16)
    path = write(tmp_path, b'{"a": 1}\n{"b": 2}\n{"c": 3}\n')
    found = check_batch(path)
    assert isinstance(found, FileError)
    assert (
        "is larger than 16 bytes, the largest file osdose reads, so not a JSONL batch file"
        in str(found)
    )


def test_a_pool_whose_teardown_hangs_is_killed_after_the_stop_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pool.terminate can wait for good on a result a terminated worker was half-way through
    # sending: the command must still end. Here a teardown that never returns.
    import threading

    from osdose.verify import batch

    never = threading.Event()

    class Worker:
        exitcode: int | None = None
        killed = False

        def kill(self) -> None:
            self.killed = True

    class HangingPool:
        def __init__(self) -> None:
            self._pool = [Worker(), Worker()]

        def terminate(self) -> None:
            never.wait()

    monkeypatch.setattr(batch, "STOP_SECONDS", 0.05)
    pool = HangingPool()
    batch._stop(pool)
    assert [w.killed for w in pool._pool] == [True, True]
    never.set()
