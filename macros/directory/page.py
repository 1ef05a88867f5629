"""Write the directory into a folder: index.html (the overview), hsds.json (HSDS 3.0) and kommuner.json."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from . import hsds
from .rows import ADOPTED, DRAFT, FAILED, Row, plain
from ..common.dates import date_text
from ..common.render import render
from ..model.municipality import TOPIC_NAMES

FILES = ("index.html", "hsds.json", "kommuner.json")


def write_directory(rows: list[Row], folder: Path, on: date) -> None:
    """The three files of the directory of `rows` (in the order given) into `folder`, dated `on`."""
    counts = {"adopted": sum(r.status == ADOPTED for r in rows), "draft": sum(r.status == DRAFT for r in rows),
              "overdue": sum(r.overdue for r in rows), "failed": sum(r.status == FAILED for r in rows)}
    html = render("directory/index.html", rows=rows, on=on, counts=counts, date_text=date_text,
                  names=lambda topics: ", ".join(TOPIC_NAMES[t] for t in topics))
    (folder / "index.html").write_text(html, encoding="utf-8")
    _json(folder / "hsds.json", hsds.export(rows, on))
    _json(folder / "kommuner.json", {"dato": on.isoformat(), "kommuner": [plain(r) for r in rows]})


def _json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
