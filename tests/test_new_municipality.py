"""A new municipality: scaffold -> check lists what to fill in -> fill -> check -> build, in a fresh folder."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import error_lines, warning_lines
from macros.cli import main

FILLS = {  # what a coordinator would write for each kind of placeholder, by key
    "number": '"47 78 40 00"', "email": "team@eksempel-kommune.dk",
    "intranet": "https://intranet.eksempel-kommune.dk/infohus/", "public": "https://www.eksempel-kommune.dk/infohus/",
    "beredskab": "https://www.eksempel-kommune.dk/infohus/beredskab/",
    "accessibility": "https://www.was.digst.dk/eksempel-kommune-dk", "on": "2026-11-20", "adopted_on": "2026-10-01",
    "next_revision": "2030-10-01", "date": "2026-10-01",
}


def fill(folder: Path) -> None:
    """Replace every UDFYLD placeholder with a plausible value for its key (list items get plain text)."""
    for path in folder.glob("*.yml"):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r'^(\s*(?:- )?)(\w+): "UDFYLD[^"]*"$', line)
            if match:
                indent, key = match.groups()
                line = f"{indent}{key}: {FILLS.get(key, 'Udfyldt af koordinatoren')}"
            line = re.sub(r'^(\s*- )"UDFYLD[^"]*"$', r"\1Udfyldt af koordinatoren", line)
            lines.append(line)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scaffold_check_fill_check_build(tmp_path, capsys):
    folder = tmp_path / "data" / "eksempel"
    assert main(["new", str(folder), "--name", "Æbeltoft Kommune"]) == 0
    assert "municipality:\n  id: aebeltoft\n  name: Æbeltoft Kommune" in (folder / "municipality.yml").read_text(encoding="utf-8")
    capsys.readouterr()

    assert main(["check", "--data", str(folder)]) == 1
    out = capsys.readouterr()
    placeholders = sum(p.read_text(encoding="utf-8").count("\"UDFYLD") for p in folder.glob("*.yml"))
    errors = error_lines(out.out + out.err)
    assert placeholders > 20
    assert len(errors) == placeholders, "each placeholder is listed once, and nothing else"
    assert all("mangler at blive udfyldt" in line and re.match(r"^\S+\.yml:\d+: ", line) for line in errors)

    fill(folder)
    assert "\"UDFYLD" not in "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.yml"))
    assert main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert error_lines(out) == []
    assert len([w for w in warning_lines(out) if "eksempelperson" in w]) == 4, "example people still flagged"
    assert len([w for w in warning_lines(out) if "er skabelonens tekst" in w]) == 6, "each of the plan's texts"
    assert not [w for w in warning_lines(out) if "ingen bekymringstegn" in w], "the scaffold's extremism sign is public"

    site = tmp_path / "site"
    assert main(["build", "--data", str(folder), "--out", str(site)]) == 0
    assert "Æbeltoft Kommune" in (site / "public" / "index.html").read_text(encoding="utf-8")
    assert (site / "intranet" / "index.html").exists()
    assert list((site / "intranet" / "handlekort").glob("*.pdf"))
    # The beredskab of a new municipality: plan.yml's texts (the template's until written), a draft until adopted.
    web = (site / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    assert "Æbeltoft Kommune" in web and "Udkast til vedtagelse" in web
    assert web.count("Skabelontekst:") == 6, "the plan's template texts, in the draft until they are written"
    for pdf in (site / "public" / "beredskab.pdf", site / "intranet" / "beredskab-intern.pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Æbeltoft Kommune" in text and "Udkast til vedtagelse" in text


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "x.yml").write_text("a: 1\n", encoding="utf-8")
    assert main(["new", str(tmp_path), "--name", "X Kommune"]) == 2
    assert "findes allerede og er ikke tom" in capsys.readouterr().err
    assert (tmp_path / "x.yml").read_text(encoding="utf-8") == "a: 1\n"


def test_new_prints_the_next_command_as_the_user_typed_it(tmp_path):
    """A coordinator who ran `.venv/bin/infohus new` can copy the hint as it is: the shell has no `infohus`."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([".venv/bin/infohus", "new", str(tmp_path / "x"), "--name", "Æbeltoft Kommune"],
                          cwd=root, capture_output=True, text=True, check=True)
    hint = done.stdout.splitlines()[-1].split()
    assert hint == [".venv/bin/infohus", "check", "--data", str(tmp_path / "x")], done.stdout
    checked = subprocess.run(hint, cwd=root, capture_output=True, text=True)
    assert checked.returncode == 1 and "UDFYLD" in checked.stdout + checked.stderr


# Each plan section as the municipality writes it instead of the template's to_write line.
WRITTEN_SECTIONS = {"summary": "Æbeltoft Kommunes beredskab kort fortalt.", "target_groups": "[Børn og unge.]",
                    "roles": "[{who: SSP-konsulenten, does: Koordinerer.}]", "competence": "Kurser hvert år.",
                    "follow_up": "Styregruppen følger op hvert år.", "related_plans": "[{title: Beredskab mod overgreb}]",
                    "partners": "[Politiet.]"}


def test_strict_refuses_template_content_left_as_infohus_new_wrote_it(tmp_path, capsys):
    """Filled in: municipality, sources, contacts, communication and plan (real people, the municipality's
    own source, adopted, the out-of-hours route confirmed). Untouched: escalation, forms and cards. --strict must refuse those three files;
    without --strict they are warnings."""
    folder = tmp_path / "data" / "eksempel"
    assert main(["new", str(folder), "--name", "Æbeltoft Kommune"]) == 0
    fill(folder)
    for name in ("contacts.yml", "communication.yml", "municipality.yml", "plan.yml"):
        path = folder / name
        text = path.read_text(encoding="utf-8").replace("doc: eksempeldata", "doc: beredskabsplan")
        text = re.sub(r"(?m)^\s*(example|draft|needs_confirmation): true\n", "", text)
        # The plan's template texts, written over in the municipality's own words, and its sections written.
        text = text.replace("Skabelontekst: ", "Æbeltoft Kommunes egen tekst: ")
        text = re.sub(r"(?m)^      to_write: .*\n", "", text)
        for key, written in WRITTEN_SECTIONS.items():
            text = text.replace(f"    {key}:\n", f"    {key}: {written}\n")
        path.write_text(text, encoding="utf-8")
    capsys.readouterr()

    assert main(["check", "--data", str(folder), "--strict"]) == 1
    captured = capsys.readouterr()
    errors = error_lines(captured.out + captured.err)
    untouched = {"escalation.yml", "forms.yml", "cards.yml"}
    assert errors and {Path(line.split(":", 1)[0]).name for line in errors} == untouched, errors
    assert all("står, som infohus new skrev det. Tilpas til kommunens egen plan" in line for line in errors)
    assert any(line.startswith(f"{folder / 'escalation.yml'}:") and "vejen \"Du er bekymret for en borger\"" in line
               for line in errors)

    assert main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert len([w for w in warning_lines(out) if "står, som infohus new skrev det" in w]) == len(errors)
