"""The forbidden-character search of osdose.fields against Unicode's own categories: every
code point, so that the ranges written in the pattern can never drift from the rule they
stand for (control, surrogate, line and paragraph separator characters, the invisible ones; line breaks and tabs only
where text may hold them)."""

from __future__ import annotations

import sys
import unicodedata

from osdose.fields import _INVISIBLE, _controls


def _rule(ch: str, allow_newlines: bool) -> bool:
    if ch in "\n\t" and allow_newlines:
        return False
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or bool(_INVISIBLE.match(ch))


def test_every_code_point_is_judged_as_its_category_says() -> None:
    wrong = [
        (hex(c), lines)
        for c in range(sys.maxunicode + 1)
        for lines in (False, True)
        if (_controls(chr(c), lines) is not None) != _rule(chr(c), lines)
    ]
    assert wrong == []


def test_the_first_forbidden_character_is_named() -> None:
    assert _controls("ab\u200bc\x00", allow_newlines=False) == "U+200B"
    assert _controls("line\nnext\ttab", allow_newlines=True) is None
    assert _controls("line\nnext", allow_newlines=False) == "U+000A"
    assert _controls("a\rb", allow_newlines=True) == "U+000D"
