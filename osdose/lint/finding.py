"""A lint finding: plain data with a 1-based position, like yamllint's ``LintProblem``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at ``path:line:column``. An acknowledged finding keeps its severity and
    carries the file's reason; it is reported but does not fail the run."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    acknowledged: str | None = field(default=None, compare=False)
    # where in the document it was found ("drugs", 0, …): decides which acknowledgements apply
    where: tuple[str | int, ...] = field(default=(), compare=False, repr=False)

    @property
    def level(self) -> str:
        """``error``, ``warning`` or ``acknowledged``: what reports show as the severity."""
        return "acknowledged" if self.acknowledged is not None else self.severity

    @property
    def text(self) -> str:
        """The message, with the acknowledgement's reason when there is one."""
        if self.acknowledged is None:
            return self.message
        return f"{self.message} (acknowledged {self.severity}: {self.acknowledged})"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def acknowledge(self, reason: str) -> Finding:
        return Finding(
            self.path,
            self.line,
            self.column,
            self.rule,
            self.severity,
            self.message,
            reason,
            self.where,
        )

    def as_dict(self) -> dict[str, str | int]:
        """The JSON object of a finding: exactly these six keys."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.level,
            "rule": self.rule,
            "message": self.text,
        }
