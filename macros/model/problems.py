"""Problems found in the data: one type for errors and warnings, formatted for the coordinator."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
# Up to this many valid ids are listed in the message itself; with more, the message says where they are.
LISTED_IDS = 12
# Where the handbook lists every id a municipality can point at (the coordinator page's reference).
ID_REFERENCE = "siden »Til koordinatoren« i håndbogen, under »Id'er, du kan henvise til«"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located by file, line and path."""

    file: str
    line: int
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


def example_of(kind: str) -> str:
    """Where a coordinator finds a file of `kind` to start from: the scaffold's template through `infohus new`
    (it fills in the name and the schema line), or the national file; never another municipality's files."""
    from ..common.paths import NATIONAL_DIR, SCAFFOLD_TEMPLATES

    if (SCAFFOLD_TEMPLATES / f"{kind}.yml").is_file():
        return (f"kør infohus new --name \"Din Kommune\" skabelon, og kopiér skabelon/{kind}.yml, "
                "der viser hvert felt med en forklaring")
    return f"se den nationale fil {_shown(NATIONAL_DIR / f'{kind}.yml')}, der har samme opbygning"


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it lies below it, as the check names every file."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unknown_id(value: str, options, what: str, where: str | None = None, every: bool = False,
               own=()) -> str:
    """"x" findes ikke i <what>, with the closest id ("Mente du ...?") and the valid ids, or where they are.

    `every`: list every option in the order given (the steps of one path, all in the same file).
    `own`: the municipality's own ids among `options`; a close one of those is suggested before a national one,
    as a typo in the coordinator's file is most likely a typo of the coordinator's own id."""
    options = list(options) if every else sorted(options)
    guess = difflib.get_close_matches(value, sorted(own), n=1, cutoff=0.6) \
        or difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    message = f"\"{value}\" findes ikke i {what}."
    if guess:
        message += f" Mente du \"{guess[0]}\"?"
    if not options:
        return message + f" Der er endnu ingen at vælge imellem: opret den først i {where or what}."
    if every or len(options) <= LISTED_IDS:
        return message + f" Brug et af: {', '.join(options)}."
    return message + f" Se alle {len(options)} i {where or what} eller på {ID_REFERENCE}."


class DataError(Exception):
    """Raised when the data has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(report(problems))

    def __reduce__(self):  # rebuilt from its problems, not its message (a build part runs in a child process)
        return DataError, (self.problems,)


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that stop a build."""
    return [p for p in problems if p.severity == "error"]


def warnings(problems: list[Problem]) -> list[Problem]:
    """The problems that are only warnings."""
    return [p for p in problems if p.severity == "warning"]


UNCONFIRMED = "ikke bekræftet i kilderne"  # the words of a national fact not yet confirmed
NATIONAL_HEADING = "Advarsler om de nationale data (dem retter infohus, ikke du; de forsvinder, når infohus opdateres):"


def report(problems: list[Problem], national_dir: Path | None = None, national_in_full: bool = False) -> str:
    """All problems as Danish text: errors first, then warnings, then a summary line.

    Warnings about files in `national_dir` are no one's the coordinator can fix (the national data ships
    with infohus), and they must not hide the municipality's own: by default they are one line after the
    municipality's warnings ("9 nationale oplysninger afventer bekræftelse; se dem med --national"), in
    full (`national_in_full`, `infohus check --national`) under their own heading."""
    folder = Path(national_dir).resolve() if national_dir is not None else None
    files: dict[str, bool] = {}  # file -> whether it lies in the national folder, resolved once per file

    def national(p: Problem) -> bool:
        if folder is None:
            return False
        if p.file not in files:
            files[p.file] = Path(p.file).resolve().is_relative_to(folder)
        return files[p.file]

    lines: list[str] = []
    own = [p for p in warnings(problems) if not national(p)]
    notes = [p for p in warnings(problems) if national(p)]
    for title, group in (("Fejl:", errors(problems)), ("Advarsler:", own),
                         (NATIONAL_HEADING, notes if national_in_full else [])):
        if group:
            lines.append(title)
            lines.extend(str(p) for p in sorted(group))
            lines.append("")
    if notes and not national_in_full:
        lines.extend([national_line(notes), ""])
    n_err, n_warn = len(errors(problems)), len(own) + (len(notes) if national_in_full else 0)
    if n_err:
        lines.append(f"{_count(n_err, 'fejl', 'fejl')} og {_count(n_warn, 'advarsel', 'advarsler')}. "
                     "Ret fejlene og kør infohus check igen.")
    else:
        lines.append(f"Data er i orden: 0 fejl og {_count(n_warn, 'advarsel', 'advarsler')}.")
    return "\n".join(lines)


def national_line(notes: list[Problem]) -> str:
    """The national data's warnings as the one line the check shows by default."""
    n = len(notes)
    if all(UNCONFIRMED in p.message for p in notes):
        what = "national oplysning afventer" if n == 1 else "nationale oplysninger afventer"
        return f"{n} {what} bekræftelse; se {'den' if n == 1 else 'dem'} med --national"
    return f"{_count(n, 'advarsel', 'advarsler')} om de nationale data; se {'den' if n == 1 else 'dem'} med --national"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
