"""The data format and `infohus migrate`: older data is named in one line, then brought forward in place.

Each folder under tests/formats/ is a municipality's data in an earlier format, filled in as a coordinator
would and checked with 0 errors (and --strict) by the infohus of that time (tests/formats/README.md). Every
step of the migration must take each of them to a folder that checks with 0 errors and builds, with only
the changed lines changed, and that --strict refuses exactly until the texts the report names are written.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import ROOT, TODAY, error_lines, warning_lines
from macros.cli import main
from macros.common.paths import NATIONAL_DIR, SCAFFOLD_TEMPLATES, SCHEMA_DIR
from macros.migrate import STEPS, step_1_to_2
from macros.model.dataformat import DATA_FORMAT, FIRST_FORMAT, found_format
from macros.model.dataset import national_records

FORMATS = ROOT / "tests" / "formats"
FIXTURES = sorted(p / "odsherred" for p in FORMATS.glob("format-*") if p.is_dir())
OLD = FORMATS / "format-1-a3ee08f" / "odsherred"  # the release before the beredskab, as the issue found it
ENV = {**os.environ, "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
NOTE = re.compile(r"^  (?P<file>\S+?):(?P<line>\d+): (?P<text>.*)$")


def copy(fixture: Path, parent: Path) -> Path:
    """The fixture's folder copied to `parent`/odsherred (a municipality's folder outside the repository)."""
    target = parent / "odsherred"
    shutil.copytree(fixture, target)
    return target


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros.cli", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True)


def sections(report: str) -> dict[str, list[str]]:
    """The report's notes by heading: "Ændret", "Kunne ikke afgøres", "Skal skrives af dig"."""
    found: dict[str, list[str]] = {}
    current = None
    for line in report.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            current = line.split(" (")[0].rstrip(":")
            found[current] = []
        elif current and line.startswith("  "):
            found[current].append(line)
        elif not line:
            current = None
    return found


def removed_lines(before: str, after: str) -> list[str]:
    return [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]


