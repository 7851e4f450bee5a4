# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# `make demo PORT=8080` when 8000 is taken; demo checks the port before it loads anything.
PORT ?= 8000

.PHONY: demo test install install-test browser bench clean docs

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)

install-test: $(TEST_STAMP) browser

# Debian's chromium for the dashboard tests; `playwright install` would download and fail offline.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian's chromium for browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "WARNING: could not install chromium; browser tests will be skipped"; \
	fi

demo: $(STAMP)
	$(VENV)/bin/factwatch --db demo.db demo --port $(PORT)

test: install-test
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run_all.py

docs: $(STAMP)
	$(PY) scripts/gen_cli_docs.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache
