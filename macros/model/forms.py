"""Forms: the concern interview and the anonymous registration."""
from __future__ import annotations

from dataclasses import dataclass

from .problems import Problem
from .record import Origin, Source

KIND = "forms"


@dataclass(frozen=True)
class FormField:
    """One field on a form."""

    id: str
    label: str
    type: str
    choices: tuple[str, ...]
    help: str | None


@dataclass(frozen=True)
class Form:
    """A printable form."""

    id: str
    title: str
    purpose: str
    anonymous: bool
    storage: str | None
    note: str | None
    fields: tuple[FormField, ...]
    source: Source
    origin: Origin


def build(raw: dict, origin: Origin) -> Form:
    """A Form from a schema-valid mapping."""
    fields = tuple(FormField(f["id"], f["label"], f["type"], tuple(f.get("choices", ())), f.get("help"))
                   for f in raw["fields"])
    return Form(raw["id"], raw["title"], raw["purpose"], raw.get("anonymous", False), raw.get("storage"),
                raw.get("note"), fields, Source.of(raw["source"]), origin)


def check(form: Form) -> list[Problem]:
    """Choice fields have choices, other fields none; field ids are unique within the form."""
    problems, seen = [], set()
    for i, field in enumerate(form.fields):
        if field.id in seen:
            problems.append(form.origin.problem(("fields", i, "id"),
                            f"feltet \"{field.id}\" findes allerede i skemaet. Giv det et andet id."))
        seen.add(field.id)
        if field.type == "choice" and len(field.choices) < 2:
            problems.append(form.origin.problem(("fields", i, "choices"),
                            "et valgfelt (type: choice) skal have mindst to valgmuligheder under choices."))
        if field.type != "choice" and field.choices:
            problems.append(form.origin.problem(("fields", i, "choices"),
                            f"choices bruges kun med type: choice (feltet har type: {field.type}). "
                            "Slet choices, eller skift type."))
    return problems
