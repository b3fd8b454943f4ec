"""The rules, in the order they run, and what reports say about each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from osdose.lint import (
    absolute_cap,
    acknowledge,
    approval_missing,
    approval_not_renewed,
    cycle_ceiling,
    day_out_of_cycle,
    dose_implausible,
    dose_unit,
    duplicate_drug,
    duplicate_key,
    duplicate_regimen,
    invalid_value,
    lookalike_regimen,
    missing_field,
    missing_reference,
    superseded_by_unknown,
    superseded_not_retired,
    unknown_drug,
    unknown_field,
    version_not_increased,
    yaml_syntax,
)
from osdose.lint.context import FileContext
from osdose.lint.finding import Finding

FileRule = Callable[[FileContext], Iterable[Finding]]

FILE_RULES: tuple[FileRule, ...] = (
    duplicate_key.check,
    unknown_field.check,
    missing_field.check,
    invalid_value.check,
    unknown_drug.check,
    dose_unit.check,
    day_out_of_cycle.check,
    duplicate_drug.check,
    dose_implausible.check,
    absolute_cap.check,
    cycle_ceiling.check,
    missing_reference.check,
    approval_missing.check,
    superseded_not_retired.check,
    version_not_increased.check,
    approval_not_renewed.check,
)


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str
    description: str
    module: str


def _info(m: ModuleType) -> RuleInfo:
    return RuleInfo(str(m.ID), str(m.SEVERITY), str(m.DESCRIPTION), m.__name__)


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in map(
        _info,
        (
            yaml_syntax,
            duplicate_key,
            unknown_field,
            missing_field,
            invalid_value,
            unknown_drug,
            dose_unit,
            day_out_of_cycle,
            duplicate_drug,
            dose_implausible,
            absolute_cap,
            cycle_ceiling,
            duplicate_regimen,
            lookalike_regimen,
            missing_reference,
            acknowledge,
            approval_missing,
            superseded_not_retired,
            superseded_by_unknown,
            version_not_increased,
            approval_not_renewed,
        ),
    )
}
