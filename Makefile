# camvault: `make run` starts the server with demo cameras; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed

.PHONY: run test bench clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_INSTALLED): $(INSTALLED) scripts/install-test-deps.sh
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	bash scripts/install-test-deps.sh
	touch $@

run: $(INSTALLED)
	$(VENV)/bin/camvault run

# Two workers, whole files each (module-scoped servers stay shared): most tests wait on real-time
# video, so this halves the wall time on 2 cores. `$(PY) -m pytest FILE` runs serially as usual.
test: $(TEST_INSTALLED)
	$(PY) -m pytest -n 2 --dist loadfile

bench: $(TEST_INSTALLED)
	$(PY) bench/record.py

clean:
	rm -rf $(VENV) var .pytest_cache
