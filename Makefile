# Contract Monitor: every task is a target. `make run` and `make test` are all a newcomer needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(or $(CONTRACT_MONITOR_DB),data/warehouse.duckdb)
PORT ?= 8501

.PHONY: run test lint format build sample bench clean help

# make bench SCALES=S runs one scale (make's $(or) would split S,M,L at its commas: S alone)
SCALES ?= S,M,L

help:
	@echo "make run     set up .venv, build the sample database if absent (or made by another version), start the app"
	@echo "make test    lint and run every test"
	@echo "make build   rebuild the database from sample_data/ (atomic)"
	@echo "make sample  regenerate the synthetic CSVs in sample_data/ (seeded)"
	@echo "make format  format the code with ruff"
	@echo "make bench   benchmark at S, M and L scale; writes docs/benchmarks.md (long: L takes a while)"
	@echo "make clean   remove what a build or an install recreates (.venv, the warehouse); never records/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# builds the database when it is absent, or rebuilds it when this version's SQL or tagger did not build it
run: $(VENV)/.installed
	$(BIN)/contract-monitor build --db $(DB) --if-outdated
	CONTRACT_MONITOR_DB=$(DB) $(BIN)/streamlit run streamlit_app.py \
		--server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

build: $(VENV)/.installed
	$(BIN)/contract-monitor build --db $(DB)

sample: $(VENV)/.installed
	$(BIN)/contract-monitor generate-sample --out sample_data

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/contract-monitor bench --scale $(SCALES) --docs docs/benchmarks.md

# only what a build or an install recreates: never records/ (imports, approvals, actions), nor a records
# store or import archive an older version kept in data/ (the next `make run` moves those to records/)
clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
	rm -f $(DB) $(DB).wal $(DB).building-*
