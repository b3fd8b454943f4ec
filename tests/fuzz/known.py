"""Crashes this branch knows of and leaves to the fixes of issue 10's other sections.

Each entry marks one fuzz test ``xfail(strict=False)`` with the section that fixes what it
finds. Once those fixes are merged, delete the entry (or the whole dict): the test then
holds the reader to zero crashes. ``make fuzz`` prints each crash with its smallest input.
"""

from __future__ import annotations

import pytest

_FHIR = (
    "issue 10 §8, found by this fuzzer (in no list of the issue yet): the FHIR readers let "
    "a resource field of the wrong JSON type, or nesting too deep for json, raise TypeError, "
    "AttributeError, KeyError or RecursionError instead of refusing the resource"
)

# test id → why it still crashes on this base (the section whose fix makes it pass)
KNOWN: dict[str, str] = {
    # test_readers.py and test_cli.py: readers that make fuzz crashes (whether the seeded
    # inputs of make test reach the crash or not)
    "fhir-bundle-hostile": _FHIR,
    "fhir-bundle-mutated": _FHIR,
    "fhir-order-hostile": _FHIR,
    "fhir-order-mutated": _FHIR,
    "fhir-plandefinition-hostile": _FHIR,
    "fhir-plandefinition-mutated": _FHIR,
    "cli-fhir-bundle": _FHIR + "; §5: a resource id with a newline forges an error line",
    "cli-fhir-plandefinition": _FHIR,
    "batch-line": "issue 10 §1/§4/§8: a JSON integer of 309 digits or more in a batch line "
    "raises OverflowError (osdose/fields.py _in_range) and stops the whole batch; §5: an "
    "acknowledgement reason '[/]' crashes the verify table (rich MarkupError)",
    "cli-batch-line": "issue 10 §1/§4/§8: a JSON integer of 309 digits or more in one batch "
    "line ends the whole batch in a traceback",
    "cli-regimen": "issue 10 §5: a control character (ESC) in a YAML file gives a two-line "
    "error (libyaml's message carries '\\n  in \"<unicode string>\", position N')",
    # test_corpus.py: the smallest input of each crash make fuzz found (corpus/)
    "corpus-batch-line/acknowledgement-reason-rich-markup.jsonl": "issue 10 §5: an "
    "acknowledgement reason '[/]' crashes the verify table (rich MarkupError)",
    "corpus-batch-line/cycle-of-400-digits.jsonl": "issue 10 §1/§4/§8: OverflowError in "
    "osdose/fields.py _in_range; through verify --batch the whole batch ends in a traceback",
    "corpus-fhir-bundle/observation-code-a-number.json": _FHIR,
    "corpus-fhir-bundle/observation-coding-a-number.json": _FHIR,
    "corpus-fhir-bundle/observation-coding-code-a-list.json": _FHIR,
    "corpus-fhir-bundle/patient-identifier-a-number.json": _FHIR,
    "corpus-fhir-order/nesting-5000-deep.json": _FHIR + " (json.loads in fhir/order.py is_bundle)",
    "corpus-fhir-plandefinition/contained-resource-type-a-number.json": _FHIR,
    "corpus-fhir-plandefinition/contained-resource-type-inf.json": _FHIR,
    "corpus-fhir-plandefinition/related-artifact-url-a-number.json": _FHIR,
    "corpus-regimen/escape-sequence-in-a-key.yaml": "issue 10 §5: a control character in a "
    "YAML file gives a two-line error (libyaml's message, position on a line of its own)",
    "corpus-regimen/name-rich-markup.yaml": "issue 10 §5: a regimen name '[/]' crashes the "
    "dose table (rich MarkupError)",
    # test_known_cases.py: the issue's own inputs
    "known-regimen-name-rich-markup": "issue 10 §5: a regimen name '[/]' crashes the table "
    "(rich MarkupError): user text is not escaped",
    "known-drug-table-vial-0.0001-mg": "issue 10 §1/§8: a drug table's vial of 0.0001 mg is "
    "read and used, not refused",
    "known-drug-table-step-nan-mg": "issue 10 §1: a drug table's rounding step 'nan mg' is "
    "read, not refused",
}


def marks(test_id: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN.get(test_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []


def case(test_id: str, *values: object) -> object:
    """A parameter set named ``test_id``, marked when :data:`KNOWN` lists it."""
    return pytest.param(*values, id=test_id, marks=marks(test_id))
