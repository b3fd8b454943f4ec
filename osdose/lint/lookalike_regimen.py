"""lookalike-regimen: two files of the linted set give regimen names that are different
names but read alike — the digit 0 for the letter O, 1 or I for l, ``rn`` for ``m``: a
pharmacist reading ``F0LF0X`` takes it for ``FOLFOX``, and either name selects its own
regimen. (Names of other scripts that look Latin are refused when a file is read, by
:func:`osdose.fields.lookalike`; this rule is for look-alikes within the Latin letters and
digits, which a single name cannot be refused for.)"""

from __future__ import annotations

import re

from osdose.lint.finding import Severity
from osdose.regimen import name_key

ID = "lookalike-regimen"
SEVERITY: Severity = "error"
DESCRIPTION = "Two files in the linted set give regimen names that differ but read alike."

# The ASCII characters Unicode's confusables (UTS #39) draw alike, each group as one mark
# (kept out of names: control characters are refused in them), and the letter pairs drawn
# like one letter. Case matters before the marks are set: a capital I reads as l, a small i
# does not (its dot); then the rest is compared as the loader compares names.
_ALIKE = str.maketrans({"0": "\x01", "O": "\x01", "o": "\x01",
                        "1": "\x02", "l": "\x02", "I": "\x02", "|": "\x02"})  # fmt: skip
_PAIRS = re.compile(r"rn|vv|cl")
_PAIR_MARK = {"rn": "m", "vv": "w", "cl": "d"}


def skeleton(name: str) -> str:
    """What ``name`` looks like: characters drawn alike made one, then compared as the
    loader compares names (:func:`osdose.regimen.name_key`)."""
    return name_key(_PAIRS.sub(lambda m: _PAIR_MARK[m.group()], name).translate(_ALIKE))


def why(name: str, other: str) -> str:
    """The characters ``name`` has where ``other`` has others that look the same, for the
    message: ``'1' where 'DDP+EPI' has 'I'``."""
    mine = "".join(sorted(set(name) - set(other)))
    theirs = "".join(sorted(set(other) - set(name)))
    return f"{mine!r} where {other!r} has {theirs!r}"
