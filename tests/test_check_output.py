"""The check talks about what the coordinator can act on: it names what it checks, the national notes are one
line unless asked for, and the Makefile checks and builds the municipality DATA names, printing the check once."""
from __future__ import annotations

import re
import subprocess

from conftest import MUNICIPALITIES, ROOT, warning_lines
from macros.cli import main
from macros.model.problems import NATIONAL_HEADING


def test_the_check_starts_by_naming_the_municipality_and_its_folder(check):
    _, out = check(MUNICIPALITIES["halsnaes"])
    assert out.splitlines()[0] == f"Tjekker Halsnæs Kommune ({MUNICIPALITIES['halsnaes']}) …"


def test_a_build_starts_by_naming_what_it_checks(data_copy, tmp_path, capsys):
    (data_copy / "contacts.yml").write_text("contacts: [\n", encoding="utf-8")
    assert main(["build", "--data", str(data_copy), "--out", str(tmp_path / "site")]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == f"Tjekker Hjørring Kommune ({data_copy}) …"
    assert "Data har fejl; intet er bygget." in out.err


def test_a_fresh_scaffold_with_errors_is_named_by_its_own_municipality_yml(tmp_path, check, capsys):
    folder = tmp_path / "odsherred"
    assert main(["new", "--name", "Odsherred Kommune", str(folder)]) == 0
    capsys.readouterr()
    code, out = check(folder)
    assert code == 1 and out.splitlines()[0] == f"Tjekker Odsherred Kommune ({folder}) …"
    # A name that is not one printable line (here with a terminal escape) is never echoed: the folder stands alone.
    text = (folder / "municipality.yml").read_text(encoding="utf-8")
    (folder / "municipality.yml").write_text(text.replace("name: Odsherred Kommune", 'name: "Odsherred\\e[2J"'),
                                              encoding="utf-8")
    _, out = check(folder)
    assert out.splitlines()[0] == f"Tjekker {folder} …"


def test_the_national_notes_are_one_line_and_in_full_with_national(check):
    _, out = check(MUNICIPALITIES["halsnaes"])
    assert NATIONAL_HEADING not in out
    assert not [line for line in warning_lines(out) if "data/national/" in line]
    line = next(line for line in out.splitlines() if line.endswith("med --national"))
    found = re.match(r"^(\d+) (national oplysning|nationale oplysninger) afventer bekræftelse; se (den|dem) med "
                     r"--national$", line)
    count = int(found[1])
    assert (found[2], found[3]) == (("national oplysning", "den") if count == 1 else ("nationale oplysninger", "dem"))
    own = len(warning_lines(out))
    assert f"Data er i orden: 0 fejl og {own} advarsler." in out
    _, full = check(MUNICIPALITIES["halsnaes"], "--national")
    national = [line for line in warning_lines(full) if "data/national/" in line]
    assert NATIONAL_HEADING in full and len(national) == count
    assert all("ikke bekræftet i kilderne" in line for line in national)
    assert "med --national" not in full and f"Data er i orden: 0 fejl og {own + count} advarsler." in full


def dry_run(*args: str) -> str:
    """What make would run, with a venv that does not exist yet (so every install step shows)."""
    return subprocess.run(["make", "-n", *args, "VENV=/nonexistent-venv"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_make_site_builds_the_data_named_once_without_the_test_extras():
    run = dry_run("site", "DATA=data/halsnaes", "OUT=/tmp/ud")
    commands = [line for line in run.splitlines() if "/bin/infohus " in line]
    assert commands == ['/nonexistent-venv/bin/infohus build --data "data/halsnaes" --out "/tmp/ud"']
    assert "pip install --quiet -e ." in run and "[test]" not in run
    assert '--out "site-halsnaes"' in dry_run("site", "DATA=data/halsnaes")
    assert [line for line in dry_run("check", "DATA=data/halsnaes").splitlines() if "/bin/infohus " in line] == \
        ['/nonexistent-venv/bin/infohus check --data "data/halsnaes"']
    assert "-e '.[test]'" in dry_run("test")


def test_gitignore_covers_the_sites_of_other_municipalities():
    assert "site-*/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


# --- the name warning knows people and partners ------------------------------------------------------------

def test_a_partner_named_in_covered_elsewhere_may_be_named_and_another_municipality_still_warns(check, data_copy):
    municipality = data_copy / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    assert text.count("  topics: [extremism, social_control, honour]\n") == 1
    municipality.write_text(text.replace(
        "  topics: [extremism, social_control, honour]\n",
        "  topics: [extremism, social_control]\n  covered_elsewhere:\n"
        "    honour: https://www.holbaek.dk/faelles-beredskab\n"), encoding="utf-8")
    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    line = "      - Repræsenterer SÆH i Infohus Hjørring.\n"
    assert text.count(line) == 1
    contacts.write_text(text.replace(line, "      - Repræsenterer SÆH i Infohus Hjørring og i det fælles beredskab med "
                                           "Holbæk Kommune, ikke i Nyborg.\n"), encoding="utf-8")
    _, out = check(data_copy)
    named = [w for w in warning_lines(out) if "teksten nævner" in w]
    assert len(named) == 1 and "teksten nævner Nyborg, en anden kommune end Hjørring." in named[0], named
    assert named[0].endswith('Nævner den Nyborg med vilje, så skriv "mentions: [Nyborg]" i posten.')


def test_a_separate_plan_with_a_title_and_partners_is_linked_by_its_title_and_its_partners_may_be_named(
        check, data_copy, tmp_path):
    from macros.beredskab.page import document
    from macros.beredskab.view import PUBLIC, plan_view
    from macros.citizen.page import build_public
    from macros.model.dataset import load_dataset

    municipality = data_copy / "municipality.yml"
    text = municipality.read_text(encoding="utf-8")
    municipality.write_text(text.replace(
        "  topics: [extremism, social_control, honour]\n",
        "  topics: [extremism, social_control]\n  covered_elsewhere:\n    honour:\n"
        "      url: https://www.odsherred.dk/faelles-beredskab\n"
        "      title: Fælles beredskab mod æresrelaterede konflikter\n"
        "      partners: [Odsherred Kommune]\n", 1), encoding="utf-8")
    contacts = data_copy / "contacts.yml"
    line = "      - Repræsenterer SÆH i Infohus Hjørring.\n"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(
        line, "      - Repræsenterer SÆH i Infohus Hjørring og i det fælles beredskab med Odsherred Kommune.\n"),
        encoding="utf-8")
    code, out = check(data_copy)
    assert code == 0 and not [w for w in warning_lines(out) if "teksten nævner" in w], out
    ds, _ = load_dataset(data_copy)
    plan = ds.municipality.covered_elsewhere["honour"]
    assert (plan.url, plan.title, plan.partners) == ("https://www.odsherred.dk/faelles-beredskab",
                                                     "Fælles beredskab mod æresrelaterede konflikter",
                                                     ("Odsherred Kommune",))
    build_public(ds, tmp_path / "public")
    citizen = " ".join((tmp_path / "public" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "").split())
    assert ('<a href="https://www.odsherred.dk/faelles-beredskab">'
            '<span lang="da">Fælles beredskab mod æresrelaterede konflikter</span></a>' in citizen
            or '<a href="https://www.odsherred.dk/faelles-beredskab">Fælles beredskab mod æresrelaterede konflikter</a>'
            in citizen), citizen[citizen.find("faelles-beredskab") - 200:][:400]
    edition = " ".join(document(plan_view(ds, PUBLIC), for_pdf=False,
                                links={"citizen": "../", "pdf": "../beredskab.pdf", "pdf_facts": "PDF"}).split())
    assert ('<a href="https://www.odsherred.dk/faelles-beredskab">Fælles beredskab mod æresrelaterede konflikter</a> '
            '(odsherred.dk), fælles med Odsherred Kommune') in edition


# --- numbers ---------------------------------------------------------------------------------------------

def _set_phone(contacts, contact_id: str, number: str, label: str) -> None:
    text = contacts.read_text(encoding="utf-8")
    start = text.index(f"  - id: {contact_id}\n")
    end = text.find("\n  - id:", start + 1)
    block = text[start:end if end > 0 else len(text)]
    phone = '      - number: "72 33 33 33"\n        label: Hovednummer (eksempel)\n'
    assert block.count(phone) == 1
    contacts.write_text(text.replace(block, block.replace(
        phone, f'      - number: "{number}"\n        label: {label}\n')), encoding="utf-8")


def test_a_public_number_that_is_a_staff_members_direct_line_and_a_number_two_people_share_are_warned(check,
                                                                                                    data_copy):
    _, out = check(data_copy)
    assert not [w for w in warning_lines(out) if "står også hos" in w or "direkte nummer" in w], \
        "a main number labelled as such may be shared"
    contacts = data_copy / "contacts.yml"
    _set_phone(contacts, "ssp-konsulent", "98 76 54 32", "Direkte")
    _set_phone(contacts, "infohus-hjoerring", "98 76 54 32", "Teamets nummer")
    _set_phone(contacts, "infohus-saeh", "41 41 41 41", "Direkte")
    _set_phone(contacts, "infohus-au", "41 41 41 41", "Mobil")
    _, out = check(data_copy)
    public = [w for w in warning_lines(out) if "direkte nummer" in w]
    assert len(public) == 1 and public[0].startswith(f"{contacts}:")
    assert ("Infohus Hjørrings offentlige nummer 98 76 54 32 er også Eksempel: Anna Holms direkte nummer, så "
            "borgersiden viser en medarbejders linje. Skriv teamets fælles nummer hos Infohus Hjørring; er "
            "nummeret fælles, så skriv det under label hos begge, fx label: Hovednummer.") in public[0]
    shared = [w for w in warning_lines(out) if "står også hos" in w]
    assert len(shared) == 1 and "contacts[2].phones[0].number: nummeret 41 41 41 41 står også hos Eksempel: " \
        f"Jonas Mikkelsen ({contacts}:" in shared[0]
