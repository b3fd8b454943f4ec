"""Regimens as FHIR R4 PlanDefinition (``clinical-protocol``), and back to regimen files.

Modelled on the HL7 New Zealand Cancer Control Agency implementation guide: one top-level
action is the cycle (``timingTiming.repeat``: ``duration`` = cycle length in days, ``count``
= number of cycles, as that guide's "Cycles 1 to 4 - 21 days"), holding one action per drug;
each drug action points (``definitionCanonical #id``) to a contained ``ActivityDefinition``
with the dose per administration day as a UCUM quantity whose unit says its basis
(``mg/m2``, ``mg/kg``, ``mg``), the route, and the days of the cycle as the core
``timing-daysOfCycle`` extension. Field by field: :mod:`osdose.fhir.regimen_fields`.

Export maps the validated regimen *file* model (:class:`osdose.formats.regimen.RegimenFile`), after
osdose has built the regimen (so only a regimen that passes every check is exported);
import rebuilds that model, then the regimen from it with osdose's own loader, and writes
the YAML. YAML → PlanDefinition → YAML gives the same model, field for field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from osdose.documents import validate
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, OsdoseError
from osdose.fhir import codes, model, require
from osdose.fhir.bundle import (
    BundleRefused,
    Invalid,
    Refusal,
    document,
    model_of,
    problems,
    read_json,
)
from osdose.fhir.regimen_fields import (
    DRUG,
    REGIMEN,
    Item,
    MappingError,
    Plan,
    approved_by,
    unmapped,
    whole_version,
)
from osdose.formats.regimen import RegimenFile
from osdose.library import load_regimen
from osdose.reader import parse_text, read_text
from osdose.regimen import Regimen, build
from osdose.shipped import library_files
from osdose.visible import visible


@dataclass(frozen=True)
class ImportedRegimen:
    """A regimen read from a PlanDefinition: its file model, the YAML, warnings."""

    model: Any
    yaml: str
    warnings: tuple[str, ...]
    lint_error: str | None = None  # written all the same, and the command exits 1


def file_model(reg: Regimen) -> Any:
    """The validated file model (:class:`~osdose.formats.regimen.RegimenFile`) of ``reg``."""
    text = dict(library_files()).get(reg.path)
    if text is None:
        text = read_text(reg.path)
    return validate(parse_text(text, reg.path), RegimenFile, "a regimen file")


def _refuse_unmapped(m: Any, where: str) -> None:
    missing = unmapped()
    for name, fields in missing.items():
        for obj in _models_of(m, name):
            used = sorted(fields & obj.model_fields_set)
            if used:
                raise OsdoseError(
                    f"{where}: regimen field {used[0]!r} has no PlanDefinition mapping yet "
                    "(osdose/fhir/regimen_fields.py): not exported rather than dropped"
                )


def _models_of(m: Any, name: str) -> list[Any]:
    if name == "RegimenFile":
        return [m]
    if name == "DrugEntry":
        return list(m.drugs)
    if name == "SupportiveCare":
        return [m.supportive_care] if m.supportive_care is not None else []
    return [*m.acknowledge, *(a for d in m.drugs for a in d.acknowledge)]


def _id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-.]+", "-", name).strip("-.")[:64] or "regimen"


def _computable(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "Regimen"
    return text[0].upper() + text[1:]


def _cycle_text(m: Any) -> str:
    if m.cycles is None:
        return f"Each cycle - {m.cycle_length_days} days"
    if m.cycles == 1:
        return f"Cycle 1 - {m.cycle_length_days} days"
    return f"Cycles 1 to {m.cycles} - {m.cycle_length_days} days"


def _dose_text(entry: Any, built: Any) -> str:
    key = next(k for k in ("dose", "dose_per_day", "dose_per_cycle") if getattr(entry, k))
    per = " per cycle" if key == "dose_per_cycle" else ""
    route = f" {entry.route}" if entry.route else ""
    days = ", ".join(str(d) for d in built.days)
    return f"{getattr(entry, key)}{per}{route} on day{'s' if len(built.days) > 1 else ''} {days}"


def plan_definition(reg: Regimen) -> dict[str, Any]:
    """The PlanDefinition of a checked regimen, validated with the R4B model."""
    require()
    m = file_model(reg)
    _refuse_unmapped(m, reg.path)
    root: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": _id(m.name),
        "url": f"{codes.BASE}/PlanDefinition/{quote(m.name, safe='')}",
        "name": _computable(m.name),
        "type": {"coding": [{"system": codes.PLAN_TYPE, "code": "clinical-protocol"}]},
        "status": "active",
    }
    cycle: dict[str, Any] = {"id": "cycle", "title": "Cycle", "description": _cycle_text(m)}
    plan = Plan(root, cycle)
    contained = []
    for i, (entry, built) in enumerate(zip(m.drugs, reg.drugs, strict=True), start=1):
        rid = f"drug-{i}"
        activity: dict[str, Any] = {
            "resourceType": "ActivityDefinition",
            "id": rid,
            "status": m.status,  # each drug's definition lives and retires with its regimen
            "kind": "MedicationRequest",
            "dosage": [{"text": _dose_text(entry, built)}],
        }
        action = {
            "id": rid,
            "title": entry.drug,
            "description": _dose_text(entry, built),
            "definitionCanonical": f"#{rid}",
        }
        plan.items.append(Item(action, activity, built))
        contained.append(activity)
    for row in REGIMEN:
        row.put(plan, m)
    cycle["selectionBehavior"] = "all"
    cycle["action"] = [item.action for item in plan.items]
    root["contained"] = [_ordered(a, _ACTIVITY_KEYS) for a in contained]
    root["action"] = [cycle]
    ordered = _ordered(root, _PLAN_KEYS)
    _check(ordered, reg.path)
    return ordered


_PLAN_KEYS = (
    "resourceType",
    "id",
    "contained",
    "extension",
    "url",
    "version",
    "name",
    "title",
    "type",
    "status",
    "description",
    "useContext",
    "usage",
    "approvalDate",
    "endorser",
    "relatedArtifact",
    "action",
)
_ACTIVITY_KEYS = (
    "resourceType",
    "id",
    "extension",
    "status",
    "kind",
    "productCodeableConcept",
    "dosage",
    "usage",
    "relatedArtifact",
)


def _ordered(element: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``element`` with its keys in the order FHIR's own examples show them."""
    return {k: element[k] for k in keys if k in element} | {
        k: v for k, v in element.items() if k not in keys
    }


