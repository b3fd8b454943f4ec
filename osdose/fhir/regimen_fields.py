"""Where each field of a regimen file goes in a PlanDefinition, and how it comes back.

One table per model of :mod:`osdose.formats.regimen` (``RegimenFile``, ``DrugEntry``,
``SupportiveCare``, ``Acknowledgement``); each row names the fields it carries, where they
go, and a ``put`` and a ``take``. A field added to the schema is one more row here: until
then :func:`unmapped` names it, the mapping test fails, and exporting a regimen that sets it
is refused — never dropped silently.

Free text (a dose as written, days as written, diluent, volume, duration, assumptions,
aliases, acknowledgements) travels verbatim in osdose's extensions next to the structured
FHIR elements that carry the same information for other systems (the dose per day as a UCUM
quantity, the days as ``timing-daysOfCycle``), and import checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from osdose.basis import Basis, parse_basis
from osdose.errors import OsdoseError
from osdose.fhir import codes
from osdose.fhir.quantities import UCUM_OF, QuantityError, dose_text, number, quantity
from osdose.regimen import DrugDose, parse_days, per_day

ALIAS = codes.extension("regimen-alias")
ASSUMPTION = codes.extension("regimen-assumption")
ACKNOWLEDGEMENT = codes.extension("lint-acknowledgement")
AS_WRITTEN = codes.extension("as-written")  # {field, value}: a regimen file value verbatim
DILUENT = codes.extension("diluent")
VOLUME = codes.extension("infusion-volume")
DURATION = codes.extension("infusion-duration")
PAEDIATRIC = codes.extension("small-patient-rules")  # JSON of the paediatric rules
COUNTS = codes.extension("count-gates")  # JSON of the blood-count gates
GFR_METHOD = codes.extension("gfr-method")  # where an AUC dose's GFR comes from
SUPPORT = ("hydration", "antiemetic", "mesna", "growth_factor", "other")  # SupportiveCare
ACK_PARTS = ("rule", "reason")  # Acknowledgement


class MappingError(OsdoseError):
    """A PlanDefinition element that cannot be read back into a regimen file field."""


@dataclass
class Plan:
    """The PlanDefinition being written or read: its root, its one cycle action, and the
    drugs (one :class:`Item` each)."""

    root: dict[str, Any]
    cycle: dict[str, Any]
    items: list[Item] = field(default_factory=list)


@dataclass
class Item:
    """One drug: its action inside the cycle and its contained ActivityDefinition;
    ``built`` is osdose's checked :class:`DrugDose` (on export)."""

    action: dict[str, Any]
    activity: dict[str, Any]
    built: DrugDose | None = None

    @property
    def dosage(self) -> dict[str, Any]:
        """The one dosage of the ActivityDefinition (created empty on export)."""
        dosages = self.activity.setdefault("dosage", [{}])
        if not dosages:
            raise MappingError("has an empty dosage list: osdose reads one dosage")
        return dosages[0]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Row:
    fields: tuple[str, ...]
    where: str
    put: Callable[[Any, Any], None]  # (target, model) → writes the fields
    take: Callable[[Any], dict[str, Any]]  # target → {field: value} of the fields present


# -- small helpers -----------------------------------------------------------------------


