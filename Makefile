# On a fresh Debian/Ubuntu machine: `make site` builds everything into site/, `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check bench serve clean deps-site deps-test verapdf

# System packages first: a fresh Debian needs python3-venv before the venv can exist.
site: deps-site $(STAMP)
	$(VENV)/bin/infohus check
	$(VENV)/bin/infohus build --out site

check: $(STAMP)
	$(VENV)/bin/infohus check

test: deps-test $(STAMP)
	$(VENV)/bin/pytest

# BENCH_QUICK=1 (as in .ci/run): every row once on small data, so a broken benchmark fails CI.
bench: deps-test $(STAMP)
	$(PY) bench/run.py

# veraPDF (a Java tool, not in Debian) checks the whole PDF/UA-1 profile where it is installed; the tests run the
# machine-checkable subset with pdfua. Builds first if OUT has no PDFs.
VERAPDF ?= verapdf
OUT ?= site
verapdf:
	@command -v $(VERAPDF) >/dev/null || { echo "veraPDF er ikke installeret (https://verapdf.org/software/); sæt VERAPDF=/sti/til/verapdf."; exit 2; }
	@test -f $(OUT)/public/beredskab.pdf || $(MAKE) site
	$(VERAPDF) --flavour ua1 --format text $(OUT)/public/beredskab.pdf $(OUT)/intranet/beredskab-intern.pdf

deps-site:
	bash scripts/system-deps.sh site

deps-test:
	bash scripts/system-deps.sh test

serve: deps-site $(STAMP)
	$(VENV)/bin/infohus serve

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site .cache $(VENV)
