"""How ``--help`` names values: ``TEXT``, ``NUMBER``, ``PATH``, ``table|json``, never a Python
type (``<bool>``, ``<list[Path]>``) or typer's ``{regimen}`` usage braces.

typer (≥ 0.26) prints each parameter's Python annotation in help; osdose's readers take text
and check it themselves (``--height '5 ft 9 in'`` is a ``str`` to typer), so the annotation
says nothing useful to a pharmacist. These two small overrides of typer's display methods
are applied once, when the command line is built; an option or argument with its own
``metavar`` keeps it. Older typer versions without these methods are left alone.
"""

from __future__ import annotations

import re
from typing import Any

#: Python type names as typer shows them → the word help shows instead.
WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "date": "DATE"}
_LIST = re.compile(r"^list\[(.+)\]$")


def value_word(shown: str | None) -> str | None:
    """``<str>`` → ``TEXT``; ``<list[Path]>`` → ``PATH...``; ``<table|json>`` → ``table|json``;
    ``<bool>`` (a flag takes no value) → nothing."""
    if not shown:
        return None
    s = shown.strip().removeprefix("<").removesuffix(">")
    many = _LIST.match(s)
    if many:
        inner = value_word(many.group(1))
        return f"{inner}..." if inner else None
    if s.lower() == "bool":
        return None
    return WORDS.get(s.lower(), s)


def _option_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return str(self.metavar)
    if getattr(self, "is_flag", False):
        return None
    return value_word(self.display_type(ctx))


def _argument_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return None  # the name column shows the metavar already
    return value_word(self.display_type(ctx))


def _argument_name(self: Any) -> str:
    name = str(self.metavar or self.name or "").upper()
    return f"{name}..." if self.nargs != 1 and not name.endswith("...") else name


def _argument_usage(self: Any) -> str:
    name = _argument_name(self)
    return name if self.required else f"[{name}]"


def plain_help() -> None:
    """Make typer's help show value words instead of Python types (idempotent)."""
    try:
        from typer import core
    except ImportError:  # pragma: no cover
        return
    if getattr(core, "_osdose_plain_help", False):
        return
    if hasattr(core.TyperOption, "display_type_rich"):
        core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "display_type_rich"):
        core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_rich_display_name"):
        core.TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):
        core.TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
    core._osdose_plain_help = True  # type: ignore[attr-defined]
