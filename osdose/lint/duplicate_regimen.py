"""duplicate-regimen: two files of the linted set share a regimen name or alias (names
compare as the loader compares them: case, spaces, + and - alike)."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint import lookalike_regimen
from osdose.lint.context import FileContext, Where
from osdose.lint.finding import Finding, Severity
from osdose.regimen import name_key

ID = "duplicate-regimen"
SEVERITY: Severity = "error"
DESCRIPTION = "Two files in the linted set share a regimen name or alias."


def _names(ctx: FileContext) -> Iterator[tuple[str, Where]]:
    if isinstance(ctx.data.get("name"), str):
        yield ctx.data["name"], ("name",)
    aliases = ctx.data.get("aliases")
    if isinstance(aliases, list):
        for i, alias in enumerate(aliases):
            if isinstance(alias, str):
                yield alias, ("aliases", i)


class Names:
    """The regimen names met so far, each with where it was first given; files are checked
    one at a time, in order, and only this small summary of each is kept."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, str, int]] = {}  # key → (path, name, line)
        self.looks: dict[str, str] = {}  # skeleton → the first key that looks so

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        """Findings for the names of ``ctx`` that an earlier file already gives, or one
        that reads alike (:mod:`osdose.lint.lookalike_regimen`)."""
        for name, where in _names(ctx):
            key = name_key(name)
            seen = self.first.get(key)
            if seen is None:
                self.first[key] = (ctx.path, name, ctx.doc.where(where).line)
                look = lookalike_regimen.skeleton(name)
                other = self.first.get(self.looks.setdefault(look, key))
                if other is not None and other[0] != ctx.path:
                    other_path, other_name, other_line = other
                    yield ctx.finding(
                        lookalike_regimen.ID,
                        lookalike_regimen.SEVERITY,
                        where,
                        f"regimen name {name!r} reads like {other_name!r} at "
                        f"{other_path}:{other_line} ({lookalike_regimen.why(name, other_name)})"
                        ": rename one of them",
                    )
            elif seen[0] != ctx.path:
                other_path, other_name, other_line = seen
                yield ctx.finding(
                    ID,
                    SEVERITY,
                    where,
                    f"regimen name {name!r} is already used by {other_name!r} at "
                    f"{other_path}:{other_line}",
                )


def check_set(contexts: list[FileContext]) -> Iterator[Finding]:
    names = Names()
    for ctx in contexts:
        yield from names.check(ctx)
