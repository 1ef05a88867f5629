"""The cache of rendered artefacts (macros/common/cache.py): a warm build renders nothing and gives the bytes of a
clean one; a changed input always renders again; a tampered entry is never used; a symlink is never written
through; a cache folder that cannot be written costs a note, never the build."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import CACHE_DIR, DEFAULT_DATA, ROOT, TODAY
from macros import changes
from macros.beredskab import pdf as plan_pdf
from macros.cards import pdf as card_pdf
from macros.cards.pdf import A6, CardRenderer
from macros.citizen import text as citizen_text
from macros.cli import main
from macros.common import cache
from macros.handbook import search_index

PAGE = "<!doctype html><html lang=\"da\"><head><title>Prøve</title><style>body {{ font-family: {font}; }}</style>" \
       "</head><body><p>{text}</p></body></html>"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("INFOHUS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Every real render of a beredskab PDF in this process, by its HTML."""
    made: list[str] = []
    real = plan_pdf._render

    def counted(html: str):
        made.append(html)
        return real(html)
    monkeypatch.setattr(plan_pdf, "_render", counted)
    return made


# -- a whole build ---------------------------------------------------------------------------------------------

def test_a_warm_build_renders_nothing_and_gives_the_bytes_of_a_clean_build(built_site, tmp_path, capsys,
                                                                          monkeypatch):
    from macros import build

    clean, warm = tmp_path / "clean", tmp_path / "warm"
    before = entries(CACHE_DIR)  # the session's builds (built_site) have filled it
    assert main(["build", "--data", str(DEFAULT_DATA), "--out", str(clean), "--no-cache"]) == 0
    assert entries(CACHE_DIR) == before, "--no-cache stores nothing"
    ahead = []
    monkeypatch.setattr(build, "_index_ahead", lambda *args: ahead.append(args[1]))
    assert main(["build", "--data", str(DEFAULT_DATA), "--out", str(warm)]) == 0
    assert entries(CACHE_DIR) == before, "a rebuild with nothing changed renders (and so stores) nothing"
    assert ahead == [], "no part rendered, so the handbook was not built twice"
    reference = files(clean)
    assert files(warm) == reference
    assert files(built_site) == reference
    assert any(name.endswith(".pdf") for name in reference) and any(name.endswith(".png") for name in reference)
    assert "mellemlageret" not in capsys.readouterr().err


def test_the_index_made_while_the_pdfs_render_is_the_one_the_build_then_uses(earlier_build, data_copy, tmp_path,
                                                                              monkeypatch, indexings):
    from macros import build

    contacts = data_copy / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"72 33 33 33"', '"72 33 40 98"', 1),
                        encoding="utf-8")
    reference = tmp_path / "reference" / "site"
    shutil.copytree(earlier_build, reference, symlinks=True)
    ahead = []
    real = build._index_ahead
    monkeypatch.setattr(build, "_index_ahead", lambda *args: ahead.append(args[1]) or real(*args))
    indexings.clear()
    assert main(["build", "--data", str(data_copy), "--out", str(earlier_build)]) == 0
    assert len(ahead) == 1 and not ahead[0].exists(), "made ahead in a folder of its own, removed again"
    assert len(indexings) == 1 and indexings[0] == ahead[0], "Pagefind ran once, ahead; the build found its index"
    assert main(["build", "--data", str(data_copy), "--out", str(reference), "--no-cache"]) == 0  # nothing ahead
    assert len(ahead) == 1
    assert files(earlier_build) == files(reference)


def kinds(folder: Path, names: set[str]) -> list[str]:
    """The kinds of the entries `names` (their records), sorted."""
    return sorted(json.loads(p.read_text(encoding="utf-8"))["kind"] for p in folder.rglob("*" + cache.RECORD)
                  if p.name in names)


