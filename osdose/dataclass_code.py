"""The methods of the start-up's dataclasses, compiled once, kept in ``data/dataclasses.marshal``.

Python 3.11 writes the ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` of every dataclass as source text and compiles each
with :func:`exec` when the class is made. A cold start of ``osdose verify`` makes ~680 of
them (osdose's frozen results and records, and rich's, typer's and pydantic's own):
compiling them was ~40 ms of ~0.25 s of CPU, the same compilation every time.

:func:`install` lets :mod:`dataclasses` take the code object of a text it compiled before
from that file, as Python takes a module's code from its ``.pyc``: the same text, compiled
by the same interpreter (the file is used only when its tag, the bytecode's magic number
and the optimisation level, is this interpreter's), so the same code. A text
not in the file is compiled as always. Nothing else about a dataclass changes: the text is
still the one :mod:`dataclasses` writes, and it runs in the namespace dataclasses gives it.

``python -m osdose.dataclass_code`` (``make prebuilt``) writes the file: it imports every
osdose module and runs the cold starts of :data:`COMMANDS`, recording each text compiled.
tests/test_dataclass_code.py holds each code object equal to a fresh compilation of its
text, and the file current for osdose's own dataclasses (a cold start compiles none of
theirs anew; a library's release that changes its dataclasses only makes the start slower
until the file is built again).
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib
import importlib.util
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

FILE = Path(__file__).resolve().parent / "data" / "dataclasses.marshal"
_CODES: dict[str, CodeType] = {}
_compile = builtins.compile
_exec = builtins.exec
#: (the class's module, the text) of each method compiled anew since install() (tests)
misses: list[tuple[str, str]] = []
_MAX_MISSES = 1000


def tag() -> str:
    """What a code object depends on besides its text: the interpreter's bytecode format
    (the magic number a ``.pyc`` file carries: the same for every release of a Python
    version, as its ``.pyc`` files are) and the optimisation level."""
    return f"{importlib.util.MAGIC_NUMBER.hex()} -O{sys.flags.optimize}"


def _cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """:func:`exec` for :mod:`dataclasses`: a text compiled before runs its kept code."""
    code = _CODES.get(source) if type(source) is str else None
    if code is None and type(source) is str:
        if len(misses) < _MAX_MISSES:  # a long-lived process may make classes for ever
            misses.append((str((globals or {}).get("__name__")), source))
        code = _compiled(source)
    _exec(source if code is None else code, globals, locals)


def _compiled(source: str) -> CodeType:
    """``source`` compiled as :mod:`dataclasses` compiles it: with none of this module's
    ``__future__`` flags (``annotations`` would leave every ``__init__``'s annotations as
    text)."""
    return _compile(source, "<string>", "exec", dont_inherit=True)


def install(path: Path | None = None) -> bool:
    """Let :mod:`dataclasses` use the kept code objects (of ``path``: :data:`FILE`);
    ``False`` (nothing changed) when the file is missing, unreadable or from another
    interpreter."""
    if getattr(dataclasses, "exec", None) is not None:
        return dataclasses.exec is _cached_exec  # type: ignore[attr-defined]
    try:
        kept_tag, codes = marshal.loads((path or FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if kept_tag != tag() or not isinstance(codes, dict):
        return False
    _CODES.update(codes)
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]
    return True


def uninstall() -> None:
    """:mod:`dataclasses` compiles every text again (tests)."""
    if getattr(dataclasses, "exec", None) is _cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _CODES.clear()
    misses.clear()


#: The command lines whose start-up the file is built from (run from the repository: the
#: benchmark's and the documentation's examples), besides the import of every osdose module.
COMMANDS = (
    ("--help",),
    ("dose", "DIA", "--height", "175cm", "--weight", "70kg"),
    ("cumulative", "examples/case-report-course.yaml"),
    ("plan", "examples/case-report-neoadjuvant.yaml", "--regimen", "DIA", "--cycles", "9"),
    ("verify", "examples/orders/ddp-epi-cycle3.yaml"),
    ("verify", "examples/orders/ddp-epi-cycle3.yaml", "-f", "json"),
    ("lint", "regimens/"),
)


def build() -> dict[str, CodeType]:
    """Every dataclass text compiled while every osdose module is imported and each of
    :data:`COMMANDS` runs (call it in a fresh interpreter: ``python -m
    osdose.dataclass_code``, from the repository)."""
    import contextlib
    import io
    import pkgutil

    import osdose

    codes: dict[str, CodeType] = {}

    def recording(source: Any, globals: Any = None, locals: Any = None) -> None:
        if type(source) is str:
            code = codes.get(source) or _compiled(source)
            codes[source] = code
            source = code
        _exec(source, globals, locals)

    dataclasses.exec = recording  # type: ignore[attr-defined]
    try:
        from osdose.cli import main

        for info in pkgutil.walk_packages(osdose.__path__, "osdose."):
            if not info.name.endswith(".__main__"):  # (it runs the command line)
                importlib.import_module(info.name)
        for argv in COMMANDS:
            out = io.StringIO()
            quiet = contextlib.redirect_stdout(out), contextlib.redirect_stderr(out)
            with quiet[0], quiet[1], contextlib.suppress(SystemExit):
                main(list(argv))
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
    return codes


def write(path: Path = FILE) -> int:
    """Build the file at ``path`` (replaced whole); how many methods it holds."""
    codes = build()
    data = marshal.dumps((tag(), dict(sorted(codes.items()))))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(codes)


def main() -> None:
    """``python -m osdose.dataclass_code [PATH]``: build and write the file (at ``PATH``:
    the package's own, :data:`FILE`)."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FILE
    print(f"osdose: wrote {target} ({write(target)} dataclass methods)")


if __name__ == "__main__":
    main()
