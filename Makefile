# En Commun — the two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test install lint format translations messages demo worker benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(MANAGE) compiletranslations

run: install translations
	mkdir -p var/static var/media
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install translations lint
	mkdir -p var/static var/media
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the message catalogues after changing user-facing strings (needs GNU gettext).
messages: install
	$(MANAGE) makemessages -l fr -l en --no-obsolete --ignore=.venv --ignore=var --ignore=benchmarks --ignore=tests

demo: install
	$(MANAGE) load_demo

worker: install
	$(BIN)/celery -A config worker -Q celery,notifications,results -l info

benchmarks: install
	$(BIN)/python benchmarks/rules.py

clean:
	rm -rf $(VENV) var
