"""The plan a council adopts prints no placeholder and no slip: undecided content sits in a visible example box
in a draft, a text calling itself an example is refused under --strict, and names, full stops and the council's
name come out as Danish wants them."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import MUNICIPALITIES, error_lines, warning_lines
from macros.beredskab.page import document
from macros.beredskab.view import INTERNAL, PUBLIC, plan_view
from macros.common.text import full_stop, genitive
from macros.model.dataset import load_dataset
from macros.model.plan import SECTIONS, ToWrite

PLACEHOLDERS = ("(eksempel", "fastlægges lokalt", "besluttes lokalt", "Opdigtede eksempeldata")


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name, expected", [("Hjørring Kommune", "Hjørring Kommunes"),
                                            ("Infohus Halsnæs", "Infohus Halsnæs'"), ("Infohus Fax", "Infohus Fax'"),
                                            ("Byrådet", "Byrådets")])
def test_a_possessive_follows_the_name(name, expected):
    assert genitive(name) == expected


@pytest.mark.parametrize("text, expected", [("Efter behov", "Efter behov."), ("Efter behov.", "Efter behov."),
                                            ("(på et ledermøde).", "(på et ledermøde)."), ("Hvem?", "Hvem?")])
def test_a_sentence_ends_with_one_full_stop(text, expected):
    assert full_stop(text) == expected


@pytest.mark.parametrize("name", list(MUNICIPALITIES))
def test_no_placeholder_double_full_stop_or_wrong_possessive_in_any_edition(name, built_sites):
    out = built_sites[name]
    ds, _ = load_dataset(MUNICIPALITIES[name])
    texts = {"beredskab.pdf": pdf_text(out / "public" / "beredskab.pdf"),
             "beredskab-intern.pdf": pdf_text(out / "intranet" / "beredskab-intern.pdf"),
             "web": BeautifulSoup((out / "public" / "beredskab" / "index.html").read_text(encoding="utf-8"),
                                  "html.parser").get_text()}
    team = ds.municipality.team
    for where, text in texts.items():
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text, f"{where} prints the placeholder {placeholder!r}"
        assert not re.search(r"(?<!\.)\.\.(?!\.)", text), f"{where} has a double full stop"
        flat = " ".join(text.split())
        assert f"{genitive(team)} medlemmer" in flat and f"{team}s medlemmer" not in flat.replace(genitive(team), "")


def test_a_draft_shows_undecided_meetings_and_example_rules_only_inside_the_example_box(built_sites):
    html = (built_sites["halsnaes"] / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    boxes = re.findall(r'<div class="ih-doc__note ih-doc__note--example ih-doc__example">(.*?)</div>', html, re.S)
    assert any("Teamets møder:" in box and "Efter behov og ved konkrete sager." in box for box in boxes), boxes
    assert any("Reglerne skal besluttes af kommunen" in box for box in boxes), boxes
    outside = re.sub(r'<div class="ih-doc__note ih-doc__note--example ih-doc__example">.*?</div>', "", html, flags=re.S)
    assert "Teamets møder:" not in outside
    assert ">Vedtages af<" in html and ">Vedtaget af<" not in html


def adopted_copy(tmp_path):
    """Hjørring with the example marks gone, as a coordinator leaves it before the council adopts it."""
    folder = tmp_path / "kommune"
    shutil.copytree(MUNICIPALITIES["hjoerring"], folder)
    for file in folder.glob("*.yml"):
        text = file.read_text(encoding="utf-8").replace("    example: true\n", "")
        text = text.replace("doc: eksempeldata", "doc: hjoerring-handlingsplan-2018")
        file.write_text(text.replace('"Eksempel: ', '"').replace(" (eksempel)", ""), encoding="utf-8")
    return folder


def test_an_adopted_plan_says_who_adopted_it_and_lists_no_example_source(tmp_path):
    ds, _ = load_dataset(adopted_copy(tmp_path))
    view = plan_view(ds, PUBLIC)
    assert view.adopted
    html = document(view, for_pdf=True)
    council = ds.municipality.governance.adopted_by
    assert ">Vedtaget af<" in html and ">Vedtages af<" not in html
    assert f"til {council}, der har vedtaget det." in " ".join(html.split())
    assert "ih-doc__example" not in html
    assert not [s for s in view.sources if "eksempel" in s.title.lower()]


def test_the_public_edition_shows_every_sign_and_term_of_the_internal_one():
    for folder in MUNICIPALITIES.values():
        ds, _ = load_dataset(folder)
        public, internal = plan_view(ds, PUBLIC), plan_view(ds, INTERNAL)
        assert public.signs == internal.signs and public.terms == internal.terms
        assert sum(len(texts) for group in public.signs for _, texts in group.kinds) > \
            sum(1 for s in ds.warning_signs.values() if s.visibility == "public" and ds.municipality.covers(s.topic))


def test_a_text_that_calls_itself_an_example_is_a_warning_and_under_strict_an_error(tmp_path, check):
    folder = tmp_path / "kommune"
    shutil.copytree(MUNICIPALITIES["halsnaes"], folder)
    path = folder / "municipality.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    team: Efter behov og ved konkrete sager\n",
                        "    team: Efter behov og ved konkrete sager (eksempel – fastlægges lokalt)\n")
    path.write_text(text.replace("    example: true  # strategien", "    # strategien"), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "(eksempel" in row)
    expected = (f"{path}:{line}: municipality.meetings.team: teksten kalder sig selv en pladsholder (»eksempel«), og "
                "den ville stå i beredskabet som kommunens tekst. Skriv, hvad kommunen har besluttet. Er det ikke "
                "besluttet endnu, så slet ordene og sæt example: true under meetings; så viser udkastet teksten i en "
                "eksempelboks.")
    code, out = check(folder)
    assert expected in warning_lines(out), out
    code, out = check(folder, "--strict")
    assert code == 1 and expected in error_lines(out), out


def test_undecided_meetings_are_reported_until_decided(tmp_path, check):
    code, out = check(MUNICIPALITIES["halsnaes"])
    assert any(line.endswith("municipality.meetings.example: møderne er et eksempel, ikke besluttet endnu. Skriv, "
                             "hvor ofte teamet og ledelsen mødes, og slet \"example: true\" under meetings før "
                             "udgivelse.") for line in warning_lines(out)), out


def test_straight_quotes_in_a_text_are_a_warning_naming_the_danish_quotes(data_copy, check):
    path = data_copy / "escalation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Vælg »Nej«, hvis", 'Vælg "Nej", hvis', 1),
                    encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if '"Nej"' in row)
    code, out = check(data_copy)
    assert code == 0
    assert any(row.startswith(f"{path}:{line}: ") and row.endswith(
        'teksten bruger lige anførselstegn ("Nej"), men beredskabet bruger »…«. Skriv »Nej«.')
        for row in warning_lines(out)), out


@pytest.mark.parametrize("name", list(MUNICIPALITIES))
def test_the_sections_a_council_expects_are_in_the_plan_and_one_still_to_write_is_a_visible_box(name, built_sites):
    text = " ".join(pdf_text(built_sites[name] / "public" / "beredskab.pdf").split())
    ds, _ = load_dataset(MUNICIPALITIES[name])
    for key, heading in SECTIONS.items():
        assert heading in text, f"{heading} is missing from {name}'s plan"
        value = ds.plan.sections[key]
        if isinstance(value, ToWrite):
            assert f"Skal skrives: {full_stop(' '.join(value.reason.split()))}" in text
        elif isinstance(value, str):
            assert " ".join(value.split()) in text
    if name == "hjoerring":
        assert "Styregruppen på chefniveau Bærer beslutninger om Infohus Hjørring ind i forvaltningerne" in text
        assert "Skal skrives:" not in text


def test_a_section_still_to_write_is_refused_under_strict(tmp_path, check):
    folder = tmp_path / "kommune"
    shutil.copytree(MUNICIPALITIES["halsnaes"], folder)
    code, out = check(folder, "--strict")
    assert code == 1
    assert any(line.endswith("plan.sections.follow_up.to_write: afsnittet »Opfølgning og afrapportering« er ikke "
                             "skrevet endnu: Strategien siger ikke, hvem der følger op på beredskabet, eller hvordan "
                             "byrådet orienteres. Skriv afsnittet i stedet for to_write-linjen.")
               for line in error_lines(out)), out


@pytest.mark.parametrize("name", list(MUNICIPALITIES))
def test_each_decision_path_is_a_tagged_figure_in_the_pdf_and_a_linked_diagram_on_the_web(name, built_sites):
    import pikepdf

    out = built_sites[name]
    ds, _ = load_dataset(MUNICIPALITIES[name])
    paths = plan_view(ds, PUBLIC).paths
    with pikepdf.open(out / "public" / "beredskab.pdf") as pdf:
        def walk(node):
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    yield kid
                    yield from walk(kid)
        alts = [str(e.get("/Alt")) for e in walk(pdf.Root.StructTreeRoot) if e.get("/S") == "/Figure"]
    for path in paths:
        assert any(alt.startswith(f"Diagram over vejen »{path.title}«: {len(path.steps)} spørgsmål og "
                                  f"{len(path.results)} udfald.") for alt in alts), (path.title, alts)
    soup = BeautifulSoup((out / "public" / "beredskab" / "index.html").read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("figure.ih-doc__flow")
    assert len(figures) == len(paths)
    for figure, path in zip(figures, paths):
        links = [a["href"] for a in figure.select("svg a")]
        assert len(links) == len(path.diagram.boxes)
        assert all(soup.find(id=href[1:]) for href in links), links


def test_a_source_list_never_names_the_publisher_twice(data_copy):
    sources = data_copy / "sources.yml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("title: Infohus Hjørring, Handlingsplan, august 2018",
                                    "title: Hjørring Kommune", 1), encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    for edition in (PUBLIC, INTERNAL):
        flat = " ".join(BeautifulSoup(document(plan_view(ds, edition), for_pdf=True), "html.parser").get_text().split())
        assert "Hjørring Kommune, august 2018" in flat
        assert "Hjørring Kommune, Hjørring Kommune" not in flat
        # A publisher the title does not name is still printed (positive control).
        assert "lovbekendtgørelse nr. 282 af 17. marts 2025, Social- og Boligministeriet" in flat
