"""The ledger as a history source for ``cumulative``, ``plan`` and ``verify``.

The signature is fixed so that those commands can take ``--ledger PATH --patient ID``;
issue 6 implements it.
"""

from __future__ import annotations

from pathlib import Path

from osdose.course import Course
from osdose.drugs import DrugTable
from osdose.errors import OsdoseError


def course_from_ledger(path: str | Path | None, patient: str, drugs: DrugTable) -> Course:
    """The administrations in effect for ``patient`` in the ledger at ``path`` (``None``: the
    default ledger location), as a :class:`Course`."""
    raise OsdoseError("the ledger is not available in this build yet")
