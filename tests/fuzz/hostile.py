"""Hostile inputs: values that have broken readers before (issue 10), written into documents
of the right shape, and random mutations of the files osdose ships.

A document is plain data (dicts, lists, text) emitted as YAML or JSON by the small emitters
here; a :class:`Raw` value is written exactly as given, unquoted (``0042``, ``off``,
``1:30``, ``.nan``, ``NaN``, 5,000 digits), so that the reader meets the text a person or a
hostile program could write, not what a YAML library would have quoted.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Raw:
    """A scalar written as is: YAML reads it as YAML 1.1 would guess, JSON as a token."""

    text: str


# --- hostile scalars ----------------------------------------------------------------------

FIVE_THOUSAND_DIGITS = "9" * 5000
NUMBERS = [
    "nan", "NaN", ".nan", ".NaN", "inf", "-inf", ".inf", "-.inf", "+.inf", "Infinity",
    "-Infinity", "1e308", "-1e308", "1e309", "1.8e308", "1e-308", "5e-324", "1e-400", "-0",
    "-0.0", "0", "0.0", "-1", "-1e-9", "1" * 25, FIVE_THOUSAND_DIGITS, "0042", "0x2A",
    "0o17", "0b101", "1_000", "1:30", "190:20:30", "+12", "12.", ".5", "1e3", "٣٤",
    "１２", "7⁰", "½", "2**1000", "9**9**9", "1e", "--1", "1,5",
]  # fmt: skip
QUANTITIES = [
    "nan mg", "inf mg", "-inf mg", "1e308 mg", "1e308 mg/m2", "1e308 kg", "1e308 cm",
    "1e-308 mg", "-0 mg", "-5 mg", "0 mg", "0 m2", "0 kg", "10**400 kg", "9**9**9 kg",
    "70 kg - 69 kg", "70 kg 5 kg", "70kg+5kg", "mg", "kg", "7⁰ kg", "٣ mg", "１２ mg",
    f"{FIVE_THOUSAND_DIGITS} mg", f"{'1' * 25} mg", "5 ft 13 in", "5 ft -1 in", "1e308 ft 11 in",
    "70 kg/m2", "1.84 m2", "1.8 m²", "175 cm", "70 kg", "100 mg/m2", "5 mg/kg", "5 AUC",
    "AUC 5", "3 x10^9/L", "1e308 x10^9/L", "90 mL/min", "1e308 mL/min", "0.9 mg/dL",
    "nan mg/dL", "80 µmol/L", "2 g/m2/day", "1e308 g", "1 mg/m2/m2", "1 m2/mg",
    "1 mg " + "/m2" * 200, "1" + " " * 10000 + "mg",
]  # fmt: skip
DATES = [
    "9999-12-31", "0001-01-01", "1900-01-01", "1970-01-01", "2021-02-29", "2020-02-29",
    "2021-13-01", "2021-00-10", "99999-01-01", "+2021-01-01", "-2021-01-01",
    "2021-06-01T25:00:00", "2001-12-14t21:59:43.10-05:00", "2021-6-1", "20210601",
    "0000-00-00", "2100-01-01", "2038-01-19",
]  # fmt: skip
YAML_TRAPS = [
    "off", "on", "yes", "no", "Y", "N", "true", "False", "~", "null", "Null", "", "0042",
    "1:30", "0o42", "!!binary aGVsbG8=", "!!str 1", "!!int 1", "!!float nan", "? x",
    "&a x", "*nope", "- x", "[1, 2", "{a: 1}", "|", ">", "'", '"', "%TAG", "---", "...",
    "@x", "`x", "#x",
]  # fmt: skip
TEXTS = [
    "[bold red]x[/]", "[/]", "[dim]", "[/dim]", "[link=file:///etc/passwd]x[/link]",
    "[blink]P-0042[/blink]", "\x1b[31mred\x1b[0m", "\x1b]8;;http://x\x1b\\", "\x07bell",
    "\u202eevil\u202c", "P-00\u200b42", "\ufeffP-0042", "a\nb", "a\r\nb", "line\rforged",
    "tab\there", "\x00", "\x7f", "\u2028", "P-0042 ", " P-0042", " ", "x" * 10_000,
    "💊", "Ω", "İ", "ß", "ﬃ", "%s%s%n", "{0}", "$(reboot)", "'; DROP TABLE records; --",
    "<script>alert(1)</script>", "../../../../etc/passwd", "/dev/zero", "C:\\CON",
    "cisplatin", "DDP", "epirubicin", "EPI", "doxorubicin", "carboplatin", "DDP+EPI", "DIA",
]  # fmt: skip
DAYS = [
    "1-200000000", "1-2000000", "1-0", "2-1", "0", "-1", "1--2", "1-1e9", "1,2,3",
    "1-21,1-21", "99999999999999999999", "1-" + "9" * 30, "d1", "1..3", "1 - 3",
]  # fmt: skip

RAW_SCALARS = [Raw(t) for t in NUMBERS + QUANTITIES + DATES + YAML_TRAPS + DAYS]


def deep(n: int, kind: str = "[") -> Raw:
    return Raw("[" * n + "]" * n if kind == "[" else "{a: " * n + "1" + "}" * n)


def hostile_values() -> st.SearchStrategy[Any]:
    """A value for any field: a raw scalar, hostile text, a number in JSON's own types, or
    the wrong structure (an empty or huge list, a mapping, deep nesting)."""
    return st.one_of(
        st.sampled_from(RAW_SCALARS),
        st.sampled_from(TEXTS),
        st.floats(allow_nan=True, allow_infinity=True).map(lambda x: Raw(repr(x))),
        st.integers(min_value=-(10**30), max_value=10**30).map(lambda i: Raw(str(i))),
        st.integers(20, 5000).map(lambda n: Raw("1" * n)),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
        st.sampled_from(
            [
                [],
                {},
                [Raw("1")] * 1000,
                {"x": Raw("1")},
                [Raw("nan"), Raw("inf")],
                deep(70),
                deep(2000),
                deep(70, "{"),
                Raw("[" * 2000),
            ]
        ),
    )


# --- emitters ---------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9_ ./+()×µ²%'=-]*")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and yaml_reads_as_text(text):
        return text
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def yaml_reads_as_text(text: str) -> bool:
    """Whether a plain scalar reads back as the same text (not a number, bool, date…)."""
    try:
        return yaml.safe_load(f"x: {text}") == {"x": text}
    except yaml.YAMLError:
        return False


def to_yaml(data: Any, indent: int = 0) -> str:
    """Block-style YAML of ``data`` (mappings and lists nested, scalars on their key's line)."""
    pad = " " * indent
    if isinstance(data, dict):
        if not data:
            return pad + "{}\n"
        out = []
        for k, v in data.items():
            key = (
                _yaml_scalar(k) if not isinstance(k, str) or _PLAIN.fullmatch(k) else json.dumps(k)
            )
            if isinstance(v, dict | list) and v:
                out.append(f"{pad}{key}:\n{to_yaml(v, indent + 2)}")
            else:
                out.append(f"{pad}{key}: {_flow(v)}\n")
        return "".join(out)
    if isinstance(data, list):
        if not data:
            return pad + "[]\n"
        out = []
        for v in data:
            if isinstance(v, dict | list) and v:
                inner = to_yaml(v, indent + 2)
                out.append(f"{pad}- {inner.lstrip()}")
            else:
                out.append(f"{pad}- {_flow(v)}\n")
        return "".join(out)
    return pad + _flow(data) + "\n"


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _yaml_scalar(v)


def to_json(data: Any) -> str:
    """JSON of ``data``; a :class:`Raw` that JSON could hold as a token (NaN, 5,000 digits)
    is written as that token, any other as a string."""
    if isinstance(data, Raw):
        t = data.text
        if t in ("NaN", "Infinity", "-Infinity") or _JSON_NUMBER.fullmatch(t):
            return t
        if t.startswith(("[", "{")) and t.count("[") + t.count("{") > 60:
            return t.replace("a: ", '"a": ')  # deep nesting, as JSON
        return json.dumps(t)
    if isinstance(data, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {to_json(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(to_json(v) for v in data) + "]"
    if isinstance(data, float):
        return json.dumps(data)  # NaN and Infinity as Python writes them
    return json.dumps(data)


# --- seeds: the files osdose ships -------------------------------------------------------


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def seed_files(kind: str) -> list[Path]:
    ex = ROOT / "examples"
    found = {
        "regimen": sorted((ROOT / "regimens").glob("*.yaml")) + sorted(ex.glob("regimens/*.yaml")),
        "course": sorted(ex.glob("*.yaml"))
        + sorted((ROOT / "tests/ledger/data").glob("course_*.yaml")),
        "order": sorted(ex.glob("orders/*.yaml")),
        "drugs": [ROOT / "osdose/data/drugs.yaml"],
        "bundle": sorted(ex.glob("fhir/bundle-*.json")),
        "order-bundle": sorted(ex.glob("fhir/order-*.json")),
        "plandefinition": sorted(ex.glob("fhir/plandefinition-*.json")),
    }[kind]
    assert found, kind
    return found


def seed_texts(kind: str) -> list[str]:
    return [_text(p) for p in seed_files(kind)]


def seed_data(kind: str) -> list[Any]:
    """The seeds as data, every YAML scalar as its text (YAML's BaseLoader)."""
    out = []
    for p in seed_files(kind):
        text = _text(p)
        out.append(json.loads(text) if p.suffix == ".json" else yaml.load(text, yaml.BaseLoader))
    return out


def batch_lines() -> list[str]:
    return (ROOT / "examples/orders/three-orders.jsonl").read_text("utf-8").splitlines()


# --- mutations ----------------------------------------------------------------------------

Where = tuple[str | int, ...]


def value_paths(data: Any, at: Where = ()) -> Iterator[Where]:
    """The path of every value of ``data`` (the document itself first)."""
    yield at
    if isinstance(data, dict):
        for k, v in data.items():
            yield from value_paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from value_paths(v, (*at, i))


def _get(data: Any, at: Where) -> Any:
    for k in at:
        data = data[k]
    return data


def _set(data: Any, at: Where, value: Any) -> Any:
    if not at:
        return value
    _get(data, at[:-1])[at[-1]] = value
    return data


@st.composite
def mutated(draw: st.DrawFn, seeds: list[Any], leaves_only: bool = False) -> Any:
    """A seed document with one to four of its values replaced by hostile ones, a key
    removed, a list item repeated or a value wrapped in a list."""
    doc = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in value_paths(doc) if p]
        if leaves_only:
            paths = [p for p in paths if not isinstance(_get(doc, p), dict | list)] or paths
        if not paths:
            break
        at = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["value"] * 6 + ["delete", "repeat", "wrap", "key"]))
        parent = _get(doc, at[:-1])
        if op == "delete":
            del parent[at[-1]]
        elif op == "repeat" and isinstance(parent, list):
            parent.extend([copy.deepcopy(parent[at[-1]])] * draw(st.sampled_from([1, 50, 500])))
        elif op == "wrap":
            doc = _set(doc, at, [_get(doc, at)])
        elif op == "key" and isinstance(parent, dict):
            parent[draw(st.sampled_from([*TEXTS, "drug", "dose", "days", "id"]))] = draw(
                hostile_values()
            )
        else:
            doc = _set(doc, at, draw(hostile_values()))
    return doc


_TOKENS = [r.text for r in RAW_SCALARS] + TEXTS + ["\n", ": ", "- ", "[", "]", "{", "}", '"', "#"]


@st.composite
def mutated_text(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed file's text with one to three edits: a value after ``key:`` replaced by a
    hostile token, a token inserted anywhere, a line deleted or repeated, a slice cut."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(st.sampled_from(["value"] * 4 + ["insert", "delete", "repeat", "cut"]))
        token = draw(st.sampled_from(_TOKENS))
        if op == "value" and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + token
        elif op == "insert":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + token + lines[i][pos:]
        elif op == "delete":
            del lines[i]
        elif op == "repeat":
            lines[i:i] = [lines[i]] * draw(st.sampled_from([1, 2, 100]))
        else:
            a = draw(st.integers(0, len(text)))
            text = text[:a] + text[a + draw(st.integers(1, 200)) :]
            continue
        text = "\n".join(lines)
    return text
