"""The approval life cycle of a regimen, and the one rule that applies it.

A regimen file says where it is in its life cycle: ``draft`` (being written or reviewed),
``active`` (approved for use: ``approved: {by, date}``) or ``retired`` (no longer used for new
treatment; ``superseded_by`` names its successor). A file without ``status`` is ``active``,
as every file was before osdose knew a status.

:func:`admit` is the rule, and everything that uses a regimen for *new* treatment calls it:
``dose``, ``plan`` and ``verify``'s ``approval`` check. It refuses a retired regimen (naming
its successor) and returns the warnings to show for any other that is not an approved active
one. History never calls it: a course file, the ledger and ``cumulative`` count what was
given under a regimen retired since (history is history). ``snapshot`` and ``diff`` compute
a retired regimen's doses for review, not for a patient, and do not call it either.

A new version is held to its predecessor by :func:`version_problem` (the version increases
whenever a dose changes, and never goes back) and :func:`approval_problem` (changed doses
need an approval of their own); ``lint --base`` and ``diff`` both apply them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osdose.errors import FileError
from osdose.regimen import Regimen

if TYPE_CHECKING:
    from osdose.dose_changes import DoseDifference

STATUSES = ("draft", "active", "retired")


class RetiredRegimen(FileError):
    """A retired regimen used for new treatment; ``successor`` is its ``superseded_by``."""

    def __init__(self, regimen: Regimen) -> None:
        self.regimen = regimen.name
        self.successor = regimen.superseded_by
        if self.successor:
            instead = f"superseded by {self.successor}: use {self.successor} instead"
        else:
            instead = (
                "it names no successor (superseded_by): ask whoever keeps the regimen library "
                "which regimen replaces it"
            )
        super().__init__(
            regimen.path or regimen.name,
            regimen.status_line or None,
            f"regimen {regimen.name} is retired, {instead} (a retired regimen is never "
            "calculated for new treatment; course files and the ledger may still name it)",
        )


def _version(regimen: Regimen) -> str:
    return f" version {regimen.version}" if regimen.version is not None else ""


def admit(regimen: Regimen) -> tuple[str, ...]:
    """The warnings to show when ``regimen`` is used for new treatment; a retired regimen
    raises :class:`RetiredRegimen`.

    A draft warns loudly; an active regimen without an approval record warns too (osdose
    never reassures by default: nobody recorded approving it); an approved active regimen
    has nothing to say."""
    if regimen.status == "retired":
        raise RetiredRegimen(regimen)
    if regimen.status == "draft":
        return (
            f"DRAFT regimen: {regimen.name}{_version(regimen)} is a draft, not approved for "
            "use: check every dose against its protocol before anything is given",
        )
    if regimen.approved is None:
        return (
            f"{regimen.name}{_version(regimen)} has no approval record (approved: by, date): "
            "make sure it was approved for use before anything is given",
        )
    return ()


def describe(regimen: Regimen) -> str:
    """Where ``regimen`` is in its life cycle, in one line: ``status active; version 1;
    approved 2026-11-29 by …``."""
    parts = [f"status {regimen.status}"]
    parts.append(f"version {regimen.version}" if regimen.version is not None else "no version")
    if regimen.approved is not None:
        parts.append(f"approved {regimen.approved.date.isoformat()} by {regimen.approved.by}")
    else:
        parts.append("no approval record")
    if regimen.superseded_by:
        parts.append(f"superseded by {regimen.superseded_by}")
    return "; ".join(parts)


# -- a new version against the one before ------------------------------------------------


def _changes(differences: Sequence[DoseDifference], since: str) -> str:
    more = f", and {len(differences) - 1} more" if len(differences) > 1 else ""
    return f"doses changed since {since} ({differences[0].text}{more})"


def version_problem(
    old: Regimen, new: Regimen, differences: Sequence[DoseDifference], since: str
) -> str | None:
    """What is wrong with ``new``'s version after ``old`` (``since`` names ``old``: a git
    revision or a file), or ``None``. A version never goes back or disappears, and it
    increases whenever a dose changes (:func:`osdose.dose_changes.dose_differences`)."""
    if old.version is not None and new.version is None:
        return f"version {old.version} at {since} was removed: keep the version, and increase it"
    if old.version is not None and new.version is not None and new.version < old.version:
        return (
            f"version went back from {old.version} at {since} to {new.version}: a version "
            "never decreases"
        )
    if not differences:
        return None
    after = (old.version or 1) + 1
    if new.version is None:
        return (
            f"{_changes(differences, since)} but the regimen has no version: add version: {after}"
        )
    if old.version is not None and new.version <= old.version:
        return (
            f"{_changes(differences, since)} but version stays {new.version}: make it "
            f"version: {after}"
        )
    return None


def approval_problem(
    old: Regimen, new: Regimen, differences: Sequence[DoseDifference], since: str
) -> str | None:
    """What is wrong with ``new``'s approval after ``old``, or ``None``: an active regimen
    whose doses changed needs an approval of its own, not the previous version's."""
    if not differences or new.status != "active" or new.approved is None:
        return None
    if old.approved is None:
        return None
    if new.approved == old.approved:
        return (
            f"{_changes(differences, since)} but the approval (by {new.approved.by}, "
            f"{new.approved.date.isoformat()}) is the previous version's: record who approved "
            "this version and when, or make it status: draft until it is approved"
        )
    if new.approved.date < old.approved.date:
        return (
            f"{_changes(differences, since)} but approved.date {new.approved.date.isoformat()} "
            f"is before the previous version's approval ({old.approved.date.isoformat()}): "
            "record the date this version was approved"
        )
    return None


def review(
    old: Regimen, new: Regimen, differences: Sequence[DoseDifference], since: str
) -> tuple[tuple[str, str], ...]:
    """(field, problem) of ``new`` after ``old``: its ``version`` and its ``approved``."""
    found = (
        ("version", version_problem(old, new, differences, since)),
        ("approved", approval_problem(old, new, differences, since)),
    )
    return tuple((f, p) for f, p in found if p is not None)
