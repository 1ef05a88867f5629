# On a fresh Debian/Ubuntu machine: `make site` builds everything into site/, `make test` runs the suite.
# DATA=data/halsnaes checks and builds that municipality (into site-halsnaes/ unless OUT= says otherwise);
# without DATA, infohus uses the folder you stand in if it holds municipality.yml, else data/hjoerring.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Installed: infohus with the test extras (`make test`, `make bench`); infohus alone (`site`, `check`, `serve`).
STAMP := $(VENV)/.installed
SITE_STAMP := $(VENV)/.installed-site
DATA ?=
OUT ?= $(if $(DATA),site-$(notdir $(patsubst %/,%,$(DATA))),site)
DATA_OPTION := $(if $(DATA),--data "$(DATA)")
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check bench serve edit clean deps-site deps-test verapdf compat

# System packages first: a fresh Debian needs python3-venv before the venv can exist.
# The build runs the check itself and prints it once.
site: deps-site $(SITE_STAMP)
	$(VENV)/bin/infohus build $(DATA_OPTION) --out "$(OUT)"

check: $(SITE_STAMP)
	$(VENV)/bin/infohus check $(DATA_OPTION)

test: deps-test $(STAMP)
	$(VENV)/bin/pytest -n auto

# BENCH_QUICK=1 (as in .ci/run): every row once on small data, so a broken benchmark fails CI.
bench: deps-test $(STAMP)
	$(PY) bench/run.py

# veraPDF (a Java tool, not in Debian) checks the whole PDF/UA-1 profile where it is installed; the tests run the
# machine-checkable subset with pdfua. Builds first if OUT has no PDFs.
VERAPDF ?= verapdf
verapdf:
	@command -v $(VERAPDF) >/dev/null || { echo "veraPDF er ikke installeret (https://verapdf.org/software/); sæt VERAPDF=/sti/til/verapdf."; exit 2; }
	@test -f $(OUT)/public/beredskab.pdf || $(MAKE) site DATA=$(DATA) OUT=$(OUT)
	$(VERAPDF) --flavour ua1 --format text $(OUT)/public/beredskab.pdf $(OUT)/intranet/beredskab-intern.pdf

# The handbook built with MkDocs' successors, ProperDocs and Zensical, each in its own venv (DEVELOPING.md,
# "After MkDocs 1.x"). Informational: .ci/run reports it and goes on.
compat:
	bash scripts/compat.sh

deps-site:
	bash scripts/system-deps.sh site

deps-test:
	bash scripts/system-deps.sh test

serve: deps-site $(SITE_STAMP)
	$(VENV)/bin/infohus serve $(DATA_OPTION)

edit: deps-site $(SITE_STAMP)
	$(VENV)/bin/infohus edit $(DATA_OPTION)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# A venv with the test extras already has everything the site needs.
$(SITE_STAMP): pyproject.toml
	if [ $(STAMP) -nt pyproject.toml ]; then touch $(SITE_STAMP); else \
	  test -x $(PY) || python3 -m venv $(VENV); \
	  $(PY) -m pip install --quiet --upgrade pip; \
	  $(PY) -m pip install --quiet -e .; \
	  touch $(SITE_STAMP); fi

clean:
	rm -rf site .cache $(VENV)