def test_after_one_phone_number_changed_only_what_shows_it_is_rendered(earlier_build, data_copy, capsys):
    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text.replace('"72 33 33 33"', '"72 33 40 99"', 1), encoding="utf-8")  # Anna Holm's
    before = entries(CACHE_DIR)
    assert main(["build", "--data", str(data_copy), "--out", str(earlier_build)]) == 0  # lists what changed
    out = capsys.readouterr().out
    new = entries(CACHE_DIR) - before
    changed = [line for line in out.splitlines() if "72 33 33 33 → 72 33 40 99" in line and ".pdf)" in line]
    cards = [line for line in changed if "/handlekort/" in line and "alle-kort-a4" not in line]
    assert len(cards) == 6 and any("beredskab-intern.pdf" in line for line in changed), out
    found = kinds(CACHE_DIR, new)
    # Each card that shows the number (once, or more when its text had to step down a size), the A4 sheet, the
    # internal edition; a preview and the read-back text of each new PDF. The public edition names no one.
    assert found.count("beredskab-pdf") == 1
    assert found.count("card-preview") == len(cards)
    assert len(cards) + 1 <= found.count("card-pdf") <= len(cards) + 1 + 2
    assert found.count("pdf-text") == len(cards) + 2
    assert found.count("search-index") == 1  # the handbook's contacts page shows the number too
    assert found.count("search-pages") == 1  # and so its hidden words are found anew
    assert set(found) == {"beredskab-pdf", "card-pdf", "card-preview", "pdf-text", "search-index", "search-pages"}


def test_infohus_no_cache_stores_nothing(own_cache, tmp_path, monkeypatch, renders):
    monkeypatch.setenv("INFOHUS_NO_CACHE", "1")
    for _ in range(2):
        plan_pdf.render_pdf(PAGE.format(font="sans-serif", text="Ingen mellemlager"), tmp_path / "a.pdf")
    assert len(renders) == 2 and not own_cache.exists()


# -- what the key covers ---------------------------------------------------------------------------------------

def test_the_same_html_is_rendered_once_and_changed_html_again(own_cache, tmp_path, renders):
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert plan_pdf.render_pdf(PAGE.format(font="sans-serif", text="Ring 112"), first) == 1
    assert plan_pdf.render_pdf(PAGE.format(font="sans-serif", text="Ring 112"), second) == 1
    assert len(renders) == 1 and first.read_bytes() == second.read_bytes()
    plan_pdf.render_pdf(PAGE.format(font="sans-serif", text="Ring 114"), second)
    assert len(renders) == 2 and first.read_bytes() != second.read_bytes()


def test_what_a_part_read_back_is_not_read_again_and_its_pdfs_text_is_kept(own_cache, tmp_path, monkeypatch):
    part = tmp_path / ".kort"  # where the part wrote its files, moved into the build later
    part.mkdir()
    plan_pdf.render_pdf(PAGE.format(font="sans-serif", text="Ring 114"), part / "kort.pdf")
    (part / "side.html").write_text("<html><body><p>Ring 112</p></body></html>", encoding="utf-8")
    monkeypatch.setattr(changes, "_files", lambda ds: [(f"intranet/kort/{name}", changes.REPRINT, name, {}, None)
                                                       for name in ("kort.pdf", "side.html")])
    monkeypatch.setattr(changes, "_read_back", lambda ds: [f"intranet/kort/{name}" for name in ("kort.pdf", "side.html")])
    reads: list[Path] = []
    real = changes._pdftotext
    monkeypatch.setattr(changes, "_pdftotext", lambda program, options, path: reads.append(path) or
                        real(program, options, path))
    known = changes.read_ahead(None, "intranet/kort", part)
    assert sorted(known) == ["intranet/kort/kort.pdf", "intranet/kort/side.html"] and len(reads) == 1
    assert "Ring 114" in known["intranet/kort/kort.pdf"] and "Ring 112" in known["intranet/kort/side.html"]
    (part / "side.html").unlink()  # what was read back is taken as it was: the file is not opened again
    _, lines = changes.printed(None, tmp_path, {"intranet/kort": part}, known)
    assert len(reads) == 1 and "Ring 112" in lines["intranet/kort/side.html"]
    assert "Ring 114" in changes._pdf_text(shutil.which("pdftotext"), part / "kort.pdf") and len(reads) == 1
    with cache.turned_off():  # read back all the same, with nowhere to keep it
        assert "Ring 114" in changes.read_ahead(None, "intranet/kort/kort.pdf", part / "kort.pdf")["intranet/kort/kort.pdf"]
    assert len(reads) == 2


def test_the_parts_read_back_every_file_whose_text_the_list_of_changes_reads():
    from macros.model.dataset import load_dataset

    for folder in sorted(p for p in DEFAULT_DATA.parent.iterdir() if (p / "municipality.yml").is_file()):
        ds, _ = load_dataset(folder)
        assert changes._read_back(ds) == [path for path, *_, given in changes._files(ds) if given is None], folder.name


