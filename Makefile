# Two entry points a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## Run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the console chat.
	$(PY) -m bot run

test: $(STAMP)  ## Lint, check the layers and the types, and run the whole test suite.
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest

check: $(STAMP)
	$(PY) -m bot check

bench: $(STAMP)
	$(PY) -m bot bench

clean:
	rm -rf $(VENV) data .pytest_cache
