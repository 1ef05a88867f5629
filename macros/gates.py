"""What would stop an output before it renders: each output's gate, run over the data set without rendering.

The citizen page, the beredskab's two editions and the action cards each refuse a data set they cannot
show (no public 112, no public entry of the municipality's own, no card left for the covered topics). Those
refusals are data errors with file and line; `infohus check` runs the same gates, so a data set the check
accepts is one the build accepts.
"""
from __future__ import annotations

from .beredskab.view import INTERNAL, PUBLIC, plan_view
from .cards.content import card_views
from .citizen.view import public_view
from .model.dataset import DataSet, load_dataset
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


def checked(data_dir, strict: bool = False, national_read=None) -> tuple[DataSet | None, list[Problem]]:
    """`load_dataset`, and when the data has no error, the gates' refusals too: what check and build both use.

    `national_read`: the national folder already read (`dataset.read_national`), for many municipalities."""
    ds, problems = load_dataset(data_dir, strict=strict, national_read=national_read)
    if ds is not None and not errors(problems):
        problems = sorted(set(problems) | set(refusals(ds)))
    return ds, problems


def heading(data_dir, ds: DataSet | None) -> str:
    """The first line of a check or a build: which municipality, from which folder."""
    name = ds.municipality.name if ds is not None and ds.municipality is not None else None
    return f"Tjekker {name} ({data_dir}) …" if name else f"Tjekker {data_dir} …"
