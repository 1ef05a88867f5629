"""What a migration tells the coordinator, in Danish: what it changed, what it could not decide, what to write."""
from __future__ import annotations

from dataclasses import dataclass, field

CHANGED, UNDECIDED, TO_WRITE = "changed", "undecided", "to_write"
HEADINGS = {
    CHANGED: "Ændret:",
    UNDECIDED: "Kunne ikke afgøres (se efter, og ret selv):",
    TO_WRITE: "Skal skrives af dig (indtil da advarer infohus check, og --strict afviser):",
}


@dataclass(frozen=True)
class Note:
    """One line of the report: where (a file of the folder and the path in it) and what, in Danish."""

    kind: str
    file: str        # the file's name in the data folder, e.g. "escalation.yml"
    path: tuple      # where in the file, e.g. ("paths", 0, "outcomes", 2, "contacts"); () for the whole file
    text: str


@dataclass
class Report:
    """The notes of every step, in the order the steps made them."""

    notes: list[Note] = field(default_factory=list)

    def changed(self, file: str, path: tuple, text: str) -> None:
        self.notes.append(Note(CHANGED, file, path, text))

    def undecided(self, file: str, path: tuple, text: str) -> None:
        self.notes.append(Note(UNDECIDED, file, path, text))

    def to_write(self, file: str, path: tuple, text: str) -> None:
        self.notes.append(Note(TO_WRITE, file, path, text))

    def of(self, kind: str) -> list[Note]:
        return [n for n in self.notes if n.kind == kind]
