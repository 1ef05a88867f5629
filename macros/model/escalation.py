"""Escalation: the prevention triangle and the decision paths from concern to action."""
from __future__ import annotations

from dataclasses import dataclass

from .problems import Problem, unknown_id
from .record import Origin, Source, visibility

KIND = "escalation"


@dataclass(frozen=True)
class Level:
    """One level of the prevention triangle and how fast to react at it."""

    id: str
    name: str
    target: str
    aim: str
    urgency: str
    examples: tuple[str, ...]
    visibility: str
    source: Source
    origin: Origin
    urgency_citizen: str | None = None  # how fast, said to a citizen; without it a citizen is told `urgency`

    def urgency_for(self, audience: str) -> str:
        """How fast to react, as a path for `audience` ("staff" or "citizen") says it."""
        return self.urgency_citizen if audience == "citizen" and self.urgency_citizen else self.urgency


@dataclass(frozen=True)
class Answer:
    """An answer to a question and the id of the step it leads to."""

    label: str
    next: str


@dataclass(frozen=True)
class Question:
    """A step that asks something; each answer leads on."""

    id: str
    text: str
    help: str | None
    answers: tuple[Answer, ...]
    origin: Origin


@dataclass(frozen=True)
class Outcome:
    """A step that ends the path: what to do and whom to contact."""

    id: str
    title: str
    level: str | None
    actions: tuple[str, ...]
    contacts: tuple[str, ...]
    legal: tuple[str, ...]
    note: str | None
    origin: Origin


@dataclass(frozen=True)
class EscalationPath:
    """A decision structure from a first question to outcomes."""

    id: str
    title: str
    audience: str
    intro: str | None
    start: str
    keywords: tuple[str, ...]
    topics: tuple[str, ...]
    example: bool
    visibility: str
    questions: tuple[Question, ...]
    outcomes: tuple[Outcome, ...]
    source: Source
    origin: Origin

    def step(self, step_id: str) -> Question | Outcome:
        """The question or outcome with `step_id`."""
        return next(s for s in (*self.questions, *self.outcomes) if s.id == step_id)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with `outcome_id`."""
        return next(o for o in self.outcomes if o.id == outcome_id)

    def ordered_steps(self) -> list[Question | Outcome]:
        """Every step once, in the order a reader meets them from the start (breadth first)."""
        order, queue = [], [self.start]
        while queue:
            step_id = queue.pop(0)
            if step_id in (s.id for s in order):
                continue
            step = self.step(step_id)
            order.append(step)
            if isinstance(step, Question):
                queue.extend(a.next for a in step.answers)
        return order


def build_level(raw: dict, origin: Origin) -> Level:
    """A Level from a schema-valid mapping."""
    return Level(raw["id"], raw["name"], raw["target"], raw["aim"], raw["urgency"],
                 tuple(raw.get("examples", ())), visibility(raw), Source.of(raw["source"]), origin,
                 raw.get("urgency_citizen"))


def build_path(raw: dict, origin: Origin) -> EscalationPath:
    """An EscalationPath from a schema-valid mapping."""
    questions = tuple(
        Question(q["id"], q["text"], q.get("help"), tuple(Answer(a["label"], a["next"]) for a in q["answers"]),
                 Origin(origin.doc, origin.path + ("questions", i)))
        for i, q in enumerate(raw["questions"]))
    outcomes = tuple(
        Outcome(o["id"], o["title"], o.get("level"), tuple(o["actions"]), tuple(o["contacts"]),
                tuple(o.get("legal", ())), o.get("note"), Origin(origin.doc, origin.path + ("outcomes", i)))
        for i, o in enumerate(raw["outcomes"]))
    return EscalationPath(raw["id"], raw["title"], raw["audience"], raw.get("intro"), raw["start"],
                          tuple(raw.get("keywords", ())), tuple(raw.get("topics", ())), raw.get("example", False),
                          visibility(raw), questions, outcomes, Source.of(raw["source"]), origin)


def check_path(path: EscalationPath) -> list[Problem]:
    """Step ids unique, every `next` resolves, every step reachable, no loops."""
    problems: list[Problem] = []
    steps: dict[str, Question | Outcome] = {}
    for step in (*path.questions, *path.outcomes):
        if step.id in steps:
            problems.append(step.origin.problem(("id",), f"trinnet \"{step.id}\" findes allerede i vejen "
                                                f"\"{path.id}\". Giv det et andet id."))
        steps.setdefault(step.id, step)
    if path.start not in steps:
        problems.append(path.origin.problem(("start",), _unknown_step(path.start, path, steps)))
        return problems
    for question in path.questions:
        for i, answer in enumerate(question.answers):
            if answer.next not in steps:
                problems.append(question.origin.problem(("answers", i, "next"),
                                                        _unknown_step(answer.next, path, steps)))
    if problems:
        return problems
    reachable = {s.id for s in path.ordered_steps()}
    for step_id, step in steps.items():
        if step_id not in reachable:
            problems.append(step.origin.problem(("id",), f"trinnet \"{step_id}\" kan ikke nås fra "
                                                f"start (\"{path.start}\"). Lad et svar pege på det, eller slet det."))
    loop = _find_loop(path, steps)
    if loop:
        first = steps[loop[0]]
        problems.append(first.origin.problem(("answers",), "svarene danner en løkke: "
                                             f"{' → '.join(loop)}. En vej skal altid ende i et udfald."))
    return problems


def _unknown_step(step_id: str, path: EscalationPath, steps: dict) -> str:
    return unknown_id(step_id, steps, f"spørgsmålene og udfaldene i vejen \"{path.id}\"", every=True)


def _find_loop(path: EscalationPath, steps: dict) -> list[str] | None:
    """A cycle of question ids, if any (depth-first with a stack of the current trail)."""
    def visit(step_id: str, trail: list[str]) -> list[str] | None:
        if step_id in trail:
            return trail[trail.index(step_id):] + [step_id]
        step = steps[step_id]
        if isinstance(step, Question):
            for answer in step.answers:
                found = visit(answer.next, trail + [step_id])
                if found:
                    return found
        return None
    return visit(path.start, [])
