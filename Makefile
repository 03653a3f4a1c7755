# Both targets build .venv in the repository root and install the package there (editable).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types unit bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storytrace diff examples/demo/harbour-fire-v1.txt examples/demo/harbour-fire-v2.txt --side-by-side
	$(BIN)/storytrace collate --manifest examples/demo/harbour-fire.json
	$(BIN)/python -m storytrace.demo.tour
	$(BIN)/storytrace serve --db sqlite:///.demo/storytrace.db

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
