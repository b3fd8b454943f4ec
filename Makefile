# Quick start: `make demo` and `make test` need only Python ≥ 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test docs bench fuzz fuzz-atheris prebuilt clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the package itself is installed editable.
$(VENV)/.installed-demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,fhir,postgres,plot]'
	touch $@ $(VENV)/.installed-demo

$(VENV)/.installed-docs: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/osdose dose DIA --height 175cm --weight 70kg

# The documentation site, built into site/; any warning (a broken link or anchor, a page
# left out of the navigation) fails it.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

test: $(VENV)/.installed-test docs
	$(BIN)/ruff check osdose tests benchmarks scripts
	$(BIN)/ruff format --check osdose tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "slow or not slow"
	$(BIN)/osdose lint --strict regimens/
	$(BIN)/osdose snapshot --builtin

# The fuzz suite (tests/fuzz) on random hostile input for FUZZ_SECONDS in all, shared by its
# tests; every crash is kept, and a table of inputs and crashes per reader closes the run.
# (make test runs the same suite seeded and short.)
FUZZ_SECONDS ?= 300
fuzz: $(VENV)/.installed-test
	OSDOSE_FUZZ_PROFILE=fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest tests/fuzz -n 0 -q -p no:randomly -p no:cacheprovider -rA --tb=line

# Coverage-guided fuzzing of one reader with atheris, optional (it is not among the test
# extras): $(BIN)/python -m pip install atheris; make fuzz-atheris READER=quantity
READER ?= quantity
fuzz-atheris: $(VENV)/.installed-test
	$(BIN)/python -m tests.fuzz.atheris_readers $(READER) -max_total_time=$(FUZZ_SECONDS)

# Every benchmark, each against its floor in the same run, then the ratio table
# (benchmarks/README.md); BENCH_ARGS='--scale 0.1' on a busy machine.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/all.py $(BENCH_ARGS)

# The shipped drug table and thresholds as built by this code (osdose/prebuilt.py), and the
# dataclasses' methods compiled (osdose/dataclass_code.py): run it after changing
# osdose/data/drugs.yaml, thresholds.yaml, the code that reads them or any dataclass
# (tests/test_prebuilt.py and tests/test_dataclass_code.py say when; until then osdose
# reads the files and compiles the methods, slower but right).
prebuilt: $(VENV)/.installed-demo
	$(BIN)/python -m osdose.prebuilt
	$(BIN)/python -m osdose.dataclass_code

clean:
	rm -rf $(VENV) build site *.egg-info
