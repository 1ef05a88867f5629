"""The build steps pyproject.toml cannot declare; setuptools reads everything else from pyproject.toml.

A wheel carries what infohus reads besides its code, so it runs from any folder: the repository's top-level
files and folders in SHARED, copied under macros/share/ in the same layout (macros/common/paths.py finds
them there), and the command line's Danish catalogue compiled to argparse.mo. An editable install (`make`)
copies nothing: there paths.py finds the checkout itself, and the command line compiles the catalogue.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# What the program reads outside its code; the sdist carries the same (MANIFEST.in).
SHARED = ("mkdocs.yml", "docs", "overrides", "data/schema", "data/national", "scripts/system-deps.sh")
CATALOGUE = Path("macros/locale/da/LC_MESSAGES/argparse.po")


def _shipped(path: Path) -> bool:
    """Files of SHARED that belong in the wheel: no editor or cache litter."""
    return not any(part.startswith(".") or part == "__pycache__" for part in path.parts)


class BuildWithShare(build_py):
    """build_py, then the shared folders and the compiled catalogue into the build's macros/ package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "macros"
        for name in SHARED:
            source = HERE / name
            sources = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for path in sources:
                relative = path.relative_to(HERE)
                if path.is_symlink():
                    raise RuntimeError(f"{relative} is a symbolic link; the wheel ships only real files")
                if _shipped(relative):
                    target = package / "share" / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
        self._compile_catalogue(package / CATALOGUE.relative_to("macros").with_suffix(".mo"))

    @staticmethod
    def _compile_catalogue(target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with (HERE / CATALOGUE).open("rb") as po:
            catalog = read_po(po, locale="da")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo:
            write_mo(mo, catalog)


setup(cmdclass={"build_py": BuildWithShare})