def test_the_citizen_pages_hyphens_are_found_once_and_for_changed_text_again(own_cache, monkeypatch):
    made: list[str] = []
    real = citizen_text._hyphenated
    monkeypatch.setattr(citizen_text, "_hyphenated", lambda html, lang: made.append(html) or real(html, lang))
    page = "<html><body><h1>Bekymringssamtale</h1><p>Æresrelaterede konflikter</p></body></html>"
    first = citizen_text.soft_hyphens(page, "da")
    assert "\u00ad" in first and first.replace("\u00ad", "") == page
    assert citizen_text.soft_hyphens(page, "da") == first and len(made) == 1
    assert citizen_text.soft_hyphens(page, "en") == real(page, "en") and len(made) == 2  # another dictionary
    changed = page.replace("Bekymringssamtale", "Underretningspligten")
    assert citizen_text.soft_hyphens(changed, "da") == real(changed, "da") and len(made) == 3


def test_a_changed_font_file_renders_again(own_cache, tmp_path, monkeypatch, renders):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", fonts / "Prøve.ttf")
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>"
                      f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    html = PAGE.format(font="\"DejaVu Sans\"", text="Skrift")
    assert [str(fonts / "Prøve.ttf")] == [f for f, _ in cache.fonts(html)["files"]], "fontconfig sees only the copy"
    plan_pdf.render_pdf(html, tmp_path / "a.pdf")
    plan_pdf.render_pdf(html, tmp_path / "a.pdf")
    assert len(renders) == 1
    with open(fonts / "Prøve.ttf", "ab") as font:  # the same font, one byte longer: a new version of the file
        font.write(b"\0")
    plan_pdf.render_pdf(html, tmp_path / "a.pdf")
    assert len(renders) == 2


@pytest.fixture
def asked(monkeypatch) -> list[list[str]]:
    """Every command run to find out about the machine (a program's version, ldd, fc-list, fc-match) in this process."""
    made: list[list[str]] = []
    real = cache._outputs
    cache.forget()  # nothing this process found out before

    def counted(commands, *args, **kwargs):
        made.extend(commands)
        return real(commands, *args, **kwargs)
    monkeypatch.setattr(cache, "_outputs", counted)
    return made


def test_a_programs_identity_is_remembered_until_its_file_changes(own_cache, tmp_path, asked):
    program = tmp_path / "prog"
    program.write_text("#!/bin/sh\necho prog 1.0\n", encoding="utf-8")
    program.chmod(0o755)
    first = cache.program(str(program), "--version")
    assert first["version"] == "prog 1.0" and len(asked) == 2  # its version and what it links
    cache.forget()  # as the next build does, in a process of its own
    assert cache.program(str(program), "--version") == first and len(asked) == 2, "remembered: nothing run"
    program.write_text("#!/bin/sh\necho prog 2.0\n", encoding="utf-8")  # an update: another file
    cache.forget()
    assert cache.program(str(program), "--version")["version"] == "prog 2.0" and len(asked) == 4
    wkhtmltopdf = shutil.which("wkhtmltopdf")
    found = cache.program(wkhtmltopdf, "--version")
    cache.forget()
    assert cache.program(wkhtmltopdf, "--version") == found and found["libraries"] and len(asked) == 6


