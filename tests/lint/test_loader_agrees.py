"""The loader and the linter are one check: the loader refuses a file exactly when lint
reports an unacknowledged error in it, at the place of one of those errors, and loads
every file lint passes (warnings and acknowledged findings do not block)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.errors import FileError
from osdose.library import load_file
from osdose.lint import lint_paths

BROKEN = Path(__file__).parent / "data" / "broken"


@pytest.mark.parametrize("path", sorted(BROKEN.iterdir()), ids=lambda p: p.name)
def test_loader_refuses_exactly_what_lint_refuses(path: Path) -> None:
    errors = [f for f in lint_paths([path]).findings if f.level == "error"]
    if not errors:
        load_file(path)  # warnings only: the file loads
        return
    with pytest.raises(FileError) as exc:
        load_file(path)
    assert exc.value.line in {f.line for f in errors}
    assert str(exc.value).startswith(f"{path}:{exc.value.line}: ")


def test_unknown_field_is_reported_at_its_key() -> None:
    # the root cause comes first: the misspelt field, not the missing dose it leaves behind
    with pytest.raises(FileError) as exc:
        load_file(BROKEN / "unknown-field.yaml")
    assert (exc.value.line, exc.value.column) == (5, 5)
    assert exc.value.problem.startswith(
        "unknown field 'dose_per_dya'; did you mean 'dose_per_day'? [unknown-field]; and 1 more "
        "lint error"
    )
