"""The reprint report is computed from what was printed: a staff turnover replayed on a copy of Halsnæs, built
twice into the same --out, names every file whose text changed (and why), and nothing else."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MUNICIPALITIES
from macros.cli import main

CARDS = ["akut", "bekymring", "borger", "team"]
REPRINT, REPUBLISH, RESHARE, UNCHANGED = ("Skal genoptrykkes:", "Skal offentliggøres igen:",
                                          "Skal hentes igen (vCards på medarbejderwebben):", "Uændret:")
COUNCIL = "Det er ændringer i det vedtagne beredskab: forelæg dem for Byrådet i Halsnæs Kommune."


@pytest.fixture
def halsnaes(tmp_path) -> Path:
    """Halsnæs as the issue's municipality has it: the coordinator owns the beredskab (the footer of every card)."""
    folder = tmp_path / "halsnaes"
    shutil.copytree(MUNICIPALITIES["halsnaes"], folder)
    municipality = folder / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    assert text.count("owner: borne-unge-chef") == 1
    municipality.write_text(text.replace("owner: borne-unge-chef", "owner: ssp-konsulent"), encoding="utf-8")
    return folder


def build(data: Path, out: Path, capsys) -> str:
    assert main(["build", "--data", str(data), "--out", str(out)]) == 0
    return capsys.readouterr().out


def groups(output: str) -> dict[str, list[str]]:
    """The report after "Ændret siden sidste byg:", as heading -> its lines."""
    if "Ændret siden sidste byg:\n" not in output:
        return {}
    found, heading = {}, None
    for line in output.split("Ændret siden sidste byg:\n", 1)[1].splitlines():
        if not line.startswith("  "):
            heading = line
            found[heading] = []
        else:
            found[heading].append(line[2:])
    return found


def listed(lines: list[str]) -> set[str]:
    """The files the report's lines name: the path in brackets after the title."""
    return {m[1] for line in lines if (m := re.search(r"\((intranet/[^)]+|public/[^)]+)\)", line))}


def text_of(path: Path) -> str:
    """What a reader of the file sees, by the test's own means: pdftotext for a PDF, the bytes otherwise."""
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
    return path.read_bytes().decode("utf-8")


ARTEFACTS = [*(f"intranet/handlekort/{c}.pdf" for c in CARDS), "intranet/handlekort/alle-kort-a4.pdf",
             "intranet/beredskab-intern.pdf", "public/beredskab.pdf", "public/beredskab/index.html",
             "public/index.html", "public/en/index.html", "public/embed.html", "public/contacts.json"]


