# Quick start: `make demo` and `make test` need only Python ≥ 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the package itself is installed editable.
$(VENV)/.installed-demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,fhir,postgres]'
	touch $@ $(VENV)/.installed-demo

demo: $(VENV)/.installed-demo
	$(BIN)/osdose dose DIA --height 175cm --weight 70kg

test: $(VENV)/.installed-test
	$(BIN)/ruff check osdose tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(BIN)/osdose lint --strict regimens/
	$(BIN)/osdose snapshot --builtin

bench: $(VENV)/.installed-demo
	for b in startup cumulative lint verify ledger; do $(BIN)/python benchmarks/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
