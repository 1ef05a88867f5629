"""The data format: which shape of YAML files this infohus reads (`format: N` at the top of municipality.yml).

Data without `format` is format 1: everything written before infohus 0.2.0. A folder in an older format is
not checked field by field, which would be a wall of errors about what changed between releases; it is
named in one line with the command that brings it forward (`infohus migrate`, macros/migrate/). A folder in
a newer format needs a newer infohus. Each format change ships a migration step (RELEASING.md).
"""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from ..common.paths import MUNICIPALITY_FILE
from .loader import load

DATA_FORMAT = 2   # what this infohus reads and `infohus new` writes
FIRST_FORMAT = 1  # data without a `format` key


class WrongFormat(Exception):
    """The data folder is written for another data format than this infohus reads."""

    def __init__(self, data_dir: Path, found: int, line: int = 1):
        super().__init__(data_dir, found, line)
        self.data_dir, self.found, self.line = Path(data_dir), found, line

    @property
    def older(self) -> bool:
        return self.found < DATA_FORMAT

    def sentence(self, command: str = "infohus") -> str:
        """The one line that says so, with the command to run (`command` as the user calls infohus)."""
        where = f"{self.data_dir / MUNICIPALITY_FILE}:{self.line}"
        if self.older:
            return (f"{where}: Data er skrevet til format {self.found}; kør {command} migrate --data "
                    f"{self.data_dir} (denne infohus læser format {DATA_FORMAT}).")
        return (f"{where}: Data er skrevet til format {self.found}, men denne infohus ({version()}) kan kun læse "
                f"format {DATA_FORMAT} og ældre. Opdatér infohus (fx pipx upgrade infohus), og prøv igen.")


def version() -> str:
    """The installed infohus' version, e.g. "0.2.0"."""
    try:
        return metadata.version("infohus")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "ukendt version"


def found_format(data_dir: Path) -> int | None:
    """The format `data_dir` is written to; None when municipality.yml is missing, unreadable or its
    `format` is no whole number (the check then reports that where it is)."""
    return format_and_line(data_dir)[0]


def format_and_line(data_dir: Path) -> tuple[int | None, int]:
    """The format and the line that says it (1 when no line does: where `format:` belongs)."""
    path = Path(data_dir) / MUNICIPALITY_FILE
    if not path.is_file():
        return None, 1
    doc, _ = load(path, str(path))
    if not isinstance(doc.data, dict):
        return None, 1
    found = doc.data.get("format", FIRST_FORMAT)
    line = doc.line(("format",)) if "format" in doc.data else 1
    return (found if isinstance(found, int) and not isinstance(found, bool) else None), line


def require_current(data_dir: Path) -> None:
    """WrongFormat unless `data_dir` is in this infohus' format (or too broken to say, as the check will)."""
    found, line = format_and_line(data_dir)
    if found is not None and found != DATA_FORMAT and found >= FIRST_FORMAT:
        raise WrongFormat(data_dir, found, line)
