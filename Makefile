# Both targets build .venv in the repository root and install the package there (editable).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types unit core bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

# The alignment core is compiled with mypyc at install (setup.py); rebuilt here when its source has changed since.
core: $(STAMP)
	@$(BIN)/python -c "import storytrace, sys; sys.exit(storytrace.CORE == 'stale')" || \
		$(BIN)/pip install --quiet --no-deps -c constraints.txt -e .

demo: core
	$(BIN)/storytrace diff examples/demo/harbour-fire-v1.txt examples/demo/harbour-fire-v2.txt --side-by-side
	$(BIN)/storytrace collate --manifest examples/demo/harbour-fire.json
	$(BIN)/python -m storytrace.demo.tour
	$(BIN)/storytrace serve --db sqlite:///.demo/storytrace.db

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check setup.py src tests $(wildcard bench)

types: $(STAMP)
	$(BIN)/mypy

unit: core
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
	find src -name "*.so" -delete; rm -f src/storytrace/_compiled_sources.sha256