def _exts(element: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [x for x in element.get("extension") or [] if x.get("url") == url]


def _add(element: dict[str, Any], ext: dict[str, Any]) -> None:
    element.setdefault("extension", []).append(ext)


def _value(v: Any) -> dict[str, Any]:
    """A regimen file value as an extension value, keeping its type (text, whole number)."""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise MappingError(f"cannot carry {v!r} in a PlanDefinition")
    if isinstance(v, str):
        return {"valueString": v}
    return {"valueInteger": v} if isinstance(v, int) else {"valueDecimal": v}


def _unvalue(x: dict[str, Any]) -> Any:
    for k in ("valueString", "valueInteger", "valueDecimal"):
        if k in x:
            return x[k]
    raise MappingError(f"extension {x.get('url')} has no value")


def _strings(element: dict[str, Any], url: str) -> list[str]:
    return [str(x["valueString"]) for x in _exts(element, url) if "valueString" in x]


def _string(element: dict[str, Any], url: str) -> str | None:
    found = _strings(element, url)
    return found[0] if found else None


def _written(element: dict[str, Any]) -> tuple[str, Any] | None:
    for x in _exts(element, AS_WRITTEN):
        parts = {p.get("url"): p for p in x.get("extension") or []}
        if "field" in parts and "value" in parts:
            if not isinstance(parts["field"].get("valueString"), str):
                raise MappingError(f"extension {AS_WRITTEN} names no field (valueString)")
            return str(parts["field"]["valueString"]), _unvalue(parts["value"])
    return None


def _as_written(name: str, v: Any) -> dict[str, Any]:
    return {
        "url": AS_WRITTEN,
        "extension": [{"url": "field", "valueString": name}, {"url": "value", **_value(v)}],
    }


def _ack_put(element: dict[str, Any], acks: list[Any]) -> None:
    for a in acks:
        _add(
            element,
            {
                "url": ACKNOWLEDGEMENT,
                "extension": [{"url": p, "valueString": getattr(a, p)} for p in ACK_PARTS],
            },
        )


def _ack_take(element: dict[str, Any]) -> dict[str, Any]:
    acks = []
    for x in _exts(element, ACKNOWLEDGEMENT):
        parts = {p.get("url"): p.get("valueString") for p in x.get("extension") or []}
        acks.append({p: parts.get(p) for p in ACK_PARTS})
    return {"acknowledge": acks} if acks else {}


def _citations(element: dict[str, Any]) -> list[str]:
    return [
        str(r.get("display") or r.get("citation"))
        for r in element.get("relatedArtifact") or []
        if r.get("type") == "citation" and (r.get("display") or r.get("citation"))
    ]


def _text(key: str, name: str, on: Callable[[Any], dict[str, Any]], where: str) -> Row:
    """A text field carried by one element of the same meaning (``description``, ``usage``)
    of the element ``on`` gives (the PlanDefinition, or a drug's ActivityDefinition)."""

    def put(target: Any, m: Any) -> None:
        if getattr(m, name) is not None:
            on(target)[key] = getattr(m, name)

    def take(target: Any) -> dict[str, Any]:
        value = on(target).get(key)
        return {name: value} if value is not None else {}

    return Row((name,), where, put, take)


def _root(plan: Plan) -> dict[str, Any]:
    return plan.root


def _activity(item: Item) -> dict[str, Any]:
    return item.activity


def _structured(url: str, name: str, where: str, on: Callable[[Any], dict[str, Any]]) -> Row:
    """A list of small structured items (paediatric rules, count gates) as one JSON text in
    an osdose extension: no FHIR element expresses them, and the text reads back exactly."""
    import json

    def put(target: Any, m: Any) -> None:
        items = getattr(m, name)
        if items:
            dumped = [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in items]
            _add(
                on(target),
                {
                    "url": url,
                    "valueString": json.dumps(dumped, ensure_ascii=False, allow_nan=False),
                },
            )

    def take(target: Any) -> dict[str, Any]:
        text = _string(on(target), url)
        if text is None:
            return {}
        from osdose.reader import json_value  # strict: no NaN, no duplicate keys

        try:
            return {name: json_value(text)}
        except ValueError:
            raise MappingError(f"extension {url} is not the JSON osdose writes") from None

    return Row((name,), where, put, take)


def _extension_text(url: str, name: str, where: str) -> Row:
    def put(item: Item, m: Any) -> None:
        if getattr(m, name) is not None:
            _add(item.activity, {"url": url, "valueString": getattr(m, name)})

    def take(item: Item) -> dict[str, Any]:
        v = _string(item.activity, url)
        return {name: v} if v is not None else {}

    return Row((name,), where, put, take)


# -- the regimen file --------------------------------------------------------------------


def _name_put(plan: Plan, m: Any) -> None:
    plan.root["title"] = m.name


def _name_take(plan: Plan) -> dict[str, Any]:
    name = plan.root.get("title") or plan.root.get("name")
    if not name:
        raise MappingError("has no title: the regimen's name")
    return {"name": name}


def _strings_put(element: dict[str, Any], url: str, texts: list[str]) -> None:
    for text in texts:
        _add(element, {"url": url, "valueString": text})


def _indication_put(plan: Plan, m: Any) -> None:
    if m.indication is not None:
        plan.root["useContext"] = [
            {
                "code": {"system": codes.USAGE_CONTEXT, "code": "focus"},
                "valueCodeableConcept": {"text": m.indication},
            }
        ]


def _indication_take(plan: Plan) -> dict[str, Any]:
    texts = [
        str(u["valueCodeableConcept"]["text"])
        for u in plan.root.get("useContext") or []
        if (u.get("code") or {}).get("code") == "focus"
        and (u.get("valueCodeableConcept") or {}).get("text")
    ]
    return {"indication": "; ".join(texts)} if texts else {}


def _cycle_put(plan: Plan, m: Any) -> None:
    repeat: dict[str, Any] = {}
    if m.cycles is not None:
        repeat["count"] = m.cycles
    repeat.update(duration=m.cycle_length_days, durationUnit="d")
    plan.cycle["timingTiming"] = {"repeat": repeat}


def _cycle_take(plan: Plan) -> dict[str, Any]:
    repeat = (plan.cycle.get("timingTiming") or {}).get("repeat") or {}
    if repeat.get("duration") is None or repeat.get("durationUnit") != "d":
        raise MappingError(
            "the cycle action has no length in days (timingTiming.repeat.duration, durationUnit d)"
        )
    out: dict[str, Any] = {"cycle_length_days": _whole(repeat["duration"], "cycle length")}
    if repeat.get("count") is not None:
        out["cycles"] = _whole(repeat["count"], "number of cycles")
    return out


def _whole(v: Any, what: str) -> int:
    if float(v) != int(float(v)):
        raise MappingError(f"{what} {v} is not a whole number of days")
    return int(float(v))


def _drugs_put(plan: Plan, m: Any) -> None:
    for item, entry in zip(plan.items, m.drugs, strict=True):
        for row in DRUG:
            row.put(item, entry)


def _drugs_take(plan: Plan) -> dict[str, Any]:
    drugs = []
    for item in plan.items:
        values: dict[str, Any] = {}
        for row in DRUG:
            values.update(row.take(item))
        drugs.append(values)
    return {"drugs": drugs}


def _support_put(plan: Plan, m: Any) -> None:
    care = m.supportive_care
    if care is None:
        return
    for name in SUPPORT:
        value = getattr(care, name)
        for text in value if isinstance(value, list) else [value] if value is not None else []:
            _add(
                plan.root,
                {
                    "url": codes.NZ_SUPPORT_FACTOR,
                    "extension": [
                        {"url": "factor", "valueCodeableConcept": {"text": name}},
                        {"url": "value", "valueCodeableConcept": {"text": text}},
                    ],
                },
            )


def _support_take(plan: Plan) -> dict[str, Any]:
    care: dict[str, Any] = {}
    for x in _exts(plan.root, codes.NZ_SUPPORT_FACTOR):
        parts = {
            p.get("url"): (p.get("valueCodeableConcept") or {}) for p in x.get("extension") or []
        }
        if "factor" not in parts or "value" not in parts:
            raise MappingError(
                f"extension {codes.NZ_SUPPORT_FACTOR} needs a factor and a value (extension)"
            )
        factor = str(parts.get("factor", {}).get("text") or "")
        text = str(parts.get("value", {}).get("text") or "")
        if factor in SUPPORT and factor != "other" and factor not in care:
            care[factor] = text
        else:  # another system's factor ("Emetogenicity: High") is kept as text
            care.setdefault("other", []).append(text if factor == "other" else f"{factor}: {text}")
    return {"supportive_care": care} if care else {}


def _references_put(plan: Plan, m: Any) -> None:
    if m.references:
        plan.root["relatedArtifact"] = [{"type": "citation", "display": r} for r in m.references]


def _root_ack_put(plan: Plan, m: Any) -> None:
    _ack_put(plan.root, m.acknowledge)


# -- the life cycle ----------------------------------------------------------------------

#: FHIR's publication status → the regimen file's; ``unknown`` is read as a draft (never as
#: an approved regimen), and the import says so
STATUS_OF = {"draft": "draft", "active": "active", "retired": "retired", "unknown": "draft"}


def _status_take(plan: Plan) -> dict[str, Any]:
    status = STATUS_OF.get(str(plan.root.get("status")))
    if status is None:
        raise MappingError(f"status {plan.root.get('status')!r} is not a publication status")
    return {"status": status}


def whole_version(text: Any) -> int | None:
    """A PlanDefinition's ``version`` as osdose's whole number, or ``None`` when it is not
    one (``1.2.0``): such a version is left out of the regimen file, and the import says so."""
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() else None


def _version_take(plan: Plan) -> dict[str, Any]:
    version = whole_version(plan.root.get("version"))
    return {"version": version} if version is not None else {}


def _approved_put(plan: Plan, m: Any) -> None:
    if m.approved is not None:
        plan.root["approvalDate"] = m.approved.date.isoformat()
        plan.root["endorser"] = [{"name": m.approved.by}]


def approved_by(root: dict[str, Any]) -> str | None:
    """Who endorsed the PlanDefinition for use: the first endorser's name."""
    names = [e.get("name") for e in root.get("endorser") or [] if e.get("name")]
    return str(names[0]) if names else None


def _approved_take(plan: Plan) -> dict[str, Any]:
    by, day = approved_by(plan.root), plan.root.get("approvalDate")
    if by is None or day is None:
        return {}  # half an approval is no approval; the import says which half is missing
    return {"approved": {"by": by, "date": day}}


def _successor_put(plan: Plan, m: Any) -> None:
    if m.superseded_by is not None:
        plan.root.setdefault("relatedArtifact", []).append(
            {
                "type": "successor",
                "display": m.superseded_by,
                "resource": f"{codes.BASE}/PlanDefinition/{quote(m.superseded_by, safe='')}",
            }
        )


def _successor_take(plan: Plan) -> dict[str, Any]:
    found = [
        r.get("display") or r.get("label")
        for r in plan.root.get("relatedArtifact") or []
        if r.get("type") == "successor"
    ]
    if len(found) > 1:
        raise MappingError(f"names {len(found)} successors (relatedArtifact successor): which one?")
    if found and not found[0]:
        raise MappingError("names a successor without its name (relatedArtifact.display)")
    return {"superseded_by": found[0]} if found else {}


REGIMEN: tuple[Row, ...] = (
    Row(("name",), "title", _name_put, _name_take),
    Row(
        ("aliases",),
        f"extension {ALIAS}",
        lambda p, m: _strings_put(p.root, ALIAS, m.aliases),
        lambda p: {"aliases": a} if (a := _strings(p.root, ALIAS)) else {},
    ),
    _text("description", "description", _root, "description"),
    Row(("indication",), "useContext (focus) text", _indication_put, _indication_take),
    Row(
        ("cycle_length_days", "cycles"),
        "action[cycle].timingTiming.repeat (duration d, count)",
        _cycle_put,
        _cycle_take,
    ),
    Row(("drugs",), "action[cycle].action + contained ActivityDefinition", _drugs_put, _drugs_take),
    Row(("supportive_care",), f"extension {codes.NZ_SUPPORT_FACTOR}", _support_put, _support_take),
    Row(
        ("references",),
        "relatedArtifact (citation)",
        _references_put,
        lambda p: {"references": r} if (r := _citations(p.root)) else {},
    ),
    Row(
        ("assumptions",),
        f"extension {ASSUMPTION}",
        lambda p, m: _strings_put(p.root, ASSUMPTION, m.assumptions),
        lambda p: {"assumptions": a} if (a := _strings(p.root, ASSUMPTION)) else {},
    ),
    _text("usage", "notes", _root, "usage"),
    _structured(PAEDIATRIC, "paediatric", f"extension {PAEDIATRIC} (JSON)", _root),
    _structured(COUNTS, "counts", f"extension {COUNTS} (JSON)", _root),
    Row(
        ("acknowledge",), f"extension {ACKNOWLEDGEMENT}", _root_ack_put, lambda p: _ack_take(p.root)
    ),
    Row(("status",), "status", lambda p, m: p.root.update(status=m.status), _status_take),
    Row(
        ("version",),
        "version (a whole number as text)",
        lambda p, m: p.root.update(version=str(m.version)) if m.version is not None else None,
        _version_take,
    ),
    Row(("approved",), "approvalDate + endorser[0].name", _approved_put, _approved_take),
    Row(
        ("superseded_by",),
        "relatedArtifact (successor: display, resource)",
        _successor_put,
        _successor_take,
    ),
)


# -- one drug ----------------------------------------------------------------------------


def _drug_put(item: Item, m: Any) -> None:
    concept: dict[str, Any] = {"text": m.drug}
    canonical = item.built.drug if item.built else m.drug
    code = codes.rxnorm(canonical)
    if code is not None:
        concept["coding"] = [{"system": codes.RXNORM, "code": code, "display": canonical}]
    item.activity["productCodeableConcept"] = concept


def _drug_take(item: Item) -> dict[str, Any]:
    concept = item.activity.get("productCodeableConcept") or {}
    if concept.get("text"):
        return {"drug": concept["text"]}
    for c in concept.get("coding") or []:
        name = codes.drug_of_rxnorm(str(c.get("code"))) if c.get("system") == codes.RXNORM else None
        if name or c.get("display"):
            return {"drug": name or c["display"]}
    raise MappingError("names no drug (productCodeableConcept)")


def _ucum(b: Basis) -> dict[str, Any]:
    code = UCUM_OF[(b.unit, b.per)]
    return quantity(b.amount, code.replace("[iU]", "IU"), code)


def _agrees(b: Basis, q: dict[str, Any]) -> bool:
    return float(q.get("value", "nan")) == b.amount and q.get("code") == UCUM_OF[(b.unit, b.per)]


def _dose_put(item: Item, m: Any) -> None:
    assert item.built is not None  # export always has the checked regimen
    key = next(k for k in ("dose", "dose_per_day", "dose_per_cycle") if getattr(m, k) is not None)
    q = {"extension": [_as_written(key, getattr(m, key))], **_ucum(item.built.basis)}
    item.dosage.setdefault("doseAndRate", [{}])[0]["doseQuantity"] = q


def _dose_take(item: Item) -> dict[str, Any]:
    rates = item.dosage.get("doseAndRate") or []
    q = rates[0].get("doseQuantity") if rates else None
    if q is None:
        raise MappingError("has no dose (dosage.doseAndRate.doseQuantity)")
    written = _written(q)
    if written is None:
        try:
            return {"dose": dose_text(q, snomed=True)}
        except QuantityError as exc:
            raise MappingError(str(exc)) from None
    key, text = written
    if key not in ("dose", "dose_per_day", "dose_per_cycle"):
        raise MappingError(f"doseQuantity is written as {key!r}, not a dose field")
    days = _days_of(item)
    try:
        b = per_day(parse_basis(text, key), key, len(days))
    except OsdoseError as exc:
        raise MappingError(str(exc)) from None
    if not _agrees(b, q):
        raise MappingError(
            f"doseQuantity {number(q.get('value'))} {q.get('code')} per day disagrees with "
            f"{key} {text!r} as written: which is right?"
        )
    return {key: text}


def _days_of(item: Item) -> list[int]:
    for x in _exts(item.action, codes.DAYS_OF_CYCLE):
        return _day_values(x)
    found = []
    for x in _exts(item.action, codes.NZ_TIMING_OF_DAYS):
        found += _day_values(x)
    if found:
        return found
    raise MappingError("has no days (extension timing-daysOfCycle on its action)")


def _day_values(x: dict[str, Any]) -> list[int]:
    """The days of a days-of-cycle extension: each ``day`` must carry its valueInteger."""
    days = []
    for d in x.get("extension") or []:
        if d.get("url") == "day":
            if not isinstance(d.get("valueInteger"), int):
                raise MappingError(f"extension {x.get('url')}: a day has no valueInteger")
            days.append(int(d["valueInteger"]))
    return days


def _days_put(item: Item, m: Any) -> None:
    days = parse_days(m.days)
    _add(
        item.action,
        {
            "url": codes.DAYS_OF_CYCLE,
            "extension": [{"url": "day", "valueInteger": d} for d in days],
        },
    )
    if not isinstance(m.days, list):
        _add(item.action, _as_written("days", m.days))


def _days_take(item: Item) -> dict[str, Any]:
    days = _days_of(item)
    written = _written(item.action)
    if written is None:
        return {"days": days}
    key, text = written
    try:
        same = key == "days" and list(parse_days(text)) == days
    except ValueError:
        same = False
    if not same:
        raise MappingError(f"days {days} disagree with {key} {text!r} as written")
    return {"days": text}


def _route_put(item: Item, m: Any) -> None:
    if m.route is not None:
        item.dosage["route"] = {"text": m.route}


def _route_take(item: Item) -> dict[str, Any]:
    route = item.dosage.get("route") or {}
    text = route.get("text") or next(
        (c.get("display") or c.get("code") for c in route.get("coding") or []), None
    )
    return {"route": text} if text else {}


def _cap_put(item: Item, m: Any) -> None:
    if m.max_dose is None:
        return
    assert item.built is not None and item.built.max_dose is not None
    q = {"extension": [_as_written("max_dose", m.max_dose)], **_ucum(item.built.max_dose)}
    item.dosage["maxDosePerAdministration"] = q


def _cap_take(item: Item) -> dict[str, Any]:
    q = item.dosage.get("maxDosePerAdministration")
    if q is None:
        return {}
    written = _written(q)
    if written is None:
        try:
            return {"max_dose": dose_text(q, "maxDosePerAdministration", snomed=True)}
        except QuantityError as exc:
            raise MappingError(str(exc)) from None
    try:
        same = written[0] == "max_dose" and _agrees(parse_basis(written[1], "max_dose"), q)
    except OsdoseError:
        same = False
    if not same:
        raise MappingError(
            f"maxDosePerAdministration disagrees with max_dose {written[1]!r} as written"
        )
    return {"max_dose": written[1]}


def _source_put(item: Item, m: Any) -> None:
    if m.source is not None:
        item.activity["relatedArtifact"] = [{"type": "citation", "display": m.source}]


def _source_take(item: Item) -> dict[str, Any]:
    found = _citations(item.activity)
    return {"source": "; ".join(found)} if found else {}


DRUG: tuple[Row, ...] = (
    Row(("drug",), "ActivityDefinition.productCodeableConcept", _drug_put, _drug_take),
    Row(
        ("dose", "dose_per_day", "dose_per_cycle"),
        "ActivityDefinition.dosage.doseAndRate.doseQuantity (per day) + as-written",
        _dose_put,
        _dose_take,
    ),
    Row(("days",), "action.extension timing-daysOfCycle (+ as-written)", _days_put, _days_take),
    Row(("route",), "ActivityDefinition.dosage.route.text", _route_put, _route_take),
    _extension_text(DILUENT, "diluent", f"ActivityDefinition.extension {DILUENT}"),
    _extension_text(VOLUME, "volume", f"ActivityDefinition.extension {VOLUME}"),
    _extension_text(DURATION, "duration", f"ActivityDefinition.extension {DURATION}"),
    Row(
        ("max_dose",),
        "ActivityDefinition.dosage.maxDosePerAdministration + as-written",
        _cap_put,
        _cap_take,
    ),
    _text("usage", "notes", _activity, "ActivityDefinition.usage"),
    Row(("source",), "ActivityDefinition.relatedArtifact (citation)", _source_put, _source_take),
    _structured(PAEDIATRIC, "paediatric", f"ActivityDefinition.extension {PAEDIATRIC}", _activity),
    _extension_text(GFR_METHOD, "gfr", f"ActivityDefinition.extension {GFR_METHOD}"),
    Row(
        ("acknowledge",),
        f"ActivityDefinition.extension {ACKNOWLEDGEMENT}",
        lambda i, m: _ack_put(i.activity, m.acknowledge),
        lambda i: _ack_take(i.activity),
    ),
)


def mapped() -> dict[str, set[str]]:
    """The fields each schema model has a row for."""
    return {
        "RegimenFile": {f for r in REGIMEN for f in r.fields},
        "DrugEntry": {f for r in DRUG for f in r.fields},
        "SupportiveCare": set(SUPPORT),
        "Acknowledgement": set(ACK_PARTS),
        "Approval": {"by", "date"},  # carried by the row of "approved"
        # carried whole as JSON by the rows of "paediatric" and "counts"
        "PaediatricRule": {"when", "rule", "divisor", "percent", "source"},
        "PaediatricWhen": {"weight_below", "bsa_below", "age_below"},
        "CountGate": {"anc_below", "platelets_below", "action", "percent", "source"},
    }


def unmapped() -> dict[str, set[str]]:
    """Fields of the regimen file schema that no row carries (empty when complete)."""
    from osdose.formats import regimen as schema

    out = {}
    for name, fields in mapped().items():
        missing = set(getattr(schema, name).model_fields) - fields
        if missing:
            out[name] = missing
    return out