# -- the format ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_older_data_is_named_in_one_line_with_the_command_to_run(fixture, tmp_path):
    folder = copy(fixture, tmp_path)
    done = run("check", "--data", "odsherred", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("odsherred/municipality.yml:1: Data er skrevet til format 1; kør infohus migrate --data "
                           f"odsherred (denne infohus læser format {DATA_FORMAT}).\n")
    built = run("build", "--data", "odsherred", "--out", "site", cwd=tmp_path)
    assert built.returncode == 1 and built.stderr.count("\n") == 1 and "infohus migrate" in built.stderr
    assert not (tmp_path / "site").exists()
    assert found_format(folder) == 1


def test_data_of_a_newer_format_asks_for_a_newer_infohus(data_copy, capsys):
    path = data_copy / "municipality.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("format: 2", "format: 3", 1), encoding="utf-8")
    assert main(["check", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "Data er skrevet til format 3" in err[0] and "Opdatér infohus" in err[0], err
    assert main(["migrate", "--data", str(data_copy)]) == 2


def test_everything_infohus_writes_or_ships_is_in_the_current_format():
    assert json.loads((SCHEMA_DIR / "municipality.schema.json").read_text(encoding="utf-8"))["properties"][
        "format"]["const"] == DATA_FORMAT
    assert re.search(rf"(?m)^format: {DATA_FORMAT}  #", (SCAFFOLD_TEMPLATES / "municipality.yml").read_text("utf-8"))
    for folder in (ROOT / "data").iterdir():
        if (folder / "municipality.yml").is_file():
            assert found_format(folder) == DATA_FORMAT, folder


def test_each_format_has_a_step_and_a_fixture_of_the_format_before_it():
    """The rule of RELEASING.md: every format change ships a migration step and a fixture of the previous format."""
    assert [(s.FROM, s.TO) for s in STEPS] == [(n, n + 1) for n in range(FIRST_FORMAT, DATA_FORMAT)]
    for step in STEPS:
        assert list(FORMATS.glob(f"format-{step.FROM}-*/odsherred/municipality.yml")), f"no fixture of format {step.FROM}"


def test_every_national_id_of_format_1_still_exists_or_has_its_fate_in_the_step():
    """A municipality of format 1 may name any national id any earlier release shipped: each must still be
    there, or the 1 -> 2 step must say what it became (and the replacement must exist)."""
    shipped = json.loads((FORMATS / "format-1-national-ids.json").read_text(encoding="utf-8"))
    now = national_records(NATIONAL_DIR)
    for kind in ("contacts", "definitions", "legal", "sources", "organisations"):
        gone = {old for old in shipped[kind] if old not in now[kind]}
        assert gone == set(step_1_to_2.REMOVED_NATIONAL_IDS.get(kind, {})), kind
        for old, (new, why, _) in step_1_to_2.REMOVED_NATIONAL_IDS[kind].items():
            assert new is None or new in now[kind], f"{old} -> {new}: no such national {kind}"
            assert why and not why.endswith("."), why  # the report adds the full stop


# -- migrating the fixtures ----------------------------------------------------------------------------

@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_migrate_brings_the_folder_forward_keeping_everything_it_does_not_change(fixture, tmp_path):
    folder = copy(fixture, tmp_path)
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yml")}
    done = run("migrate", "--data", "odsherred", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = done.stdout
    assert report.startswith(f"Data i odsherred er flyttet fra dataformat 1 til {DATA_FORMAT} (infohus ")
    assert "Sikkerhedskopi af mappen, som den var: odsherred.backup-format-1\n" in report
    assert report.endswith("Se, hvad der nu mangler: infohus check --data odsherred\n")
    backup = tmp_path / "odsherred.backup-format-1"
    assert {p.name: p.read_text(encoding="utf-8") for p in backup.glob("*.yml")} == before, "the backup is the folder"
    assert found_format(folder) == DATA_FORMAT

    notes = [m for line in report.splitlines() if (m := NOTE.match(line))]
    for note in notes:  # each note points at a real line of the file as written
        lines = (tmp_path / note["file"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= int(note["line"]) <= len(lines), note.group(0)
    named = " ".join(n["text"] for n in notes)
    for name, text in before.items():
        after = (folder / name).read_text(encoding="utf-8")
        comments = [line for line in text.splitlines() if line.lstrip().startswith("#") and "$schema=" not in line]
        assert [line for line in after.splitlines() if line in comments] == comments, f"{name}: a comment was lost"
        for line in removed_lines(text, after):
            ids = re.findall(r"[a-z0-9][a-z0-9-]+", line.split(":", 1)[-1])
            assert "$schema=" in line or any(f"{i} er " in named for i in ids), f"{name}: changed, not reported: {line}"

    again = run("migrate", "--data", "odsherred", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == f"Data i odsherred er allerede i dataformat {DATA_FORMAT}. Intet er ændret.\n"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_migrated_data_checks_clean_and_strict_refuses_exactly_what_the_report_asks_to_write(fixture, tmp_path):
    folder = copy(fixture, tmp_path)
    report = run("migrate", "--data", "odsherred", cwd=tmp_path).stdout
    to_write = sorted(line.split(": ", 1)[0].strip() for line in sections(report).get("Skal skrives af dig", []))

    checked = run("check", "--data", "odsherred", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 fejl" in checked.stdout
    strict = run("check", "--strict", "--data", "odsherred", cwd=tmp_path)
    assert sorted(line.split(": ", 1)[0] for line in error_lines(strict.stdout + strict.stderr)) == to_write
    assert strict.returncode == (1 if to_write else 0)

    write_own_texts(folder, error_lines(strict.stdout + strict.stderr))
    written = run("check", "--strict", "--data", "odsherred", cwd=tmp_path)
    assert written.returncode == 0, written.stdout + written.stderr


def written_section(key: str, text: str):
    """A plan section as the coordinator writes it, in the shape its schema asks for."""
    return {"target_groups": [text], "partners": [text], "roles": [{"who": "SSP-konsulenten", "does": text}],
            "related_plans": [{"title": text}]}.get(key, text)


def write_own_texts(folder: Path, errors: list[str]) -> None:
    """What the coordinator does after the report: each text it names, written in the municipality's own words;
    a route it asks to confirm, confirmed (its needs_confirmation line deleted)."""
    yaml = YAML()
    yaml.preserve_quotes, yaml.width = True, 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    for number, line in enumerate(errors):
        where, path = line.split(": ", 2)[:2]
        file = Path(where.rsplit(":", 1)[0])
        file = file if file.is_absolute() else folder.parent / file
        data = yaml.load(file.read_text(encoding="utf-8"))
        missing = re.search(r"afsnittet ».*?« mangler\..*? under sections: (\w+):", line)
        if missing:  # a section the plan lacks: written under plan.sections
            data["plan"].setdefault("sections", {})[missing[1]] = written_section(missing[1], "Egen tekst.")
            with file.open("w", encoding="utf-8") as out:
                yaml.dump(data, out)
            continue
        node, parts = data, re.findall(r"[^.\[\]]+", path)
        for part in parts[:-1]:
            node = node[int(part) if part.isdigit() else part]
        last = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
        own = f"Odsherred Kommunes egen tekst nr. {number + 1}."
        if last == "needs_confirmation":
            del node[last]
        elif last == "to_write":  # a section still to write: the section itself, written
            node, section = data, parts[-2]
            for part in parts[:-2]:
                node = node[part]
            node[section] = written_section(section, own)
        else:
            node[last] = own
        with file.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)


def test_the_release_before_the_beredskab_is_migrated_as_the_issue_describes(tmp_path):
    """The 7 errors of the issue (plan.yml, urls.beredskab, verified on 3 own definitions, 2 removed ids) and the 2
    removed ids behind them (ncfe, eae in related), each handled and reported."""
    folder = copy(OLD, tmp_path)
    report = sections(run("migrate", "--data", "odsherred", cwd=tmp_path).stdout)
    changed = "\n".join(report["Ændret"])
    assert "odsherred/municipality.yml:4: format: 2, dataformatet" in report["Ændret"][0]
    assert "odsherred/plan.yml:1: oprettet fra skabelonen" in changed
    assert ("odsherred/municipality.yml:24: urls.beredskab sat til https://www.eksempel-kommune.dk/infohus/beredskab/"
            in changed)
    assert "odsherred/definitions.yml:10: ncfe er erstattet af cde: NCFE blev i 2022 lagt sammen" in changed
    assert "odsherred/definitions.yml:30: eae er fjernet fra listen" in changed
    assert "odsherred/escalation.yml:72: udlaendingestyrelsen-indberetning er fjernet fra listen" in changed
    assert "odsherred/escalation.yml:73: indberetning-udlaendingestyrelsen er fjernet fra listen" in changed
    assert "$schema-linjen øverst i cards.yml," in changed
    undecided = "\n".join(report["Kunne ikke afgøres"])
    assert undecided.count("havde ingen dato for, hvornår den sidst blev bekræftet") == 3
    assert "odsherred/escalation.yml:71: teksten nævner stadig det, udlaendingestyrelsen-indberetning" in undecided
    assert [line.split(": ", 2)[1] for line in report["Skal skrives af dig"]] == [
        "plan.purpose", "plan.goals[0]", "plan.prevention", "plan.detection", "plan.handling", "plan.communication",
        *(f"plan.sections.{key}.to_write" for key in ("summary", "target_groups", "roles", "competence", "follow_up",
                                                       "related_plans", "partners")),
        "municipality.after_hours.needs_confirmation"]

    text = (folder / "escalation.yml").read_text(encoding="utf-8")
    assert "contacts: [ssp-konsulent, politi-kontakt]\n        legal: [underretningspligt]\n" in text
    assert "related: [ssp, cde]" in (folder / "definitions.yml").read_text(encoding="utf-8")
    municipality = (folder / "municipality.yml").read_text(encoding="utf-8")
    assert "    public: https://www.eksempel-kommune.dk/infohus/\n    beredskab: https://www.eksempel-kommune.dk/" \
           "infohus/beredskab/\n    accessibility:" in municipality
    checked = run("check", "--data", "odsherred", cwd=tmp_path).stdout
    assert len([w for w in warning_lines(checked) if "Ført over fra dataformat 1" in w]) == 3
    assert len([w for w in warning_lines(checked) if "er skabelonens tekst" in w]) == 6

    built = run("build", "--data", "odsherred", "--out", "site", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    web = (tmp_path / "site" / "public" / "beredskab" / "index.html").read_text(encoding="utf-8")
    assert "Odsherred Kommune" in web and "Skabelontekst:" in web


# -- safety -------------------------------------------------------------------------------------------

def git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**ENV, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-c", "user.name=K", "-c", "user.email=k@kommune.example", "-c",
                           "commit.gpgsign=false", *args], cwd=folder, env=env, capture_output=True, text=True,
                          check=True)


def test_in_git_a_clean_folder_is_migrated_without_backup_and_a_dirty_one_only_when_told(tmp_path):
    repo = tmp_path / "kommunens-data"
    folder = copy(OLD, repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "data")
    (folder / "contacts.yml").write_text((folder / "contacts.yml").read_text(encoding="utf-8") + "# ny linje\n",
                                         encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    refused = run("migrate", "--data", "odsherred", cwd=repo)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "har ændringer, der ikke er committet" in refused.stderr and "--force" in refused.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before and len(list(repo.iterdir())) == 2

    forced = run("migrate", "--data", "odsherred", "--force", cwd=repo)
    assert forced.returncode == 0 and "Sikkerhedskopi af mappen" in forced.stdout
    assert (repo / "odsherred.backup-format-1" / "contacts.yml").read_bytes() == before["contacts.yml"]

    clean = tmp_path / "ren"
    copy(OLD, clean)
    git(clean, "init", "-q")
    git(clean, "add", "-A")
    git(clean, "commit", "-q", "-m", "data")
    done = run("migrate", "--data", "odsherred", cwd=clean)
    assert done.returncode == 0
    assert "Mappen er i git: se ændringerne med git diff, og fortryd dem med git checkout -- odsherred" in done.stdout
    assert sorted(p.name for p in clean.iterdir()) == [".git", "odsherred"], "no backup beside a clean git folder"
    assert "M odsherred/municipality.yml" in git(clean, "status", "--porcelain").stdout


def test_a_folder_git_ignores_gets_a_backup(tmp_path):
    """git cannot give back what it ignores: such a folder is treated as not in git."""
    repo = tmp_path / "repo"
    copy(OLD, repo)
    (repo / ".gitignore").write_text("odsherred/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kun .gitignore")
    done = run("migrate", "--data", "odsherred", cwd=repo)
    assert done.returncode == 0 and "Sikkerhedskopi af mappen, som den var: odsherred.backup-format-1" in done.stdout


def test_a_file_whose_layout_cannot_be_kept_is_left_alone_and_named(tmp_path):
    folder = copy(OLD, tmp_path)
    path = folder / "definitions.yml"
    head, body = path.read_text(encoding="utf-8").split("definitions:\n")
    odd = head + "definitions:\n" + re.sub(r"(?m)^(?=.)", " ", body)  # every line of the list one column further in
    path.write_text(odd, encoding="utf-8")
    done = run("migrate", "--data", "odsherred", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == odd
    assert ("odsherred/definitions.yml:1: filen kan ikke skrives tilbage uden at ændre dens opsætning (indrykning "
            "eller anførselstegn), så infohus migrate har ikke rettet den. Ret selv:") in done.stdout
    checked = run("check", "--data", "odsherred", cwd=tmp_path)
    assert checked.returncode == 1 and "definitions.yml" in checked.stderr and "verified" in checked.stderr


def test_a_symlinked_file_is_never_written_through(tmp_path):
    outside = tmp_path / "udenfor.yml"
    folder = copy(OLD, tmp_path / "kommune")
    shutil.move(folder / "definitions.yml", outside)
    (folder / "definitions.yml").symlink_to(outside)
    before = outside.read_bytes()
    done = run("migrate", "--data", "odsherred", cwd=tmp_path / "kommune")
    assert done.returncode == 0, done.stderr
    assert outside.read_bytes() == before and (folder / "definitions.yml").is_symlink()
    assert "genvej (et symbolsk link)" in done.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="a read-only bind mount needs root; CI runs the suite as root")
def test_a_read_only_folder_is_one_danish_sentence_and_nothing_changes(tmp_path):
    folder = copy(OLD, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        done = run("migrate", "--data", "odsherred", cwd=tmp_path)
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "skrivebeskyttet" in done.stderr and "Intet er ændret." in done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
