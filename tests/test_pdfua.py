"""Both beredskab PDFs of every municipality pass the machine-checkable subset of PDF/UA-1 (the `pdfua`
checker from PyPI); the one rule that checker cannot evaluate on WeasyPrint's files (UA-14-001, headings not
empty: it trips over a /K array) is checked here directly with pikepdf."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import MUNICIPALITIES

PDFUA = Path(sys.executable).parent / "pdfua"
# Rules the checker may skip on these files, each checked by a test of its own below.
SKIPPED_AND_CHECKED_HERE = {"UA-14-001"}
HEADINGS = {f"/H{n}" for n in range(1, 7)}


def editions(out: Path) -> list[Path]:
    return [out / "public" / "beredskab.pdf", out / "intranet" / "beredskab-intern.pdf"]


def pdfua(pdf: Path) -> dict:
    done = subprocess.run([str(PDFUA), "check", "--format", "json", str(pdf)], capture_output=True, text=True)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(MUNICIPALITIES))
def test_the_pdfua_checker_finds_nothing_in_either_edition(name, built_sites):
    for pdf in editions(built_sites[name]):
        report = pdfua(pdf)
        assert report["findings"] == [], f"{pdf}: {report['findings']}"
        assert report["exit_code"] == 0 and report["summary"]["rules_run"] >= 11
        assert {s["rule_id"] for s in report["skipped"]} <= SKIPPED_AND_CHECKED_HERE, report["skipped"]


def test_table_header_cells_carry_their_scope(built_sites):
    """WeasyPrint 70 writes no /Scope; infohus adds it from the HTML: the facts table's row headers, the
    version table's column headers."""
    scopes = []
    with pikepdf.open(editions(built_sites["hjoerring"])[0]) as pdf:
        for element in _elements(pdf.Root.StructTreeRoot):
            if element.get("/S") == "/TH":
                scopes.append(str(element.A.get("/Scope")))
    assert scopes.count("/Row") >= 4 and scopes.count("/Column") == 3, scopes


def _elements(node):
    """Every structure element under `node`, depth first."""
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def _marks_content(element) -> bool:
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            return True
        if isinstance(kid, pikepdf.Dictionary) and (kid.get("/Type") == "/MCR" or _marks_content(kid)):
            return True
    return False


@pytest.mark.parametrize("name", list(MUNICIPALITIES))
def test_no_heading_is_empty(name, built_sites):
    """UA-14-001 (PDF/UA-1 7.4.2-1): every heading element marks content."""
    for pdf_path in editions(built_sites[name]):
        with pikepdf.open(pdf_path) as pdf:
            headings = [e for e in _elements(pdf.Root.StructTreeRoot) if e.get("/S") in HEADINGS]
            assert len(headings) > 20
            empty = [str(e.get("/S")) for e in headings if not _marks_content(e)]
            assert not empty, f"{pdf_path}: empty headings {empty}"
