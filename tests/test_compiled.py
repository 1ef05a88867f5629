"""Compiled templates kept between runs (macros/common/compiled.py): the kept code renders what a fresh compile
renders; an edited template, a tampered entry or a template of the municipality's is compiled anew; a folder
that is not the user's own is neither read nor written, and costs no note."""
from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

import jinja2
import pytest

from macros.common import compiled
from macros.common.paths import OVERRIDES
from macros.common.render import _SETTINGS, _with_filters, environment
from macros.handbook import theme


class Counted(jinja2.Environment):
    """An environment that counts its compiles (a kept template is loaded, not compiled)."""

    compiles = 0

    def _compile(self, source, filename):
        type(self).compiles += 1
        return super()._compile(source, filename)


@pytest.fixture
def writes(monkeypatch):
    """Compiled code may be written, as on a machine without PYTHONDONTWRITEBYTECODE."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def env_over(folder: Path, kept: compiled.CompiledTemplates) -> jinja2.Environment:
    env = _with_filters(Counted(loader=jinja2.FileSystemLoader(str(folder)), **_SETTINGS))
    env.bytecode_cache = kept
    return env


def one_template(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    """A folder of templates holding `name` with `text`."""
    folder = tmp_path / "t"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def kept_for(tmp_path: Path, folder: Path) -> compiled.CompiledTemplates:
    """A new bytecode cache over tmp_path/kept (as in a new process: nothing in memory) for templates in `folder`."""
    return compiled.CompiledTemplates(tmp_path / "kept", trusted=(folder,))


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".json")) \
        if folder.exists() else []


def test_the_real_templates_load_the_code_a_compile_makes(tmp_path, writes):
    names = ["partials/contact-card.html", "cards/card.html", "beredskab/document.html", "citizen/index.html"]
    fresh = _with_filters(jinja2.Environment(loader=jinja2.FileSystemLoader(str(OVERRIDES)), **_SETTINGS))
    first = env_over(OVERRIDES, compiled.CompiledTemplates(tmp_path / "kept", trusted=(OVERRIDES,)))
    for name in names:
        first.get_template(name)
    assert len(entries(tmp_path / "kept")) == len(names)
    Counted.compiles = 0
    again = env_over(OVERRIDES, compiled.CompiledTemplates(tmp_path / "kept", trusted=(OVERRIDES,)))
    for name in names:  # as in a new process: nothing in memory, every template's code from the folder
        assert marshal.dumps(again.get_template(name).root_render_func.__code__) == \
            marshal.dumps(fresh.get_template(name).root_render_func.__code__)
    assert Counted.compiles == 0


def test_kept_code_renders_what_a_compile_renders(tmp_path, writes):
    folder = one_template(tmp_path, "{% for x in items %}<b>{{ x | genitive }}</b>{% endfor %}\n")
    env_over(folder, kept_for(tmp_path, folder)).get_template("page.html")
    Counted.compiles = 0
    env = env_over(folder, kept_for(tmp_path, folder))
    assert env.get_template("page.html").render(items=["Hjørring", "<Anders>"]) == \
        "<b>Hjørrings</b><b>&lt;Anders&gt;s</b>"
    assert Counted.compiles == 0


def test_an_edited_template_is_compiled_anew(tmp_path, writes):
    folder = one_template(tmp_path, "før\n")
    assert env_over(folder, kept_for(tmp_path, folder)).get_template("page.html").render() == "før\n"
    one_template(tmp_path, "efter\n")
    Counted.compiles = 0
    assert env_over(folder, kept_for(tmp_path, folder)).get_template("page.html").render() == "efter\n"
    assert Counted.compiles == 1


def test_another_environment_setting_is_compiled_anew(tmp_path, writes):
    folder = one_template(tmp_path, "{{ x }}\n")
    assert env_over(folder, kept_for(tmp_path, folder)).get_template("page.html").render(x="<b>") == "&lt;b&gt;\n"
    raw = _with_filters(Counted(loader=jinja2.FileSystemLoader(str(folder)), **{**_SETTINGS, "autoescape": False}))
    raw.bytecode_cache = kept_for(tmp_path, folder)
    Counted.compiles = 0
    assert raw.get_template("page.html").render(x="<b>") == "<b>\n"  # never the autoescaping code
    assert Counted.compiles == 1


def test_a_tampered_entry_is_compiled_anew_and_left_alone(tmp_path, writes):
    folder = one_template(tmp_path, "ægte\n")
    env_over(folder, kept_for(tmp_path, folder)).get_template("page.html")
    [entry] = entries(tmp_path / "kept")
    forged = entry.read_bytes().replace("ægte".encode("utf-8"), b"FALSK")
    assert forged != entry.read_bytes()
    entry.write_bytes(forged)  # the record's SHA-256 no longer matches
    Counted.compiles = 0
    assert env_over(folder, kept_for(tmp_path, folder)).get_template("page.html").render() == "ægte\n"
    assert Counted.compiles == 1
    assert entry.read_bytes() == forged  # not the cache's to remove or replace


def test_a_template_given_as_text_or_from_the_data_is_never_kept(tmp_path, writes):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "own.html").write_text("egen\n")
    kept = compiled.CompiledTemplates(tmp_path / "kept", trusted=(OVERRIDES,))
    env = _with_filters(jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({"partials/contact-card.html": "kommunens egen\n"}),
        jinja2.FileSystemLoader(str(tmp_path / "data"))]), **_SETTINGS))
    env.bytecode_cache = kept
    assert env.get_template("partials/contact-card.html").render() == "kommunens egen\n"
    assert env.get_template("own.html").render() == "egen\n"
    assert entries(tmp_path / "kept") == [] and kept.memory == {}


def test_nothing_is_written_with_pythondontwritebytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    folder = one_template(tmp_path, "x\n")
    env_over(folder, kept_for(tmp_path, folder)).get_template("page.html")
    assert entries(tmp_path / "kept") == []


def test_a_folder_others_may_write_is_neither_read_nor_written_and_costs_no_note(tmp_path, writes, capsys):
    folder = one_template(tmp_path, "x\n")
    env_over(folder, kept_for(tmp_path, folder)).get_template("page.html")
    before = entries(tmp_path / "kept")
    os.chmod(tmp_path / "kept", 0o777)
    Counted.compiles = 0
    one_template(tmp_path, "y\n", "other.html")
    env = env_over(folder, kept_for(tmp_path, folder))
    assert env.get_template("page.html").render() == "x\n" and env.get_template("other.html").render() == "y\n"
    assert Counted.compiles == 2  # the entry there was not trusted, and nothing new was written
    assert entries(tmp_path / "kept") == before
    assert capsys.readouterr().err == ""


def test_a_symlinked_folder_is_not_written_through(tmp_path, writes, capsys):
    folder = one_template(tmp_path, "x\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "kept").symlink_to(tmp_path / "elsewhere")
    assert env_over(folder, kept_for(tmp_path, folder)).get_template("page.html").render() == "x\n"
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert capsys.readouterr().err == ""


def test_infohus_and_the_theme_keep_their_compiled_templates():
    assert environment().bytecode_cache is compiled.shared()
    env = theme.on_env(jinja2.Environment(loader=jinja2.DictLoader({})), None, None)
    assert env.bytecode_cache is compiled.shared()
    assert compiled.FOLDER.parent.name == "__pycache__"
