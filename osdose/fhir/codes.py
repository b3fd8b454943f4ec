"""Code systems, profiles, extension URLs and RxNorm ingredient codes used in FHIR.

The RxNorm codes live here until the drug table carries a sourced ``rxnorm`` per drug (issue
14 §1); then :func:`rxnorm` reads the table and this dict goes. Every code below was checked
against the source named in its comment (a file at a commit, read with the search tools). A
drug without a checked code has none here: it is exported by name with a warning, never
with a guessed code.
"""

from __future__ import annotations

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
USAGE_CONTEXT = "http://terminology.hl7.org/CodeSystem/usage-context-type"
PLAN_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"

# mCODE STU4 (4.0.0): HL7/fhir-mCODE-ig input/fsh/SD_Medications.fsh, SD_Extensions.fsh,
# VS_Other.fsh (NormalizationBasisVS) at 543477b5.
MCODE_ADMINISTRATION = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/"
    "mcode-cancer-related-medication-administration"
)
MCODE_NORMALIZATION = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-normalization-basis"
NORMALIZATION = {  # dose basis → SNOMED CT code of NormalizationBasisVS, and its display
    "m2": ("301898006", "Body surface area (observable entity)"),
    "kg": ("363804004", "Body weight characteristic (observable entity)"),
    "flat": ("1157245009", "Fixed dose (qualifier value)"),
}

# FHIR R4 core extension; the core chemotherapy PlanDefinition example (KDN5) puts it on
# the action with one "day" sub-extension per day.
DAYS_OF_CYCLE = "http://hl7.org/fhir/StructureDefinition/timing-daysOfCycle"
# HL7 New Zealand Cancer Control Agency IG (HL7NZ/cca at afdc04f): day-by-day timing of a
# regimen's medication (read on import) and supportive-care factors (written and read).
NZ_TIMING_OF_DAYS = "http://hl7.org.nz/fhir/StructureDefinition/sact-timing-of-days"
NZ_SUPPORT_FACTOR = "http://hl7.org.nz/fhir/StructureDefinition/sact-support-factor"

LOINC_HEIGHT = "8302-2"
LOINC_WEIGHT = "29463-7"
LOINC_BSA = "8277-6"
LOINC_CREATININE = "2160-0"

# osdose's own extensions and identifier systems (canonical URLs; they need not resolve).
BASE = "https://github.com/osdose/osdose/fhir"
PATIENT_ID = f"{BASE}/patient-id"


def extension(name: str) -> str:
    """The canonical URL of osdose's extension ``name``."""
    return f"{BASE}/StructureDefinition/{name}"


BSA = extension("body-surface-area")  # the BSA of the day, on MedicationAdministration.dosage
DOSE_PER_BSA = extension("dose-per-body-surface-area")  # dose ÷ that BSA, exact

_RXNORM: dict[str, str] = {
    # CPIC drug table: cpicpgx/cpic-schema drug.sql at 05f9b09 ("RxNorm:<code>\t<name>")
    "capecitabine": "194000",
    "carboplatin": "40048",
    "cisplatin": "2555",  # also the RxNorm extract below (TTY IN)
    "cyclophosphamide": "3002",  # also mCODE STU4 EX_ExtendedExample.fsh
    "epirubicin": "3995",
    "etoposide": "4179",
    "fluorouracil": "4492",
    "gemcitabine": "12574",
    "irinotecan": "51499",
    "leucovorin": "6313",
    "mercaptopurine": "103",
    "methotrexate": "6851",
    "ondansetron": "26225",
    "oxaliplatin": "32592",
    "rituximab": "121191",
    "thioguanine": "10485",
    # mCODE STU4 examples: HL7/fhir-mCODE-ig EX_ExtendedExample.fsh (doxorubicin, paclitaxel)
    # and EX_ExtendedExample_Pediatric.fsh (idarubicin, vincristine) at 543477b5
    "doxorubicin": "3639",
    "idarubicin": "5650",
    "paclitaxel": "56946",
    "vincristine": "11202",
    # NMDP/CIBMTR reporting IG: nmdp-ig/cibmtr-reporting-ig
    # build/input/fsh/terminology/medications/ at d15ab17 (prep-regimen and cytarabine VS)
    "cytarabine": "3041",
    "ifosfamide": "5657",
    # RxNorm RXNCONSO extract, TTY IN: cancervariants/therapy-normalization
    # tests/data/rxnorm/rxnorm_2023-11-06.RRF at 1eabeec
    "mesna": "44",
}
_BY_CODE = {code: name for name, code in _RXNORM.items()}


def rxnorm(drug: str) -> str | None:
    """The RxNorm ingredient code (RxCUI) of ``drug`` (its canonical name), if checked."""
    return _RXNORM.get(drug)


def drug_of_rxnorm(code: str) -> str | None:
    """The canonical drug name of RxNorm ingredient ``code``, if osdose knows it."""
    return _BY_CODE.get(code.strip())