def _check(doc: dict[str, Any], where: str) -> None:
    from pydantic import ValidationError

    try:
        model("PlanDefinition").model_validate(doc)
    except ValidationError as exc:  # pragma: no cover - a bug in the mapping
        raise OsdoseError(
            f"internal error: the PlanDefinition of {where} is not valid: {problems(exc)}"
        ) from None


def _label(pd: dict[str, Any]) -> str:
    """``PlanDefinition/id`` on one line (a control character in the id shown escaped)."""
    rid = pd.get("id")
    return (
        visible(f"PlanDefinition/{rid}")
        if isinstance(rid, (str, int)) and rid
        else "PlanDefinition"
    )


def _plan(pd: dict[str, Any], path: str) -> tuple[Plan, list[str]]:
    """The cycle and drugs of a PlanDefinition (refused unless it has the shape above)."""
    label = _label(pd)
    kind = [c.get("code") for c in (pd.get("type") or {}).get("coding") or []]
    if "clinical-protocol" not in kind:
        raise BundleRefused(
            path, [Refusal(path, label, "type is not clinical-protocol")], "written"
        )
    warnings = _life_cycle_warnings(pd, label)
    actions = pd.get("action") or []
    if len(actions) != 1 or not actions[0].get("action"):
        raise BundleRefused(
            path,
            [
                Refusal(
                    path,
                    label,
                    f"has {len(actions)} top-level actions: an osdose regimen is "
                    "one repeating cycle (one action holding one action per drug)",
                )
            ],
            "written",
        )
    contained = {c.get("id"): c for c in pd.get("contained") or [] if isinstance(c, dict)}
    plan = Plan(pd, actions[0])
    for a in actions[0]["action"]:
        ref = str(a.get("definitionCanonical") or "")
        activity = contained.get(ref[1:]) if ref.startswith("#") else None
        if activity is None or activity.get("resourceType") != "ActivityDefinition":
            raise BundleRefused(
                path,
                [
                    Refusal(
                        path,
                        f"action {a.get('id') or a.get('title')}",
                        f"definitionCanonical {ref!r} is not a contained ActivityDefinition",
                    )
                ],
                "written",
            )
        plan.items.append(Item(a, activity))
    return plan, warnings


