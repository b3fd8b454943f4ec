"""The regimen library shipped inside osdose: its files, named as osdose names them
(``osdose:regimens/DIA.yaml``). Text only: reading and checking them is
:mod:`osdose.library`'s."""

from __future__ import annotations

from importlib import resources

from osdose.errors import OsdoseError

BUILTIN = "osdose:regimens/"


def library_files() -> list[tuple[str, str]]:
    """The shipped regimen files as (display name, text), sorted by file name; displayed
    as ``osdose:regimens/DIA.yaml``."""
    folder = resources.files("osdose.regimens")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            out.append((f"{BUILTIN}{entry.name}", entry.read_text("utf-8")))
    return out


def shipped_text(display: str) -> str | None:
    """The text of a shipped regimen named as osdose names it (``osdose:regimens/DIA.yaml``),
    or ``None`` for any other name."""
    if not display.startswith(BUILTIN):
        return None
    found = dict(library_files()).get(display)
    if found is None:
        names = ", ".join(d for d, _ in library_files())
        raise OsdoseError(f"{display}: no such shipped regimen (shipped: {names})")
    return found
