"""The house shows its flow: the model imports no output, outputs import only the model and the shared helpers."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

MACROS = ROOT / "macros"
OUTPUTS = ("handbook", "citizen", "cards", "beredskab", "scaffold")
# Room -> the rooms it may import from (besides itself).
ALLOWED = {"common": set(), "model": {"common"}, **{room: {"model", "common"} for room in OUTPUTS},
           "migrate": {"model", "common", "scaffold"},  # a new format's required texts come from the templates
           # The one exception to "outputs never import each other": the directory shows only what the citizen
           # page's public gate lets through, so it imports that gate (citizen.view) and nothing else of it.
           "directory": {"model", "common", "citizen"},
           # infohus edit judges a save as check does: the gates and the reprint report are top-level modules.
           "edit": {"model", "common", "migrate", "top-level", "gates"}}
GATE_ONLY = {"directory": {"citizen": {"macros.citizen.view", "macros.citizen.view.CitizenView",
                                       "macros.citizen.view.PublicContact", "macros.citizen.view.public_view"}}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, source: str | None = None) -> set[str]:
    """Every `macros...` module `path` (or `source` as if it were at `path`) imports, relative imports resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "macros" or m.startswith("macros.")}


def _room(module: str) -> str | None:
    """"macros.cards.pdf" -> "cards"; a top-level module ("macros.build") has no room."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (MACROS / parts[1]).is_dir()) else None


MODULES = sorted(p for room in ALLOWED for p in (MACROS / room).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(MACROS)))
def test_each_room_imports_only_the_rooms_below_it(path):
    room = path.relative_to(MACROS).parts[0]
    bad = sorted(m for m in _imports(path) if (_room(m) or "top-level") not in ALLOWED[room] | {room})
    assert bad == [], f"{path.relative_to(ROOT)} ({room}) may import only {sorted(ALLOWED[room])}, not {bad}"


@pytest.mark.parametrize("path", sorted((MACROS / "directory").rglob("*.py")), ids=lambda p: p.name)
def test_the_directory_takes_only_the_citizen_pages_public_gate(path):
    citizen = {m for m in _imports(path) if _room(m) == "citizen"}
    assert citizen <= GATE_ONLY["directory"]["citizen"], f"{path.relative_to(ROOT)} imports {sorted(citizen)}"


def test_the_import_reader_sees_a_forbidden_import():
    """Negative control: a cards module importing the citizen gate, or the model importing a card, is caught."""
    found = _imports(MACROS / "cards" / "probe.py", "from ..citizen.view import public_view\nimport macros.build\n")
    assert {"macros.citizen.view", "macros.build"} <= found
    assert _room("macros.citizen.view") == "citizen" and _room("macros.build") is None
    assert _room("macros.cards.pdf") not in ALLOWED["model"]


def test_macros_holds_few_top_level_modules_and_every_room_says_what_it_may_import():
    rooms = {p.name for p in MACROS.iterdir() if (p / "__init__.py").exists()}
    assert rooms == set(ALLOWED), "a new room must be listed in ALLOWED, so its imports are checked too"
    top = sorted(p.name for p in MACROS.glob("*.py"))
    assert len(top) <= 8, top
    for room in ALLOWED:
        doc = ast.get_docstring(ast.parse((MACROS / room / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"macros/{room}/__init__.py needs a docstring saying what it may import"
