# Two entry points, as in the README: `make figures` and `make test`.
# Each creates the local .venv on first use, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: figures test lint format bench bench-worst bench-scale eval notebooks clean

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

## Regenerate figures/ and the report from the default corpus (seeds/).
figures: $(STAMP)
	$(BIN)/python -m salient run --corpus seeds --out figures

## Unit tests, property tests, the seed gold evaluation and nbval on the notebooks.
test: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks evaluation
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax notebooks || [ $$? -eq 5 ]  # 5: no notebooks collected

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks evaluation
	$(BIN)/ruff format --check lib tests benchmarks evaluation

format: $(STAMP)
	$(BIN)/ruff format lib tests benchmarks evaluation
	$(BIN)/ruff check --fix lib tests benchmarks evaluation

## Re-execute the notebooks and store only the outputs nbval checks (after seed results move).
notebooks: $(STAMP)
	$(BIN)/python notebooks/refresh_outputs.py

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/gazetteer.py

## Worst-case inputs (issue 8): time per KB at 1 KB to 1 MB for each pathological shape.
bench-worst: $(STAMP)
	$(BIN)/python benchmarks/pathological.py

## Scale benchmark: 10,000 synthetic articles, cold / unchanged / +10 (ARGS="--articles 2000").
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py $(ARGS)

eval: $(STAMP)
	$(BIN)/python -m evaluation.suite

clean:
	rm -rf build out .pytest_cache .ruff_cache .hypothesis
