"""`infohus check` and `infohus build` agree: what would stop a build, the check finds with file and line, and
the build never exits with a code other than 0, 1, 2 or 130.

Each case is data that main accepted in `check` and that then broke `build` (exit 100 with no message from
mkdocs-macros, exit 2 blaming infohus' template, or exit 1 with an error the check had not reported).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import error_lines
from macros.cli import main


def replace(path: Path, old: str, new: str, count: int = -1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def no_staff_path(data: Path) -> str:
    path = replace(data / "escalation.yml", "audience: staff", "audience: citizen")
    return (f"{path}:{line_of(path, 'paths:')}: paths: ingen vej for de emner, kommunen dækker, har audience: staff, "
            "så håndbogens forside kan ikke vise medarbejderne de første trin. Giv en af vejene audience: staff.")


def name_with(escape: str, message: str):
    def mutate(data: Path) -> str:
        path = replace(data / "contacts.yml", 'name: "Eksempel: Anna Holm"', f'name: "Eksempel: Anna{escape}Holm"')
        return f"{path}:{line_of(path, 'Anna')}: contacts[0].name: teksten indeholder {message}"
    return mutate


def no_public_contact_of_its_own(data: Path) -> str:
    path = replace(data / "contacts.yml", "visibility: public", "visibility: internal")
    return (f"{path}:1: contacts: ingen af Hjørring Kommunes egne kontakter er markeret visibility: public, så "
            "borgersiden har ingen lokal indgang.")


def no_card_for_the_covered_topics(data: Path) -> str:
    cards = data / "cards.yml"
    text = re.sub(r"topics: \[[a-z_, ]+\]", "topics: [honour]", cards.read_text(encoding="utf-8"))
    cards.write_text(text, encoding="utf-8")
    replace(data / "municipality.yml", "  topics: [extremism, social_control, honour]", "  topics: [extremism]")
    return f"{cards}:{line_of(cards, 'topics:')}: cards[0].topics: intet handlekort hører til de emner"


CASES = {
    "no staff path (was: exit 100, no message)": no_staff_path,
    "\\x01 in a name (was: exit 2 from WeasyPrint)": name_with("\\x01", "et usynligt styretegn (U+0001)"),
    "\\u0007 in a name (was: exit 2 from WeasyPrint)": name_with("\\u0007", "et usynligt styretegn (U+0007)"),
    "a bare CR in a name (was: lines injected into vCards)": name_with("\\r", "et vognretur-tegn"),
    "a character the PDF fonts lack (was: exit 2)": name_with("中", 'tegnet "中" (U+4E2D)'),
    "no public contact of its own (was: check 0, build 1)": no_public_contact_of_its_own,
    "no card for the covered topics (was: check 0, build 1)": no_card_for_the_covered_topics,
}


@pytest.mark.parametrize("mutate", CASES.values(), ids=CASES.keys())
def test_check_finds_with_file_and_line_what_would_stop_the_build_and_the_build_stops_with_it(
        mutate, data_copy, tmp_path, capsys):
    expected = mutate(data_copy)
    assert main(["check", "--data", str(data_copy)]) == 1
    checked = error_lines(capsys.readouterr().err)
    assert any(line.startswith(expected) for line in checked), "\n".join(checked)
    assert main(["build", "--data", str(data_copy), "--out", str(tmp_path / "site")]) == 1
    built = error_lines(capsys.readouterr().err)
    assert built == checked
    assert not (tmp_path / "site").exists()


def test_negative_control_the_unchanged_data_passes_the_check(data_copy, capsys):
    assert main(["check", "--data", str(data_copy)]) == 0


# --- the exit code is always one of ours -----------------------------------------------------------------

def test_a_failing_page_macro_is_exit_2_with_a_danish_sentence_not_mkdocs_macros_exit_100(
        data_copy, tmp_path, capsys, monkeypatch):
    """A fault in infohus itself (here: a macro that raises) is a system fault, said in Danish, never exit 100."""
    from macros.handbook import pages

    def broken(self):
        raise ValueError("en fejl i en makro")

    monkeypatch.setattr(pages.Helper, "first_steps", broken)
    code = main(["build", "--data", str(data_copy), "--out", str(tmp_path / "site")])  # was: SystemExit(100)
    err = capsys.readouterr().err
    assert code == 2
    assert ('infohus: Håndbogens side "index.md" kunne ikke laves (ValueError: en fejl i en makro). Det er en fejl i '
            "infohus, ikke i data: meld den til den, der vedligeholder infohus.") in err
    assert "Traceback" not in err and not (tmp_path / "site").exists()


def test_any_library_exit_during_the_build_becomes_exit_2(data_copy, tmp_path, capsys, monkeypatch):
    from macros.cards import pdf

    def exits(*args):
        raise SystemExit(7)

    monkeypatch.setattr(pdf, "build_cards", exits)
    monkeypatch.setattr("macros.build.build_cards", exits)
    assert main(["build", "--data", str(data_copy), "--out", str(tmp_path / "site")]) == 2
    assert "infohus: Byggeriet stoppede uventet (kode 7)" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_a_bare_mkdocs_build_stops_on_what_an_output_gate_refuses_with_exit_1(data_copy, tmp_path):
    """The handbook's Handlekort page asks the cards' gate; without this it was mkdocs-macros' exit 100."""
    import os
    import subprocess
    import sys

    from conftest import ROOT, TODAY

    expected = no_card_for_the_covered_topics(data_copy)
    env = {**os.environ, "INFOHUS_DATA": str(data_copy), "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr[-2000:]
    assert expected in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("raised", "said"), [
    (SystemExit(100), "infohus: serve stoppede uventet (kode 100). Det er ikke en fejl i data: meld den til den, der "
                      "vedligeholder infohus."),  # mkdocs-macros' exit in the preview's first build or a rebuild
    (RuntimeError("uventet sidestørrelse"), "infohus: serve stoppede på en fejl i infohus selv (RuntimeError: "
                                            "uventet sidestørrelse). Det er ikke en fejl i data"),
])
def test_the_command_edge_turns_any_other_exit_or_crash_into_exit_2_with_one_sentence(
        raised, said, monkeypatch, capsys):
    """A crash would otherwise be exit 1, which the README says means data errors, with a traceback."""
    import macros.serve

    def fails(*args):
        raise raised

    monkeypatch.setattr(macros.serve, "serve", fails)
    assert main(["serve"]) == 2
    assert capsys.readouterr().err.startswith(said)


def test_the_command_edge_keeps_the_exit_codes_that_are_its_own(monkeypatch):
    import macros.serve

    def exits(*args):
        raise SystemExit(1)

    monkeypatch.setattr(macros.serve, "serve", exits)
    with pytest.raises(SystemExit) as exited:
        main(["serve"])
    assert exited.value.code == 1
