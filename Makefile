# On a fresh Debian/Ubuntu machine: `make site` builds everything into site/, `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check bench serve clean

site: $(STAMP)
	bash scripts/system-deps.sh site
	$(VENV)/bin/infohus check
	$(VENV)/bin/infohus build --out site

check: $(STAMP)
	$(VENV)/bin/infohus check

test: $(STAMP)
	bash scripts/system-deps.sh test
	$(VENV)/bin/pytest

bench: $(STAMP)
	bash scripts/system-deps.sh test
	$(PY) bench/run.py

serve: $(STAMP)
	INFOHUS_DATA=data/hjoerring $(VENV)/bin/mkdocs serve

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site .cache $(VENV)
