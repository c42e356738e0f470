# rdvrefere — one entry point for people and CI.
#   make setup   system packages (Debian, as root), .venv, built wheel installed into it
#   make test    lint the interviews + every test (engine, docassemble harness, real server + Chromium)
#   make bench   benchmarks (ratios against docassemble's own path), never run by the tests
#   make serve   local docassemble server in the foreground (Ctrl-C stops it); make up / make down
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV := $(shell if PYENV_VERSION=3.12.1 python3.12 --version >/dev/null 2>&1; then echo "PYENV_VERSION=3.12.1 python3.12"; else echo python3.12; fi)
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' docassemble/rdvrefere/__init__.py)
WHEEL := dist/docassemble_rdvrefere-$(VERSION)-py3-none-any.whl
SOURCES := $(shell find docassemble interviews templates static sources -type f -not -name '*.pyc' -not -path '*/__pycache__/*') setup.py pyproject.toml README.md

AXE := tests/node_modules/axe-core/axe.min.js

.PHONY: setup system venv wheel axe test test-fast lint bench serve up down clean

setup: system venv wheel axe

system:
	bash scripts/install-system.sh

venv: $(VENV)/.deps-installed

$(VENV)/.deps-installed: requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

wheel: $(VENV)/.deps-installed $(WHEEL)
	$(BIN)/pip install -q --force-reinstall --no-deps $(WHEEL)

$(WHEEL): $(SOURCES)
	rm -rf build dist
	$(BIN)/python -m build --wheel --no-isolation --outdir dist . >/dev/null

# axe-core (npm), injected by the browser tests into every screen (tests/accessibilite.py)
axe: $(AXE)

$(AXE): tests/package.json
	npm install --prefix tests --no-save --no-package-lock --no-audit --no-fund >/dev/null
	test -s $@ && touch $@

lint: setup
	# W604/W605: false « file not found » with this layout; W510: yes/no screens are two real buttons;
	# E122: `accept:` is a Python expression in docassemble (the core's ACCEPT_TELEVERSEMENT), not only a literal
	$(BIN)/docassemble-lsp check --ignore-codes W604,W605,W510,E122 interviews/

test: setup lint
	$(BIN)/pytest

test-fast: setup
	$(BIN)/pytest -m "not server"

bench: setup
	$(BIN)/python benchmarks/bench_bundle.py
	$(BIN)/python benchmarks/bench_interview.py
	$(BIN)/python benchmarks/bench_charge.py

clean:
	rm -rf build dist *.egg-info .pytest_cache

include mk/server.mk