def page(out: Path, name: str) -> str:
    html = (out / "intranet" / name / "index.html").read_text(encoding="utf-8")
    main_part = html[html.index("<article"):html.index("</article>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main_part).split())


def test_a_turnover_names_every_printed_file_that_changed_and_only_those(halsnaes, tmp_path, capsys):
    out = tmp_path / "site"
    first = build(halsnaes, out, capsys)
    assert "Ændret siden sidste byg" not in first
    assert "Der var intet tidligere byg i mappen at sammenligne med." in page(out, "koordinator")
    before = {a: text_of(out / a) for a in ARTEFACTS}
    before_vcards = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.glob("intranet/vcard/**/*.vcf")}

    again = build(halsnaes, out, capsys)
    assert "Ændret siden sidste byg" not in again, "a rebuild of the same data lists nothing"
    assert ("Ingen: handlekortene, arket, beredskabets PDF'er, borgersiderne og vCards viser det samme som ved "
            "sidste byg.") in page(out, "koordinator")

    # The coordinator leaves; the successor takes over name, direct line and e-mail.
    contacts = halsnaes / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    block = text[text.index("  - id: ssp-konsulent"):text.index("  - id: infohus-borne-unge")]
    successor = (block.replace('"Eksempel: Mette Friis"', '"Eksempel: Ali Nyborg"')
                 .replace('"47 78 40 00"', '"47 78 41 23"').replace("eksempel.ssp@", "eksempel.ali.nyborg@"))
    assert successor.count("Ali Nyborg") == 1 and successor.count("47 78 41 23") == 1
    contacts.write_text(text.replace(block, successor), encoding="utf-8")
    report = groups(build(halsnaes, out, capsys))

    # The oracle: the files whose text the test itself sees changed.
    changed = {a for a in ARTEFACTS if text_of(out / a) != before[a]}
    changed_vcards = {p for p, raw in before_vcards.items() if (out / p).read_bytes() != raw}
    assert {*(f"intranet/handlekort/{c}.pdf" for c in CARDS), "intranet/handlekort/alle-kort-a4.pdf",
            "intranet/beredskab-intern.pdf"} <= changed, "the footer and the binder's contact list show the coordinator"
    assert changed_vcards == {"intranet/vcard/kontakter/ssp-konsulent.vcf", "intranet/vcard/hele-teamet.vcf"}

    assert list(report) == [REPRINT, RESHARE, UNCHANGED]
    assert listed(report[REPRINT]) == {a for a in changed if a.startswith("intranet/")}
    assert listed(report[RESHARE]) == changed_vcards
    assert not {a for a in changed if a.startswith("public/")}, "the coordinator is internal: no public page shows them"
    assert listed(report[UNCHANGED]) == {a for a in ARTEFACTS if a not in changed}
    assert f"{len(before_vcards) - len(changed_vcards)} vCards" in report[UNCHANGED]
    owner = "ejeren er ændret: Eksempel: Mette Friis → Eksempel: Ali Nyborg"
    for line in report[REPRINT]:
        if "/handlekort/" in line:
            assert owner in line, line
        assert "telefonnummeret for Eksempel: Ali Nyborg er ændret: 47 78 40 00 → 47 78 41 23" in line
        assert "e-mailadressen for Eksempel: Ali Nyborg er ændret: eksempel.ssp@halsnaes.dk → " \
               "eksempel.ali.nyborg@halsnaes.dk" in line
    assert report[REPRINT][-1] == (
        "Beredskabet til kriseteamets mappe (intranet/beredskab-intern.pdf): navnet på en kontakt er ændret: "
        "Eksempel: Mette Friis → Eksempel: Ali Nyborg; telefonnummeret for Eksempel: Ali Nyborg er ændret: "
        "47 78 40 00 → 47 78 41 23; e-mailadressen for Eksempel: Ali Nyborg er ændret: eksempel.ssp@halsnaes.dk → "
        "eksempel.ali.nyborg@halsnaes.dk.")

    # The same list, grouped, on the coordinator page and the Ændringer page.
    for name in ("koordinator", "aendringer"):
        shown = page(out, name)
        assert "Skal genoptrykkes" in shown and "Skal hentes igen (vCards på medarbejderwebben)" in shown, name
        assert all(" ".join(line.split()) in shown for line in report[REPRINT]), name
    # The next build, with no change, lists nothing and keeps the turnover on the Ændringer page.
    assert groups(build(halsnaes, out, capsys)) == {}
    history = page(out, "aendringer")
    assert "Ændringer ved de tidligere byg" in history and f"Skal genoptrykkes: {report[REPRINT][0]}" in history


def test_a_text_change_in_the_public_plan_is_to_be_published_again_and_put_to_the_council(halsnaes, tmp_path,
                                                                                        capsys):
    out = tmp_path / "site"
    build(halsnaes, out, capsys)
    plan = halsnaes / "plan.yml"
    text = plan.read_text(encoding="utf-8")
    assert text.count("er en del af Halsnæs Kommunes generelle forebyggelse") == 1
    plan.write_text(text.replace("er en del af Halsnæs Kommunes generelle forebyggelse",
                                 "hører til Halsnæs Kommunes generelle forebyggelse"), encoding="utf-8")
    report = groups(build(halsnaes, out, capsys))
    assert listed(report[REPUBLISH]) == {"public/beredskab.pdf", "public/beredskab/index.html"}
    for line in report[REPUBLISH]:
        assert line.endswith(COUNCIL) and "teksten er ændret, nu: »" in line and "hører til Halsnæs Kommunes" in line
    assert listed(report[REPRINT]) == {"intranet/beredskab-intern.pdf"}, "the binder's copy has the same text"
    assert "public/index.html" in " ".join(report[UNCHANGED])


def test_a_draft_plan_is_published_again_without_the_council_sentence(halsnaes, tmp_path, capsys):
    municipality = halsnaes / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    assert text.count("    adopted_by: ") == 1
    municipality.write_text(text.replace("    adopted_by: ", "    draft: true\n    adopted_by: "), encoding="utf-8")
    out = tmp_path / "site"
    build(halsnaes, out, capsys)
    plan = halsnaes / "plan.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("er en del af Halsnæs", "hører til Halsnæs"),
                    encoding="utf-8")
    report = groups(build(halsnaes, out, capsys))
    assert listed(report[REPUBLISH]) == {"public/beredskab.pdf", "public/beredskab/index.html"}
    assert not any("forelæg" in line for line in report[REPUBLISH])


def test_an_earlier_marker_with_hostile_text_is_quoted_as_text_never_run(halsnaes, tmp_path, capsys):
    """The marker is not among the files it hashes: whoever can write OUT can write its content list. It
    keeps no text, only hashes of lines; its facts are quoted cut short, without control characters, and
    escaped on the pages."""
    out = tmp_path / "site"
    build(halsnaes, out, capsys)
    marker_file = out / ".infohus-build"
    content = json.loads(marker_file.read_text(encoding="utf-8"))
    english = content["shows"]["public/en/index.html"]
    english["lines"], english["digest"] = english["lines"][1:], "0" * 64  # its first line is new, by this list
    danish = content["shows"]["public/index.html"]
    name = next(key for key in danish["facts"] if key.endswith(": navn"))
    danish["facts"][name][1], danish["digest"] = "<b>fed</b>\x07", "0" * 64
    marker_file.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    output = build(halsnaes, out, capsys)
    assert "\x1b" not in output and "\x07" not in output
    lines = groups(output)[REPUBLISH]
    en = next(line for line in lines if "(public/en/index.html)" in line)
    assert en.startswith("Borgersiden på engelsk (public/en/index.html): ny tekst: »")
    da = next(line for line in lines if "(public/index.html)" in line)
    assert da.startswith("Borgersiden (public/index.html): navnet på en kontakt er ændret: <b>fed</b> → ")
    html = (out / "intranet" / "koordinator" / "index.html").read_text(encoding="utf-8")
    assert "<b>fed</b>" not in html and "&lt;b&gt;fed&lt;/b&gt;" in html
