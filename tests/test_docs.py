"""The documentation covers the program: a page per command in the site's navigation, a
row per lint rule and per verify check, and a pre-commit snippet whose `rev:` is a release
in the changelog."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import typer
import yaml

import osdose
from osdose.cli import app
from osdose.lint.rules import RULES
from osdose.verify.run import CHECK_FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def nav() -> dict[str, Any]:
    """The site's navigation: section title → {entry title: page}."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    out: dict[str, Any] = {}
    for item in config["nav"]:
        ((title, value),) = item.items()
        out[title] = (
            {k: v for entry in value for k, v in entry.items()}
            if isinstance(value, list)
            else value
        )
    return out


def test_every_command_has_a_page_in_the_navigation() -> None:
    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    pages = nav()["Commands"]
    assert sorted(pages) == sorted(commands)
    for name, page in pages.items():
        text = (DOCS / page).read_text("utf-8")
        assert f"osdose {name}" in text.splitlines()[0], page  # its title names it


def test_every_page_is_in_the_navigation() -> None:
    listed = {
        page
        for section in nav().values()
        for page in (section.values() if isinstance(section, dict) else [section])
    }
    assert listed == {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}


def test_every_lint_rule_has_a_row() -> None:
    doc = (DOCS / "commands" / "lint.md").read_text("utf-8")
    for rule in RULES:
        assert f"| `{rule}` |" in doc, rule


def test_every_verify_check_has_a_row() -> None:
    doc = (DOCS / "commands" / "verify.md").read_text("utf-8")
    for check in CHECK_FUNCTIONS:
        assert f"| `{check}` |" in doc or f"`{check}` / " in doc or f"/ `{check}` |" in doc, check


def test_the_pre_commit_rev_is_this_release_in_the_changelog() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert osdose.__version__ == version
    assert f"## [{version}] - " in (ROOT / "CHANGELOG.md").read_text("utf-8")
    for path in (DOCS / "ci.md", ROOT / ".pre-commit-hooks.yaml"):
        assert f"rev: v{version}" in path.read_text("utf-8"), path
