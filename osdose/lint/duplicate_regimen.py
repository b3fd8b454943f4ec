"""duplicate-regimen: two files of the linted set share a regimen name or alias (names
compare as the loader compares them: case, spaces, + and - alike)."""

from __future__ import annotations

from collections.abc import Iterator

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


def check_set(contexts: list[FileContext]) -> Iterator[Finding]:
    first: dict[str, tuple[FileContext, str, Where]] = {}
    for ctx in contexts:
        for name, where in _names(ctx):
            key = name_key(name)
            seen = first.get(key)
            if seen is None:
                first[key] = (ctx, name, where)
            elif seen[0] is not ctx:
                other, other_name, other_where = seen
                at = f"{other.path}:{other.doc.where(other_where).line}"
                yield ctx.finding(
                    ID,
                    SEVERITY,
                    where,
                    f"regimen name {name!r} is already used by {other_name!r} at {at}",
                )
