"""``osdose lint``: every problem of a set of regimen files, collected as data.

One small module per rule, each with its stable ``ID``, default ``SEVERITY``, a
``DESCRIPTION`` and a ``check()`` that yields :class:`Finding` s; :mod:`.runner` reads the
files, runs the rules and applies the files' own acknowledgements. Nothing here prints.
"""

from __future__ import annotations

from osdose.lint.finding import Finding, Severity
from osdose.lint.runner import LintResult, lint_paths, lint_texts

__all__ = ["Finding", "LintResult", "Severity", "lint_paths", "lint_texts"]
