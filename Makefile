# Two entry points a newcomer needs: `make run` and `make test` (`make help` lists the others).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP := $(PY) -m pip --disable-pip-version-check
PIP_INSTALL ?= $(PIP) install --quiet --upgrade pip && $(PIP) install --quiet -e '.[test]'

.PHONY: help run test lint check bench clean FORCE

# A venv whose python or pip does not run (a failed first setup, a removed interpreter) is set
# up again, whatever its stamp says.
ifneq ($(shell $(PY) -m pip --version >/dev/null 2>&1 && echo ok),ok)
$(STAMP): FORCE
endif

$(STAMP): pyproject.toml
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  echo "Setting up $(VENV) with $(PYTHON) (the first time takes 20 s to a minute) ..."; \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt install python3-venv" \
	         "(Python 3.11 or later), then run make again." >&2; exit 1; }; \
	fi
	@echo "Installing the dependencies into $(VENV) ..."
	@$(PIP_INSTALL)
	@touch $(STAMP)
	@echo "Ready. Commands below use $(PY); or activate the venv once: . $(VENV)/bin/activate"

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

run: $(STAMP)  ## Run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the console chat.
	@$(PY) -m bot run

test: $(STAMP)  ## Lint, check the layers and the types, and run the whole test suite.
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest

check: $(STAMP)  ## Validate seeds/.
	@$(PY) -m bot check

bench: $(STAMP)  ## Benchmark search, start-up, digests and delivery.
	@$(PY) -m bot bench

clean:  ## Remove the venv and the local database (data/): the next make starts afresh.
	rm -rf $(VENV) data .pytest_cache
