"""What would stop an output before it renders: each output's gate, run over the data set without rendering.

The citizen page, the beredskab's two editions and the action cards each refuse a data set they cannot
show (no public 112, no public entry of the municipality's own, no card left for the covered topics). Those
refusals are data errors with file and line; `infohus check` runs the same gates, so a data set the check
accepts is one the build accepts.
"""
from __future__ import annotations

from pathlib import Path

from .beredskab.view import INTERNAL, PUBLIC, plan_view
from .cards.content import card_views
from .citizen.view import public_view
from .common.faults import SystemFault
from .model.dataset import DataSet, load_dataset
from .model.loader import load
from .model.problems import DataError, Problem, errors

GATES = (public_view, lambda ds: plan_view(ds, PUBLIC), lambda ds: plan_view(ds, INTERNAL), card_views)


def refusals(ds: DataSet) -> list[Problem]:
    """Every problem an output's gate would refuse `ds` with, each once; empty when every output can be built."""
    found: list[Problem] = []
    for gate in GATES:
        try:
            gate(ds)
        except DataError as exc:
            found.extend(p for p in exc.problems if p not in found)
    return found


def checked(data_dir, strict: bool = False, national_read=None,
            given: dict[str, bytes] | None = None) -> tuple[DataSet | None, list[Problem]]:
    """`load_dataset`, and when the data has no error, the gates' refusals too: what check and build both use.

    `national_read`: the national folder already read (`dataset.read_national`), for many municipalities.
    `given`: file name -> bytes read instead of that file (`infohus edit` checks a save before writing it)."""
    ds, problems = load_dataset(data_dir, strict=strict, national_read=national_read, given=given)
    if ds is not None and not errors(problems):
        problems = sorted(set(problems) | set(refusals(ds)))
    return ds, problems


def heading(data_dir, ds: DataSet | None) -> str:
    """The first line of a check or a build: which municipality, from which folder.

    Data with errors has no data set; the name is then read from municipality.yml itself where it is a plain
    one-line text, so the coordinator sees which municipality was checked even in the first rounds."""
    name = ds.municipality.name if ds is not None and ds.municipality is not None else _name_in(Path(data_dir))
    return f"Tjekker {name} ({data_dir}) …" if name else f"Tjekker {data_dir} …"


def _name_in(data_dir: Path) -> str | None:
    """`municipality.name` as written in municipality.yml, or None for anything but a short printable text."""
    try:
        doc, problems = load(data_dir / "municipality.yml", "municipality.yml")
    except (OSError, SystemFault):
        return None
    data = doc.data if not problems else None
    section = data.get("municipality") if isinstance(data, dict) else None
    name = section.get("name") if isinstance(section, dict) else None
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 80 or not name.isprintable():
        return None
    return name.strip()
