"""`infohus new`: a new municipality folder from templates, with UDFYLD placeholders to fill in."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..common.paths import SCHEMA_DIR
from ..common.templates import filled, municipality_id, templates
from ..model.dataset import national_records
from ..model.reference import comment, groups

# A line "# {{IDS:contacts}}" in a template becomes the list of national ids of that kind, as comments.
_IDS = re.compile(r"(?m)^([ ]*)# \{\{IDS:(\w+)\}\}$")

__all__ = ["create", "municipality_id"]


def create(folder: Path, name: str) -> list[Path]:
    """Write the template files into `folder` (which must be new or empty); returns the files written."""
    schema = Path(os.path.relpath(SCHEMA_DIR, folder.resolve())).as_posix()
    national = {g.kind: g for g in groups(national_records(), lambda record: True)}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for template in templates():
        text = filled(template.read_text(encoding="utf-8"), name, schema)
        text = _IDS.sub(lambda m: comment(national[m[2]], m[1]), text)
        target = folder / template.name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
