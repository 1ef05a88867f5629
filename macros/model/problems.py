"""Problems found in the data: one type for errors and warnings, formatted for the coordinator."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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


def report(problems: list[Problem]) -> str:
    """All problems as Danish text: errors first, then warnings, then a summary line."""
    lines: list[str] = []
    for title, group in (("Fejl", errors(problems)), ("Advarsler", warnings(problems))):
        if group:
            lines.append(f"{title}:")
            lines.extend(str(p) for p in sorted(group))
            lines.append("")
    n_err, n_warn = len(errors(problems)), len(warnings(problems))
    if n_err:
        lines.append(f"{_count(n_err, 'fejl', 'fejl')} og {_count(n_warn, 'advarsel', 'advarsler')}. "
                     "Ret fejlene og kør infohus check igen.")
    else:
        lines.append(f"Data er i orden: 0 fejl og {_count(n_warn, 'advarsel', 'advarsler')}.")
    return "\n".join(lines)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
