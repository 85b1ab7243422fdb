# The two commands of the README:
#   make demo   installs into .venv and serves the demo CRM at http://127.0.0.1:8000
#   make test   installs everything (chromium included) and runs every check and test
.DEFAULT_GOAL := demo
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: demo test install install-dev lint typecheck

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "clientbase needs Python 3.12 or newer on PATH" >&2; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(VENV)/bin/clientbase demo

test: $(VENV)/.installed-dev
	scripts/test-all

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy .
