"""Text shown on one line as written: control, line-break, bidirectional and invisible
characters written as escapes, so that nothing read from a file, a ledger or the command line
can move the cursor, ring the bell, reorder a line or forge a new one in osdose's output.

No dependencies: the CLI's one-line error messages use it without importing rich.
"""

from __future__ import annotations

import unicodedata

# Shown escaped: C0/C1 controls, line and paragraph separators, bidirectional controls and
# invisible characters (the same set the field readers refuse).
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x2070)]
    + ["\ufeff", "\u00ad"]
)


def _escaped(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _INVISIBLE


def visible(text: str) -> str:
    """``text`` with every control, line-break, bidirectional and invisible character
    written as an escape (``\\n``, ``\\x1b``, ``\\u202e``): one line, in the order written."""
    if text.isprintable():  # no hidden character is printable (tests/hardening/…_text.py)
        return text
    if not any(_hidden(ch) for ch in text):
        return text
    return "".join(_escaped(ch) if _hidden(ch) else ch for ch in text)
