"""Lint reports: one small renderer per ``--format``, chosen by name from :data:`RENDERERS`.

A renderer takes a :class:`~osdose.lint.LintResult` and returns the report: a string for
machines (printed as it is), or rich ``Text`` for people (coloured only on a terminal).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

#: format name → module of its renderer (each has ``render(result)``); imported on use.
RENDERERS: dict[str, str] = {
    "text": "osdose.render.findings_text",
    "json": "osdose.render.findings_json",
    "github": "osdose.render.findings_github",
    "sarif": "osdose.render.findings_sarif",
}


def renderer(name: str) -> Callable[[Any], Any]:
    """The ``render`` function of the format called ``name``."""
    fn: Callable[[Any], Any] = importlib.import_module(RENDERERS[name]).render
    return fn


def streamer(name: str) -> Callable[[Any], Iterator[str]] | None:
    """The ``chunks`` function of the format called ``name`` when it writes its report in
    pieces (the same text as ``render``), else ``None``."""
    fn: Callable[[Any], Iterator[str]] | None = getattr(
        importlib.import_module(RENDERERS[name]), "chunks", None
    )
    return fn
