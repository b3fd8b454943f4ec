"""SARIF 2.1.0 for code-scanning tools. An acknowledged finding keeps its level and carries an
in-source suppression with the file's reason, which SARIF consumers show as dismissed."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from osdose import __version__
from osdose.lint import Finding, LintResult
from osdose.lint.rules import RULES

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/osdose/osdose"


def _location(path: str) -> dict[str, Any]:
    p = PurePosixPath(path.replace("\\", "/"))
    if p.is_absolute():
        return {"uri": "file://" + quote(str(p))}
    # relative to the checkout, which code scanning knows as %SRCROOT%
    return {"uri": quote(str(p)), "uriBaseId": "%SRCROOT%"}


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": f.severity,
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(f.path),
                    "region": {"startLine": f.line, "startColumn": f.column},
                }
            }
        ],
    }
    if f.acknowledged is not None:
        out["suppressions"] = [{"kind": "inSource", "justification": f.acknowledged}]
    return out


def document(result: LintResult) -> dict[str, Any]:
    rules = list(RULES.values())
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "osdose",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [
                            {
                                "id": r.id,
                                "shortDescription": {"text": r.description},
                                "defaultConfiguration": {"level": r.severity},
                            }
                            for r in rules
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in result.findings],
            }
        ],
    }


def render(result: LintResult) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