def private_fonts(tmp_path: Path, monkeypatch, *names: str) -> Path:
    """A fontconfig of this test's own (FONTCONFIG_FILE) reading one folder, with copies of the system's `names`."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in names:
        shutil.copy(f"/usr/share/fonts/truetype/dejavu/{name}", fonts / name)
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>"
                      f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    return fonts


def test_the_fonts_are_remembered_until_a_font_is_added_to_a_folder_fontconfig_reads(own_cache, tmp_path,
                                                                                    monkeypatch, asked):
    fonts = private_fonts(tmp_path, monkeypatch, "DejaVuSans.ttf")
    html = PAGE.format(font="\"DejaVu Sans\"", text="Skrift")
    first = cache.fonts(html)
    assert [f for f, _ in first["files"]] == [str(fonts / "DejaVuSans.ttf")] and first["others"] == []
    looked = len(asked)
    assert looked >= 2  # fc-list, and fc-match for each family
    cache.forget()
    assert cache.fonts(html) == first and len(asked) == looked, "remembered: nothing run"
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", fonts / "DejaVuSerif.ttf")  # installed
    cache.forget()
    after = cache.fonts(html)
    assert len(asked) == 2 * looked and str(fonts / "DejaVuSerif.ttf") in [f for f, _ in after["files"]] \
        + [o[0] for o in after["others"]], "a folder fontconfig reads changed: asked again"
    config = tmp_path / "fonts.conf"  # another folder in the configuration, empty so far
    config.write_text(config.read_text(encoding="utf-8").replace("</fontconfig>", f"<dir>{tmp_path / 'more'}</dir>"
                                                                 "</fontconfig>"), encoding="utf-8")
    (tmp_path / "more").mkdir()
    cache.forget()
    cache.fonts(html)
    assert len(asked) == 3 * looked, "the configuration changed: asked again"
    cache.forget()
    cache.fonts(html)
    assert len(asked) == 3 * looked
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", tmp_path / "more" / "Mono.ttf")
    cache.forget()
    assert str(tmp_path / "more" / "Mono.ttf") in [o[0] for o in cache.fonts(html)["others"]]
    assert len(asked) == 4 * looked, "a font in a folder that was empty: asked again"


def test_the_installed_packages_are_remembered_until_a_folder_on_pythons_path_changes(own_cache, tmp_path,
                                                                                    monkeypatch):
    made: list[tuple] = []
    real = cache._versions
    cache.forget()
    monkeypatch.setattr(cache, "_versions", lambda names: made.append(names) or real(names))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    (tmp_path / "site").mkdir()
    first = cache.packages("pagefind")
    cache.forget()
    assert cache.packages("pagefind") == first and len(made) == 1
    (tmp_path / "site" / "other.pth").touch()  # something installed there
    cache.forget()
    assert cache.packages("pagefind") == first and len(made) == 2


@pytest.mark.parametrize("kind, forged", [
    ("known-program", {"version": "forged", "libraries": ["/lib/x"], "folders": [["/lib", "missing"]]}),  # stale
    ("known-program", {"version": 7, "libraries": [], "folders": []}),
    ("known-fonts", {"files": ["/x.ttf"], "others": [], "folders": ["/"], "stamps": []}),                  # stale
    ("known-fonts", ["not", "a", "mapping"]),
    ("known-packages", {"pagefind": 1}),
    ("known-packages", {}),
])
def test_a_forged_or_stale_answer_about_the_machine_is_asked_again(own_cache, tmp_path, monkeypatch, kind, forged):
    fonts = private_fonts(tmp_path, monkeypatch, "DejaVuSans.ttf")
    html = PAGE.format(font="\"DejaVu Sans\"", text="Skrift")
    look = {"known-program": lambda: cache.program(shutil.which("pdftotext"), "-v"),
            "known-fonts": lambda: cache.fonts(html), "known-packages": lambda: cache.packages("pagefind")}[kind]
    cache.forget()
    reference = look()
    [record] = [p for p in own_cache.rglob("*" + cache.RECORD) if json.loads(p.read_text(encoding="utf-8"))["kind"] == kind]
    entry = record.with_name(record.name.removesuffix(cache.RECORD))
    data = json.dumps(forged).encode("utf-8")
    entry.chmod(0o644)
    entry.write_bytes(data)  # with a record that fits it, as an attacker who can write the cache folder would
    record.write_text(json.dumps({"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "meta": {},
                                  "kind": kind}), encoding="utf-8")
    cache.forget()
    assert look() == reference
    assert [f for f, _ in cache.fonts(html)["files"]] == [str(fonts / "DejaVuSans.ttf")]


def test_the_key_names_the_renderers_and_their_versions():
    renderer = plan_pdf._renderer()
    assert renderer["packages"]["weasyprint"] == "70.0" and "pydyf" in renderer["packages"]
    assert all(v != "missing" for v in renderer["libraries"].values()), renderer["libraries"]
    wkhtmltopdf = cache.program(shutil.which("wkhtmltopdf"), "--version")
    assert wkhtmltopdf["version"].startswith("wkhtmltopdf ") and wkhtmltopdf["libraries"]


@pytest.fixture
def card_renders(monkeypatch) -> list[str]:
    made: list[str] = []
    real = CardRenderer._render

    def counted(self, html, *args):
        made.append(html)
        return real(self, html, *args)
    monkeypatch.setattr(CardRenderer, "_render", counted)
    return made


def card_renderer(program: str, folder: Path, logo: bytes | None = None) -> CardRenderer:
    folder.mkdir()
    if logo is not None:
        (folder / "logo.png").write_bytes(logo)
    return CardRenderer(program, folder, {"primary": "#00596e", "accent": "#b8441f"}, date(2026, 11, 1))


CARD = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kort</title></head><body><p>Ring 112</p></body></html>"


def test_another_wkhtmltopdf_renders_again(own_cache, tmp_path, card_renders):
    real = shutil.which("wkhtmltopdf")
    newer = tmp_path / "bin" / "wkhtmltopdf"
    newer.parent.mkdir()
    newer.write_text(f"#!/bin/sh\n[ \"$1\" = --version ] && {{ echo 'wkhtmltopdf 0.12.7'; exit 0; }}\nexec {real} \"$@\"\n",
                     encoding="utf-8")
    newer.chmod(0o755)
    pdf, pages = card_renderer(real, tmp_path / "a").pdf(CARD, "kort", A6, "Kort")
    assert card_renderer(real, tmp_path / "b").pdf(CARD, "kort", A6, "Kort") == (pdf, pages)
    assert len(card_renders) == 1, "the assets folder's own path is not part of the key"
    card_renderer(str(newer), tmp_path / "c").pdf(CARD, "kort", A6, "Kort")
    assert len(card_renders) == 2


def test_a_changed_asset_renders_again(own_cache, tmp_path, card_renders):
    real = shutil.which("wkhtmltopdf")
    card_renderer(real, tmp_path / "a", logo=b"logo 1").pdf(CARD, "kort", A6, "Kort")
    card_renderer(real, tmp_path / "b", logo=b"logo 1").pdf(CARD, "kort", A6, "Kort")
    card_renderer(real, tmp_path / "c", logo=b"logo 2").pdf(CARD, "kort", A6, "Kort")
    assert len(card_renders) == 2


# -- what the cache folder holds is not trusted ------------------------------------------------------------------

NAME = "ab" * 32


def stored(root: Path) -> tuple[Path, Path]:
    cache.Store(root).put(NAME, b"%PDF-1.7 rigtig", {"pages": 1})
    artefact = root / cache.LAYOUT / NAME[:2] / NAME
    return artefact, artefact.with_name(NAME + cache.RECORD)


def test_an_entry_is_read_back_only_as_written(own_cache):
    stored(own_cache)
    assert cache.Store(own_cache).get(NAME) == (b"%PDF-1.7 rigtig", {"pages": 1})


@pytest.mark.parametrize("tamper", ["flipped", "truncated", "longer", "record", "symlink", "folder"])
def test_a_tampered_entry_is_never_used_nor_removed(own_cache, tmp_path, tamper):
    artefact, record = stored(own_cache)
    if tamper == "flipped":
        artefact.write_bytes(b"%PDF-1.7 falsk!")
    elif tamper == "truncated":
        artefact.write_bytes(b"%PDF-1.7")
    elif tamper == "longer":
        artefact.write_bytes(b"%PDF-1.7 rigtig og mere")
    elif tamper == "record":  # a record that matches other bytes
        record.write_text(record.read_text().replace('"size": 15', '"size": 14'), encoding="utf-8")
    elif tamper == "symlink":  # a link to a file with the very bytes the record names
        outside = tmp_path / "outside.pdf"
        outside.write_bytes(b"%PDF-1.7 rigtig")
        artefact.unlink()
        artefact.symlink_to(outside)
    elif tamper == "folder":
        artefact.unlink()
        artefact.mkdir()
    left = {p: (p.is_symlink(), p.is_file() and p.read_bytes()) for p in (artefact, record)}
    assert cache.Store(own_cache).get(NAME) is None
    made = cache.cached("test", lambda: {"x": 1}, lambda: (b"frisk", {}))  # another key: still works
    assert made == (b"frisk", {})
    cache.Store(own_cache).put(NAME, b"%PDF-1.7 rigtig", {"pages": 1})  # never replaces what is there
    assert {p: (p.is_symlink(), p.is_file() and p.read_bytes()) for p in (artefact, record)} == left
    assert not [p for p in artefact.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_tampered_pdf_in_the_cache_is_rendered_again(own_cache, tmp_path, renders):
    html = PAGE.format(font="sans-serif", text="Ring 112")
    plan_pdf.render_pdf(html, tmp_path / "a.pdf")
    good = (tmp_path / "a.pdf").read_bytes()
    [artefact] = [p for p in own_cache.rglob("*") if p.is_file() and not p.name.endswith(cache.RECORD)]
    artefact.write_bytes(good.replace(b"Ring", b"Rang", 1) if b"Ring" in good else good[:-10])
    plan_pdf.render_pdf(html, tmp_path / "b.pdf")
    assert len(renders) == 2 and (tmp_path / "b.pdf").read_bytes() == good


def test_a_symlinked_cache_folder_is_not_written_through(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(elsewhere)
    monkeypatch.setenv("INFOHUS_CACHE_DIR", str(tmp_path / "cache"))
    assert cache.cached("test", lambda: {"x": 1}, lambda: (b"data", {})) == (b"data", {})
    assert list(elsewhere.iterdir()) == []
    err = capsys.readouterr().err
    assert "symbolsk link" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_symlink_inside_the_cache_folder_is_not_followed(own_cache, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    own_cache.mkdir(mode=0o700)
    (own_cache / cache.LAYOUT).symlink_to(elsewhere)
    assert cache.cached("test", lambda: {"x": 1}, lambda: (b"data", {})) == (b"data", {})
    assert list(elsewhere.iterdir()) == []
    (own_cache / cache.LAYOUT).unlink()
    planted = own_cache / cache.LAYOUT / NAME[:2]
    planted.mkdir(parents=True, mode=0o700)
    target = tmp_path / "victim"
    target.write_bytes(b"mine")
    (planted / NAME).symlink_to(target)  # an entry's name, pointing out of the cache
    cache.Store(own_cache).put(NAME, b"data", {})
    assert target.read_bytes() == b"mine" and (planted / NAME).is_symlink()


def test_a_cache_folder_others_may_write_is_not_used(own_cache, capsys):
    own_cache.mkdir()
    own_cache.chmod(0o777)
    assert cache.cached("test", lambda: {"x": 1}, lambda: (b"data", {})) == (b"data", {})
    assert list(own_cache.iterdir()) == []
    assert "andre kan skrive i den" in capsys.readouterr().err


# -- a cache folder that cannot be written -------------------------------------------------------------------------

def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="a read-only mount needs root; CI runs the suite as root")
def test_a_read_only_cache_folder_costs_a_note_not_the_build(own_cache, tmp_path, capsys, built_site):
    own_cache.mkdir(mode=0o700)
    _mount("--bind", str(own_cache), str(own_cache))
    try:
        _mount("-o", "remount,bind,ro", str(own_cache))
        code = main(["build", "--data", str(DEFAULT_DATA), "--out", str(tmp_path / "site")])
    finally:
        subprocess.run(["umount", str(own_cache)], check=True)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err and "skrivebeskyttet" in err
    assert files(tmp_path / "site") == files(built_site)
    assert list(own_cache.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root; CI runs the suite as root")
def test_a_full_cache_folder_costs_a_note_and_leaves_no_half_entry(own_cache, tmp_path, capsys):
    own_cache.mkdir(mode=0o700)
    _mount("-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(own_cache))
    try:
        big = os.urandom(200 * 1024)
        assert cache.cached("test", lambda: {"x": 2}, lambda: (big, {})) == (big, {})
        left = [p for p in own_cache.rglob("*") if p.is_file()]
    finally:
        subprocess.run(["umount", str(own_cache)], check=True)
    err = capsys.readouterr().err
    assert "ikke mere plads" in err and "Traceback" not in err
    assert left == []


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="a mount namespace of its own needs root; CI runs the suite as root")
def test_without_shared_semaphores_the_build_renders_all_the_same(own_cache, tmp_path, built_site):
    """A system whose /dev/shm cannot be used (read-only here, in a mount namespace of the build's own) refuses the
    event the parts share: the build waits for them without it, and gives the same site."""
    out = tmp_path / "site"
    script = ("mount -t tmpfs -o ro,size=4k tmpfs /dev/shm && exec \"$0\" -m macros.cli build --data \"$1\" "
              "--out \"$2\"")
    done = subprocess.run(["unshare", "--mount", "sh", "-c", script, sys.executable, str(DEFAULT_DATA), str(out)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "INFOHUS_TODAY": TODAY})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Bygget:" in done.stdout
    assert any(p.name.endswith(cache.RECORD) for p in own_cache.rglob("*")), "rendered, not found"
    assert files(out) == files(built_site)


# -- the handbook's search index --------------------------------------------------------------------------------

SITE_PAGE = ('<!doctype html><html lang="da"><head><meta charset="utf-8">' + search_index.INDEXED +
             '<title>{title}</title></head><body>' + search_index.ARTICLE + '<h1 id="top">{title}</h1><p>{text}</p>'
             '</article></body></html>')


def small_site(folder: Path, text: str) -> Path:
    for name, title in (("index.html", "Forside"), ("kontakter/index.html", "Kontakter")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(SITE_PAGE.format(title=title, text=text), encoding="utf-8")
    return folder


@pytest.fixture
def indexings(monkeypatch) -> list[Path]:
    """Every real run of Pagefind in this process, by the folder it indexed."""
    made: list[Path] = []
    real = search_index._pagefind

    async def counted(site_dir: Path):
        made.append(site_dir)
        return await real(site_dir)
    monkeypatch.setattr(search_index, "_pagefind", counted)
    return made


def test_the_same_pages_are_indexed_once_and_changed_pages_again(own_cache, tmp_path, indexings):
    first = small_site(tmp_path / "a", "Ring til SSP-konsulenten på 72 33 33 33.")
    second = small_site(tmp_path / "b", "Ring til SSP-konsulenten på 72 33 33 33.")
    search_index.write_index(first, [])
    search_index.write_index(second, [])
    assert len(indexings) == 1
    assert files(second) == files(first) and any(name.startswith("pagefind/index/") for name in files(first))
    changed = small_site(tmp_path / "c", "Ring til SSP-konsulenten på 72 33 40 99.")
    search_index.write_index(changed, [])
    assert len(indexings) == 2 and files(changed) != files(first)


def test_a_page_pagefind_leaves_out_does_not_make_the_index_anew(own_cache, tmp_path, indexings):
    def with_unmarked(folder: Path, text: str) -> Path:
        small_site(folder, "Ring til SSP-konsulenten på 72 33 33 33.")
        (folder / "aendringer").mkdir()
        (folder / "aendringer" / "index.html").write_text(f"<!doctype html><html lang=\"da\"><head><title>Ændringer"
                                                          f"</title></head><body><p>{text}</p></body></html>")
        return folder

    def index(folder: Path) -> dict[str, bytes]:
        return {name: data for name, data in files(folder).items() if name.startswith("pagefind/")}

    changed, unchanged = with_unmarked(tmp_path / "a", "Ændret: 72 33 33 33"), with_unmarked(tmp_path / "b", "Intet")
    with cache.turned_off():  # Pagefind itself: the page without data-pagefind-body changes nothing it writes
        search_index.write_index(changed, [])
        search_index.write_index(unchanged, [])
    one = index(changed)
    assert one == index(unchanged) and len(indexings) == 2
    search_index.write_index(with_unmarked(tmp_path / "c", "Ændret: 72 33 33 33"), [])
    second = with_unmarked(tmp_path / "d", "Intet")
    search_index.write_index(second, [])
    assert len(indexings) == 3 and index(second) == one
    third = with_unmarked(tmp_path / "e", "Intet")
    (third / "index.html").write_text((third / "index.html").read_text().replace("33 33 33", "40 40 40"))
    search_index.write_index(third, [])  # a page it indexes changed: made anew
    assert len(indexings) == 4


@pytest.mark.parametrize("listed", [[["../../udenfor.js", 4]], [["pagefind.js", 4], ["pagefind.js", 0]],
                                    [["pagefind.js", 3]], [["pagefind.js", -1], ["pagefind-entry.json", 5]],
                                    "ikke en liste"])
def test_a_forged_index_entry_is_made_anew_and_writes_nothing_it_names(own_cache, tmp_path, indexings, listed):
    search_index.write_index(small_site(tmp_path / "a", "Æreskonflikter."), [])
    reference = files(tmp_path / "a")
    [record] = [p for p in own_cache.rglob("*" + cache.RECORD)
                if json.loads(p.read_text(encoding="utf-8"))["kind"] == "search-index"]
    artefact = record.with_name(record.name.removesuffix(cache.RECORD))
    forged = b"evil"  # what an attacker who can write the cache folder puts there, with a record that fits it
    artefact.chmod(0o644)
    artefact.write_bytes(forged)
    record.write_text(json.dumps({"sha256": hashlib.sha256(forged).hexdigest(), "size": len(forged),
                                  "meta": {"files": listed}, "kind": "search-index"}), encoding="utf-8")
    again = small_site(tmp_path / "b", "Æreskonflikter.")
    search_index.write_index(again, [])
    assert len(indexings) == 2, "the forged entry was not used"
    assert files(again) == reference
    assert not (tmp_path / "udenfor.js").exists() and not list(tmp_path.rglob("udenfor.js"))


@pytest.fixture
def enrichings(monkeypatch) -> list[list[str]]:
    """Every real enrichment of pages with their hidden words in this process, by the pages enriched."""
    made: list[list[str]] = []
    real = search_index.enrich

    def counted(pages, search_terms):
        made.append(sorted(pages))
        return real(pages, search_terms)
    monkeypatch.setattr(search_index, "enrich", counted)
    return made


def test_the_hidden_words_of_the_same_pages_come_from_the_cache_and_new_terms_find_them_anew(own_cache, tmp_path,
                                                                                           enrichings):
    from macros.model.search_terms import SearchTerm

    text = "Ring til SSP-konsulenten om æreskonflikter og genopdragelsesrejser."
    terms = [SearchTerm("rejse", "genopdragelsesrejser", ("udrejse",), None)]
    first, second = small_site(tmp_path / "a", text), small_site(tmp_path / "b", text)
    search_index.write_index(first, terms)
    search_index.write_index(second, terms)
    assert len(enrichings) == 1 and files(second) == files(first)
    assert "udrejse" in (second / "index.html").read_text(encoding="utf-8"), "the cached pages keep their words"
    other = small_site(tmp_path / "c", text)
    search_index.write_index(other, [SearchTerm("rejse", "genopdragelsesrejser", ("bortførelse",), None)])
    assert len(enrichings) == 2, "other search terms: enriched anew"
    assert "bortførelse" in (other / "index.html").read_text(encoding="utf-8")
    changed = small_site(tmp_path / "d", text.replace("SSP", "PET"))
    search_index.write_index(changed, terms)
    assert len(enrichings) == 3, "a changed page: enriched anew"


@pytest.mark.parametrize("forged, listed", [
    (b"x" * 10, [["../../udenfor.html", 5], ["kontakter/index.html", 5]]),  # a page that is not one of the site's
    (b"x" * 10, [["kontakter/index.html", 5], ["index.html", 5]]),          # the site's pages in another order
    (b"x" * 10, [["index.html", 10]]),                                      # one page left out
    (b"x" * 10, [["index.html", 4], ["kontakter/index.html", 4]]),          # sizes that do not add up
    (b"x" * 10, [["index.html", -1], ["kontakter/index.html", 11]]),
    (b"\xff" * 10, [["index.html", 5], ["kontakter/index.html", 5]]),       # not UTF-8
    (b"x" * 10, "ikke en liste"),
])
def test_forged_hidden_words_are_found_anew_and_write_nothing_they_name(own_cache, tmp_path, enrichings, forged,
                                                                         listed):
    search_index.write_index(small_site(tmp_path / "a", "Æreskonflikter."), [])
    reference = files(tmp_path / "a")
    [record] = [p for p in own_cache.rglob("*" + cache.RECORD)
                if json.loads(p.read_text(encoding="utf-8"))["kind"] == "search-pages"]
    artefact = record.with_name(record.name.removesuffix(cache.RECORD))
    artefact.chmod(0o644)
    artefact.write_bytes(forged)  # with a record that fits it, as an attacker who can write the cache folder would
    record.write_text(json.dumps({"sha256": hashlib.sha256(forged).hexdigest(), "size": len(forged),
                                  "meta": {"pages": listed}, "kind": "search-pages"}), encoding="utf-8")
    again = small_site(tmp_path / "b", "Æreskonflikter.")
    search_index.write_index(again, [])
    assert len(enrichings) == 2, "the forged entry was not used"
    assert files(again) == reference
    assert not list(tmp_path.rglob("udenfor.html"))
