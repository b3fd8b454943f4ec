"""User text for the terminal: shown as written, never read as rich markup or emoji, and
never able to move the cursor, reorder a line or start a new one.

A patient id such as ``[dim]P-1[/dim]`` or ``[/]`` is data: every renderer hands rich
:class:`~rich.text.Text` objects (which rich never parses) instead of strings, through
:class:`Table` and :func:`plain`. Identifiers and reasons with control, bidirectional or
invisible characters are refused when they are read (:mod:`osdose.fields`); what still
reaches output from elsewhere (an old ledger, a note) is shown escaped by :func:`visible`
(``\\n``, ``\\x1b``, ``\\u202e``), so that it cannot forge a line of a report.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table as _RichTable
from rich.text import Text

from osdose.visible import visible

__all__ = ["Table", "plain", "visible"]


def plain(text: str, style: str = "") -> Text:
    """User text as a rich :class:`Text`: never parsed as markup or emoji, and shown on
    one line (:func:`visible`)."""
    return Text(visible(text), style=style)


def _cell(value: Any) -> Any:
    return Text(value) if isinstance(value, str) else value


class Table(_RichTable):
    """A rich table whose text cells, title and caption are never parsed as markup or
    emoji (rich parses plain strings there with the console's settings)."""

    def __init__(self, *headers: Any, **kwargs: Any) -> None:
        for key in ("title", "caption"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = Text(kwargs[key])
        super().__init__(*headers, **kwargs)  # string headers go through add_column

    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        super().add_column(_cell(header), *args, **kwargs)

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(_cell(r) for r in renderables), **kwargs)
