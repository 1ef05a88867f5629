"""The YAML loader: lines for every value, and a clear problem instead of a traceback for bad files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from macros.model.loader import load


def load_text(tmp_path: Path, text: str | bytes):
    path = tmp_path / "contacts.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load(path, "contacts.yml")


def test_records_the_line_of_every_key(tmp_path):
    doc, problems = load_text(tmp_path, "contacts:\n  - id: a\n    name: A\n  - id: b\n    phones:\n      - number: \"112\"\n")
    assert problems == []
    assert doc.line(("contacts", 1, "phones", 0, "number")) == 6
    assert doc.line(("contacts", 0, "name")) == 3


def test_duplicate_key_is_an_error_naming_both_lines(tmp_path):
    _, problems = load_text(tmp_path, "contacts:\n  - id: a\n    name: A\n    name: B\n")
    assert [str(p) for p in problems] == [
        'contacts.yml:4: contacts[0].name: feltet "name" står to gange (også på linje 3). '
        "Slet den ene, så det er klart, hvilken værdi der gælder."]


def test_tab_indentation_names_every_line(tmp_path):
    _, problems = load_text(tmp_path, "contacts:\n\t- id: a\n  - id: b\n\t\tname: x\n")
    assert [p.line for p in problems] == [2, 4]
    assert "tabulatortegn" in problems[0].message


def test_non_utf8_bytes_name_the_line_and_the_fix(tmp_path):
    _, problems = load_text(tmp_path, "contacts:\n  - id: a\n    name: S\xf8ren\n".encode("latin-1"))
    assert [str(p) for p in problems] == [
        "contacts.yml:3: filen er ikke gemt som UTF-8 (byte 0xF8). Gem filen som UTF-8 i din editor; "
        "så bliver æ, ø og å rigtige."]


def test_empty_and_comment_only_files_are_reported_empty(tmp_path):
    for text in ("", "   \n", "# yaml-language-server: $schema=x\n# intet\n"):
        _, problems = load_text(tmp_path, text)
        assert len(problems) == 1 and "filen er tom" in problems[0].message


def test_malformed_yaml_gives_a_danish_hint_at_the_line(tmp_path):
    _, problems = load_text(tmp_path, "contacts:\n  - id: a\n    name: Tekst: med kolon\n")
    assert problems[0].line == 3
    assert "Sæt teksten i anførselstegn" in problems[0].message


def test_unclosed_quote_is_reported_without_traceback(tmp_path):
    _, problems = load_text(tmp_path, 'contacts:\n  - id: "a\n')
    assert len(problems) == 1 and problems[0].file == "contacts.yml"


def test_times_and_norway_stay_text_and_dates_stay_text(tmp_path):
    doc, problems = load_text(tmp_path, "a: 08:00\nb: no\nc: 2026-11-01\nd: 41749090\ne: true\nf: ~\n")
    assert problems == []
    assert doc.data == {"a": "08:00", "b": "no", "c": "2026-11-01", "d": 41749090, "e": True, "f": None}


def test_several_documents_are_refused(tmp_path):
    _, problems = load_text(tmp_path, "a: 1\n---\nb: 2\n")
    assert "flere dokumenter" in problems[0].message


def test_python_tags_are_not_constructed(tmp_path):
    doc, problems = load_text(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert problems and "bruges ikke her" in problems[0].message


def test_control_characters_are_refused(tmp_path):
    _, problems = load_text(tmp_path, "a: ok\nb: bad\x07\n")
    assert problems[0].line == 2 and "styretegn" in problems[0].message


# --- hostile files: nothing a file holds or is makes the loader crash, hang or read elsewhere ------------

def test_a_recursive_alias_is_refused_where_it_stands(tmp_path):
    doc, problems = load_text(tmp_path, "a: 1\nx: &a [*a]\n")  # was a RecursionError traceback
    assert [str(p) for p in problems] == [
        "contacts.yml:2: x[0]: *a står inde i den værdi, ankeret &a navngiver, så værdien ville gentage sig selv "
        "uden ende. Skriv værdien ud i stedet for *a."]
    assert doc.data is None


def test_nesting_deeper_than_fifty_is_refused_and_fifty_is_read(tmp_path):
    doc, problems = load_text(tmp_path, "x: " + "[" * 49 + "]" * 49 + "\n")  # 50 levels with the file's own
    assert problems == [] and doc.data is not None
    for depth in (50, 980, 100_000):  # 980 was a RecursionError; libyaml itself stops at 1000 flow levels
        doc, problems = load_text(tmp_path, "a: 1\nx: " + "[" * depth + "]" * depth + "\n")
        assert len(problems) == 1 and problems[0].line == 2, depth
        assert "mere end 50 niveauer inde i hinanden" in problems[0].message
        assert doc.data is None


def test_deep_block_nesting_is_refused_too(tmp_path):
    text = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v\n"
    doc, problems = load_text(tmp_path, text)
    assert len(problems) == 1 and problems[0].line == 51 and "50 niveauer" in problems[0].message


def alias_bomb(levels: int) -> str:
    lines = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_unfolds(tmp_path):
    doc, problems = load_text(tmp_path, alias_bomb(9))  # 10^9 values: was a MemoryError after minutes
    assert doc.data is None
    assert [str(p) for p in problems] == [
        "contacts.yml:4: x3[7]: henvisningerne til ankre (*navn) gentager tilsammen mere end 10.000 værdier i "
        "filen. Skriv værdierne ud, eller brug færre henvisninger."]


def test_aliases_within_the_budget_are_copies_with_their_lines(tmp_path):
    doc, problems = load_text(tmp_path, alias_bomb(3))  # 110 + 1110 values repeated: under 10,000
    assert problems == []
    assert len(doc.data["x2"]) == 10 and doc.data["x2"][9][9] == ["a"] * 10
    doc, problems = load_text(tmp_path, "a: &x\n  b: 1\n  c: [2]\nd: *x\n")
    assert problems == [] and doc.data["d"] == {"b": 1, "c": [2]} and doc.data["d"] is not doc.data["a"]
    assert (doc.line(("d",)), doc.line(("d", "c", 0))) == (4, 3)


def test_an_undefined_alias_names_the_line(tmp_path):
    _, problems = load_text(tmp_path, "a: 1\nb: *nope\n")
    assert [str(p) for p in problems] == [
        "contacts.yml:2: b: *nope henviser til et anker (&nope), der ikke findes før linjen. Skriv ankeret "
        "først, eller skriv værdien ud."]


def test_the_bounds_hold_for_the_pure_python_parser_too(tmp_path):
    from macros.model import loader

    for text, expected in (("x: &a [*a]\n", "uden ende"), ("x: " + "[" * 60 + "]" * 60 + "\n", "50 niveauer"),
                           (alias_bomb(9), "10.000 værdier")):
        builder = loader._Builder(loader._PyEvents(text), loader.Document(tmp_path / "x.yml", "x.yml"), [])
        with pytest.raises(loader._Refused) as refused:
            builder.document()
        assert expected in refused.value.problem.message


def test_escaped_control_characters_and_bare_carriage_returns_in_values_are_refused(tmp_path):
    _, problems = load_text(tmp_path, 'a: "x\\u0007y"\nb: "x\\ry"\nc: "ok\\tand\\nok"\nd: "\\x85"\n"e\\x01": 1\n')
    assert [(p.line, p.path) for p in problems] == [(1, "a"), (2, "b"), (4, "d"), (5, "")]
    assert "usynligt styretegn (U+0007)" in problems[0].message and "\\x07 eller \\u0007" in problems[0].message
    assert "vognretur-tegn" in problems[1].message
    assert problems[3].message.startswith("feltnavnet indeholder et usynligt styretegn (U+0001)")


def test_characters_the_pdf_fonts_lack_are_refused_and_danish_and_other_scripts_pass(tmp_path):
    _, problems = load_text(tmp_path, 'a: "Ærø, Çağlar, Łódź, Nguyễn, Ψ, Ж, عمر, שלום, – § € ½ ✓"\n'
                                      'b: "中"\nc: "\\ue000"\nd: "\\u202e"\ne: "\\u2028"\n')
    assert [(p.line, p.path) for p in problems] == [(2, "b"), (3, "c"), (4, "d"), (5, "e")]
    assert 'tegnet "中" (U+4E2D), som skrifttyperne i beredskabets PDF ikke har' in problems[0].message
    assert "privat eller ubrugt tegnnummer" in problems[1].message


def test_a_fifo_named_like_a_data_file_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "contacts.yml")  # opened for reading, it would wait for a writer for ever
    _, problems = load(tmp_path / "contacts.yml", "contacts.yml")
    assert [str(p) for p in problems] == [
        'contacts.yml:1: "contacts.yml" er en navngiven pipe (FIFO), ikke en almindelig fil, så infohus læser den '
        "ikke. Slet den, eller erstat den med en almindelig YAML-fil."]


def test_a_socket_a_device_and_a_folder_named_like_data_files_are_refused(tmp_path):
    import socket

    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "contacts.yml"))
        assert "er en socket" in load(tmp_path / "contacts.yml", "c")[1][0].message
    assert "er en enhed" in load(Path("/dev/zero"), "c")[1][0].message  # reading it would never end
    (tmp_path / "legal.yml").mkdir()
    assert "er en mappe" in load(tmp_path / "legal.yml", "c")[1][0].message


def test_a_symlinked_data_file_is_refused_and_its_target_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("name: hemmelig\n", encoding="utf-8")
    (tmp_path / "contacts.yml").symlink_to(secret)
    doc, problems = load(tmp_path / "contacts.yml", "contacts.yml")
    assert len(problems) == 1 and "symbolsk link" in problems[0].message
    assert doc.data is None and "hemmelig" not in str(problems)


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "contacts.yml"
    with big.open("wb") as out:
        out.truncate(5 * 1024 * 1024 + 1)  # sparse: no disk is filled
    assert [str(p) for p in load(big, "contacts.yml")[1]] == [
        "contacts.yml:1: filen fylder 5,0 MB; infohus læser højst 5 MB pr. fil. Er det den rigtige fil? Del den "
        "op, eller slet det, der ikke hører til."]


def test_check_refuses_a_fifo_data_file_at_once_instead_of_hanging(data_copy):
    (data_copy / "definitions.yml").unlink()
    os.mkfifo(data_copy / "definitions.yml")
    done = subprocess.run([sys.executable, "-m", "macros.cli", "check", "--data", str(data_copy)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # was: waited for ever
    assert done.returncode == 1
    assert f'{data_copy / "definitions.yml"}:1: "definitions.yml" er en navngiven pipe (FIFO)' in done.stderr
