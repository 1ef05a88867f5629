"""The YAML loader: lines for every value, and a clear problem instead of a traceback for bad files."""
from __future__ import annotations

from pathlib import Path

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
