"""`infohus new`: a new municipality folder from templates, with UDFYLD placeholders to fill in."""
from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from ..common.paths import SCHEMA_DIR
from ..common.templates import filled, municipality_id, templates
from ..model.dataset import national_records
from ..model.reference import comment, groups

# A line "# {{IDS:contacts}}" in a template becomes the list of national ids of that kind, as comments.
_IDS = re.compile(r"(?m)^([ ]*)# \{\{IDS:(\w+)\}\}$")

__all__ = ["create", "municipality_id", "template_text"]


def create(folder: Path, name: str) -> list[Path]:
    """Write the template files into `folder` (which must be new or empty); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for template in templates():
        target = folder / template.name
        target.write_text(template_text(template.stem, folder, name), encoding="utf-8")
        written.append(target)
    return written


def template_text(kind: str, folder: Path, name: str) -> str:
    """What `infohus new` writes as `kind`.yml into `folder` for the municipality called `name` (also what
    `infohus migrate` writes when a new format requires a file the folder does not have)."""
    template = next(t for t in templates() if t.stem == kind)
    schema = Path(os.path.relpath(SCHEMA_DIR, folder.resolve())).as_posix()
    text = filled(template.read_text(encoding="utf-8"), name, schema)
    return _IDS.sub(lambda m: comment(_national()[m[2]], m[1]), text)


@cache
def _national():
    """The shipped national records by kind, grouped as the templates' comments list them."""
    return {g.kind: g for g in groups(national_records(), lambda record: True)}
