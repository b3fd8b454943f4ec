"""What the rules of one file share: the parsed document, the drug table, the schema
problems (validated once), and the raw drug entries, read defensively so that every rule
can run even when another part of the file is broken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from osdose.basis import Basis, parse_basis
from osdose.documents import Problem, problems
from osdose.drugs import Drug, DrugTable
from osdose.errors import InputError
from osdose.fields import FieldError, whole
from osdose.lint.finding import Finding, Severity
from osdose.reader import Document
from osdose.regimen import check_days, dose_field, is_no_cap, parse_days, per_day

if TYPE_CHECKING:
    from osdose.dose_changes import DoseDifference
    from osdose.formats.regimen import RegimenFile
    from osdose.lint.base import BaseFile
    from osdose.regimen import Regimen

Where = tuple[str | int, ...]
T = TypeVar("T")


class _once(Generic[T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one on each first
    read, and a file's context is read once per property in one thread): the value is
    worked out on the first read and kept in the instance, where later reads find it."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:  # read from the class (documentation tools): the descriptor
            return self  # type: ignore[return-value]
        value = self.fn(obj)
        obj.__dict__[self.name] = value
        return value


@dataclass(frozen=True)
class AgainstBase:
    """A linted file's regimen and the one it was at ``lint --base REF``, and what changed
    in their doses (:func:`osdose.dose_changes.dose_differences`)."""

    since: str
    old: Regimen
    new: Regimen
    differences: tuple[DoseDifference, ...]


@dataclass
class FileContext:
    doc: Document
    drugs: DrugTable
    base: BaseFile | None = None  # the file at lint --base REF (None without --base)

    @property
    def path(self) -> str:
        return self.doc.path

    @_once
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @_once
    def schema(self) -> list[Problem]:
        """Every schema problem of the file (duplicate keys are duplicate-key's); the model
        is validated once per file."""
        found = problems(self.doc, _regimen_model(), "a regimen file")[1]
        return [p for p in found if p.kind != "duplicate_key"]

    def schema_findings(
        self, rule: str, severity: Severity, kinds: Callable[[str], bool]
    ) -> Iterator[Finding]:
        """Findings of ``rule`` for the schema problems whose kind ``kinds`` accepts."""
        for p in self.schema:
            if kinds(p.kind):
                yield Finding(
                    self.path, p.pos.line, p.pos.column, rule, severity, p.message, where=p.path
                )

    @_once
    def cycle_length(self) -> int | None:
        """The cycle length when the schema accepts it, else ``None``."""
        refused = any(p.path == ("cycle_length_days",) for p in self.schema)
        try:
            value = whole(self.data.get("cycle_length_days"), 1, 365)
        except FieldError:
            return None
        return None if refused else value

    @_once
    def doses(self) -> list[EntryDose]:
        """Every drug entry read as far as it can be, once per file."""
        return [entry_dose(self, i, entry) for i, entry in self.entries()]

    def entries(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, entry) of every drug entry that is a mapping."""
        return iter(self._entries)

    @_once
    def _entries(self) -> list[tuple[int, dict[str, Any]]]:
        drugs = self.data.get("drugs")
        if not isinstance(drugs, list):
            return []
        return [(i, entry) for i, entry in enumerate(drugs) if isinstance(entry, dict)]

    def days(self, index: int) -> tuple[int, ...] | str:
        """The days of drug entry ``index`` (:func:`osdose.regimen.parse_days`, not checked
        against the cycle), or why they cannot be read; read once per entry."""
        memo = self._days
        found = memo.get(index)
        if found is None:
            try:
                found = parse_days(self.data["drugs"][index].get("days"))
            except ValueError as exc:
                found = str(exc)
            memo[index] = found
        return found

    @_once
    def _days(self) -> dict[int, tuple[int, ...] | str]:
        return {}

    @_once
    def against_base(self) -> AgainstBase | str | None:
        """The file against its version at ``--base``: ``None`` without ``--base``, for a file
        new since then, or while this file does not build (its own findings say why); a text
        saying why the version at ``--base`` cannot be read as a regimen."""
        if self.base is None or self.base.raw is None:
            return None
        from osdose.dose_changes import dose_differences
        from osdose.errors import OsdoseError
        from osdose.reader import decode, parse_text
        from osdose.regimen import build

        try:
            new = build(self.doc, self.drugs)
        except OsdoseError:
            return None
        since = self.base.ref
        try:
            label = f"{since}:{self.path}"
            old = build(parse_text(decode(self.base.raw, label), label), self.drugs)
        except OsdoseError as exc:
            return str(exc)
        return AgainstBase(since, old, new, dose_differences(old, new))

    def base_findings(
        self,
        rule: str,
        field: str,
        problem: Callable[[Regimen, Regimen, tuple[DoseDifference, ...], str], str | None],
    ) -> Iterator[Finding]:
        """An error of ``rule`` at ``field`` when ``problem`` (a rule of
        :mod:`osdose.governance`) finds one in the file against its version at ``--base``."""
        against = self.against_base
        if not isinstance(against, AgainstBase):
            return
        found = problem(against.old, against.new, against.differences, against.since)
        if found is not None:
            yield self.finding(rule, "error", self.at_field(field), found, key=True)

    def at_field(self, name: str) -> Where:
        """Where to report a regimen-level field: at it, or at ``name:`` when it is absent."""
        return (name,) if name in self.data else ("name",)

    def finding(
        self, rule: str, severity: Severity, where: Where, message: str, *, key: bool = False
    ) -> Finding:
        """A finding at the value (or with ``key``, the key) found at ``where``."""
        pos = self.doc.key_where(where) if key else self.doc.where(where)
        return Finding(self.path, pos.line, pos.column, rule, severity, message, where=where)


@dataclass(frozen=True)
class EntryDose:
    """One drug entry as far as it could be read: each part is ``None`` when it could not
    (the rule that owns that part reports why)."""

    index: int
    drug: Drug | None
    field: str | None
    written: Basis | None
    days: tuple[int, ...] | None
    cap: Basis | None

    @property
    def per_day(self) -> Basis | None:
        if self.written is None or self.field is None:
            return None
        if self.field == "dose_per_cycle":
            return None if not self.days else per_day(self.written, self.field, len(self.days))
        return self.written


@cache
def _regimen_model() -> type[RegimenFile]:
    from osdose.formats.regimen import RegimenFile

    return RegimenFile


def num(x: float) -> str:
    """A number for messages, exact to 4 decimals without trailing zeros (18446.6154)."""
    return f"{x:.4f}".rstrip("0").rstrip(".")


def shown(basis: Basis) -> str:
    """``120 mg/m²`` for messages."""
    return f"{num(basis.amount)} {basis.unit_text}"


def entry_dose(ctx: FileContext, index: int, entry: dict[str, Any]) -> EntryDose:
    name = entry.get("drug")
    drug = ctx.drugs.find(name) if isinstance(name, str) else None
    field_name: str | None = None
    written = cap = None
    try:
        field_name, text = dose_field(str(name), entry)
        written = parse_basis(text, field_name, drug)
    except (ValueError, InputError):
        pass
    days = read_days(ctx, index, ctx.cycle_length)
    if entry.get("max_dose") is not None and not is_no_cap(entry["max_dose"]):
        try:
            cap = parse_basis(entry["max_dose"], "max_dose", drug)
        except InputError:
            cap = None
    usable = days if isinstance(days, tuple) else None
    return EntryDose(index, drug, field_name, written, usable, cap)


def read_days(ctx: FileContext, index: int, cycle_length: int | None) -> tuple[int, ...] | str:
    """The days of drug entry ``index``, or why they are unusable (checked against the
    cycle when its length is known)."""
    days = ctx.days(index)
    if isinstance(days, str):
        return days
    if cycle_length is not None:
        try:
            check_days(days, cycle_length)
        except ValueError as exc:
            return str(exc)
    return days
