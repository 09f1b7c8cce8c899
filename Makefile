# Two commands matter: `make run` and `make test`. Everything else is for working on the project.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := contracts infra services/catalog services/order-draft

.PHONY: run test lint format typecheck infra-up infra-down bench install clean

$(STAMP): $(foreach p,$(PACKAGES),$(p)/pyproject.toml) Makefile
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(foreach p,$(PACKAGES),-e "$(p)[test]") \
		"ruff>=0.6" "mypy>=1.10" "eventsourcing[postgres]>=9.5,<9.6"
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy services/order-draft/src/order_draft/domain services/catalog/src/catalog/pricing

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

run: $(STAMP)
	$(BIN)/python -m infra run

infra-up: $(STAMP)
	@$(BIN)/python -m infra up

infra-down: $(STAMP)
	@$(BIN)/python -m infra down

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b --json bench/results/$$(basename $$b .py).json || exit 1; done

clean:
	rm -rf $(VENV) .run