def _life_cycle_warnings(pd: dict[str, Any], label: str) -> list[str]:
    """What the import says of the PlanDefinition's status, version and approval: a retired
    regimen is imported as retired (history may name it; osdose never doses it), an
    ``unknown`` status as a draft, and what could not be carried is named."""
    warnings = []
    status = pd.get("status")
    if status == "retired":
        successor = [r.get("display") for r in pd.get("relatedArtifact") or []
                     if r.get("type") == "successor"]  # fmt: skip
        instead = f", superseded by {successor[0]}" if successor and successor[0] else ""
        warnings.append(
            f"{label} is retired{instead}: written with status: retired, which osdose never "
            "calculates for new treatment"
        )
    elif status == "draft":
        warnings.append(f"{label} is a draft: check it before use")
    elif status == "unknown":
        warnings.append(f"{label} has status unknown: written as status: draft")
    version = pd.get("version")
    if version is not None and whole_version(version) is None:
        warnings.append(
            f"{label} version {version!r} is not a whole number: left out (osdose versions are "
            "whole numbers that increase whenever a dose changes)"
        )
    by, day = approved_by(pd), pd.get("approvalDate")
    if (by is None) != (day is None):
        missing = "endorser (who approved it)" if by is None else "approvalDate"
        warnings.append(f"{label} has no {missing}: the approval is left out")
    return warnings


def read_plan_definition(path: str | Path, table: DrugTable | None = None) -> ImportedRegimen:
    """A regimen file from a PlanDefinition JSON file, checked by osdose's regimen loader."""
    require()
    from pydantic import ValidationError

    name = str(path)
    pd = read_json(path)
    if not isinstance(pd, dict) or pd.get("resourceType") != "PlanDefinition":
        got = pd.get("resourceType") if isinstance(pd, dict) else type(pd).__name__
        raise FileError(name, None, f"is not a FHIR PlanDefinition (resourceType {got!r})")
    label = _label(pd)
    try:
        model_of("PlanDefinition", pd)
    except Invalid as exc:
        raise BundleRefused(name, [Refusal(name, label, str(exc))], "written") from None
    plan, warnings = _plan(pd, name)
    values: dict[str, Any] = {}
    for row in REGIMEN:
        try:
            values.update(row.take(plan))
        except MappingError as exc:
            raise BundleRefused(
                name, [Refusal(name, _where(row, plan, exc), str(exc))], "written"
            ) from None
    try:
        m = RegimenFile.model_validate(values)
    except ValidationError as exc:
        raise BundleRefused(
            name, [Refusal(name, label, f"not a regimen: {problems(exc)}")], "written"
        ) from None
    data = m.model_dump(mode="python", exclude_defaults=True)
    owners = [
        (("drugs", i), f"ActivityDefinition/{item.activity.get('id')}")
        for i, item in enumerate(plan.items)
    ]
    doc, located = document(name, data, owners)
    try:
        build(doc, table or load_drugs())
    except FileError as exc:
        raise BundleRefused(name, [located.refusal(exc)], "written") from None
    text = yaml_text(data, name)
    from osdose.library import checked

    lint_error = None
    try:  # the lint gate every regimen passes before osdose calculates with it
        checked(text, name, table or load_drugs())
    except FileError as exc:
        lint_error = _lint_problem(exc)
        warnings.append(
            f"lint refuses the regimen written: {lint_error}; osdose will not calculate with it "
            "until it is corrected or the finding acknowledged (see 'osdose lint FILE')"
        )
    again = validate(parse_text(text, name), RegimenFile, "a regimen file")
    if again != m:  # pragma: no cover - YAML would change a value: a bug, never written
        raise OsdoseError(f"internal error: the YAML of {name} does not read back the same")
    return ImportedRegimen(m, text, tuple(warnings), lint_error)


def _lint_problem(exc: FileError) -> str:
    """The lint finding without its pointer to a YAML file the import never wrote."""
    return exc.problem.split(" (a regimen lint refuses is never calculated", 1)[0]


def _where(row: Any, plan: Plan, exc: MappingError) -> str:
    if row.fields == ("drugs",):
        for item in plan.items:
            for drug_row in DRUG:
                try:
                    drug_row.take(item)
                except MappingError:
                    return f"ActivityDefinition/{item.activity.get('id')}"
    return _label(plan.root)


def yaml_text(data: dict[str, Any], source: str) -> str:
    """The regimen file: block style, lists of plain values on one line (``days: [1]``)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def short_list(dumper: Any, items: list[Any]) -> Any:
        flow = all(not isinstance(v, (dict, list)) for v in items) and len(str(items)) < 60
        return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)

    Dumper.add_representer(list, short_list)
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# Regimen read from the FHIR PlanDefinition {Path(source).name} by osdose\n" + body


def regimen_plan(name_or_path: str, table: DrugTable | None = None) -> dict[str, Any]:
    """The PlanDefinition of a regimen by name, alias or file path."""
    return plan_definition(load_regimen(name_or_path, table or load_drugs()))
