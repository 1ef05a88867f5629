"""A decision path laid out as a diagram, layered top to bottom (no mermaid, no CDN): the geometry that the
handbook (`overrides/partials/flowchart.html`, inline SVG) and the beredskab (`overrides/beredskab/flowchart.html`,
a figure in the PDF) both draw. Each step is a box in the row of its longest distance from the start, placed
under its parents; the answers that lead to a step sit in a chip just above it, so a label never floats between
two crossing lines.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from .escalation import EscalationPath, Outcome, Question

BOX_WIDTH = 236
BOX_PADDING = 12
LINE_HEIGHT = 18
TEXT_CHARS = 27          # characters per line of 14 px text inside a box
TITLE_CHARS = 24         # bold outcome titles are wider
CHIP_WIDTH = 196
CHIP_LINE_HEIGHT = 15
CHIP_CHARS = 27          # 12 px text
CHIP_PADDING = 6
COLUMN_GAP = 28
CURVE_SPACE = 34         # vertical room for the curves between a box and the chips below it
CHIP_GAP = 10            # between a chip and the box it leads to
MARGIN = 8


@dataclass(frozen=True)
class Box:
    """A step drawn as a box; `lines` are the wrapped text (the first `strong` in bold)."""

    step_id: str
    kind: str
    level: str | None
    lines: tuple[str, ...]
    strong: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chip:
    """The answer(s) leading to a box, drawn just above it."""

    lines: tuple[str, ...]
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Edge:
    """One answer as an SVG path from a question box to the chip above the next step."""

    d: str


@dataclass(frozen=True)
class Diagram:
    """The laid-out diagram of one path."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    chips: tuple[Chip, ...]
    edges: tuple[Edge, ...]


def layout(path: EscalationPath, level_names: dict[str, str]) -> Diagram:
    """Lay out every step of `path` (validated: ids resolve, no loops) as boxes, chips and edges."""
    steps = path.ordered_steps()
    by_id = {s.id: s for s in steps}
    rank = _ranks(path, steps)
    parents: dict[str, list[tuple[str, int, str]]] = {s.id: [] for s in steps}
    for step in steps:
        if isinstance(step, Question):
            for i, answer in enumerate(step.answers):
                parents[answer.next].append((step.id, i, answer.label))

    lines = {s.id: _box_lines(s, level_names) for s in steps}
    heights = {sid: 2 * BOX_PADDING + LINE_HEIGHT * len(ls) for sid, ls in lines.items()}
    chip_lines = {sid: _chip_lines([label for _, _, label in parents[sid]]) for sid in by_id}
    rows: list[list[str]] = [[] for _ in range(max(rank.values()) + 1)]
    for step in steps:
        rows[rank[step.id]].append(step.id)
    widest = max(len(row) for row in rows)
    width = widest * BOX_WIDTH + (widest - 1) * COLUMN_GAP + 2 * MARGIN

    centers: dict[str, float] = {}
    tops: dict[str, float] = {}
    y = MARGIN
    for row in rows:
        row.sort(key=lambda sid: (_barycenter(parents[sid], centers), min(i for _, i, _ in parents[sid])
                                  if parents[sid] else 0))
        for sid, x in zip(row, _place([_barycenter(parents[s], centers, width / 2) for s in row], width)):
            centers[sid] = x
        chip_zone = max((_chip_height(chip_lines[sid]) + CHIP_GAP if chip_lines[sid] else 0) for sid in row)
        for sid in row:
            tops[sid] = y + chip_zone
        y += chip_zone + max(heights[sid] for sid in row) + CURVE_SPACE

    boxes, chips, edges = [], [], []
    for step in steps:
        sid = step.id
        boxes.append(Box(sid, "question" if isinstance(step, Question) else "outcome",
                         step.level if isinstance(step, Outcome) else None, lines[sid],
                         0 if isinstance(step, Question) else len(textwrap.wrap(step.title, TITLE_CHARS)),
                         centers[sid] - BOX_WIDTH / 2, tops[sid], BOX_WIDTH, heights[sid]))
        if chip_lines[sid]:
            height = _chip_height(chip_lines[sid])
            chips.append(Chip(chip_lines[sid], centers[sid] - CHIP_WIDTH / 2,
                              tops[sid] - CHIP_GAP - height, CHIP_WIDTH, height))
    chip_top = {sid: tops[sid] - CHIP_GAP - _chip_height(chip_lines[sid]) for sid in by_id if chip_lines[sid]}
    for step in steps:
        if not isinstance(step, Question):
            continue
        count = len(step.answers)
        for i, answer in enumerate(step.answers):
            spread = min(48.0, BOX_WIDTH / (count + 1))
            x1 = centers[step.id] + (i - (count - 1) / 2) * spread
            y1 = tops[step.id] + heights[step.id]
            x2, y2 = centers[answer.next], chip_top[answer.next] - 2
            bend = max(16.0, (y2 - y1) / 2)
            edges.append(Edge(f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} "
                              f"{x2:.1f},{y2:.1f}"))
        # the short arrow from each chip into its box is drawn by the template from the chip geometry
    return Diagram(width, y - CURVE_SPACE + MARGIN, tuple(boxes), tuple(chips), tuple(edges))


def _ranks(path: EscalationPath, steps: list) -> dict[str, int]:
    """Longest distance from the start for every step, so every answer points downwards."""
    rank = {path.start: 0}
    changed = True
    while changed:  # at most len(steps) rounds on a loop-free path
        changed = False
        for step in steps:
            if isinstance(step, Question) and step.id in rank:
                for answer in step.answers:
                    if rank.get(answer.next, -1) < rank[step.id] + 1:
                        rank[answer.next] = rank[step.id] + 1
                        changed = True
    return rank


def _barycenter(parents: list[tuple[str, int, str]], centers: dict[str, float], default: float = 0.0) -> float:
    """The mean x of the placed parents (the start has none)."""
    placed = [centers[pid] for pid, _, _ in parents if pid in centers]
    return sum(placed) / len(placed) if placed else default


def _place(wanted: list[float], width: float) -> list[float]:
    """Centers as near `wanted` as boxes allow: no overlap, the row's mean kept, inside the width."""
    step = BOX_WIDTH + COLUMN_GAP
    xs: list[float] = []
    for x in wanted:
        xs.append(max(x, xs[-1] + step) if xs else x)
    shift = sum(wanted) / len(wanted) - sum(xs) / len(xs)
    xs = [x + shift for x in xs]
    low, high = MARGIN + BOX_WIDTH / 2, width - MARGIN - BOX_WIDTH / 2
    if xs[0] < low:
        xs = [x + low - xs[0] for x in xs]
    if xs[-1] > high:
        xs = [x - (xs[-1] - high) for x in xs]
    return xs


def _box_lines(step: Question | Outcome, level_names: dict[str, str]) -> tuple[str, ...]:
    if isinstance(step, Question):
        return tuple(textwrap.wrap(step.text, TEXT_CHARS))
    title = tuple(textwrap.wrap(step.title, TITLE_CHARS))
    level = level_names.get(step.level or "")
    return title + ((f"Niveau: {level}",) if level else ())


def _chip_lines(labels: list[str]) -> tuple[str, ...]:
    """Distinct answer labels, wrapped; several are joined by "eller"."""
    distinct = list(dict.fromkeys(labels))
    lines: list[str] = []
    for i, label in enumerate(distinct):
        if i:
            lines.append("eller")
        lines.extend(textwrap.wrap(label, CHIP_CHARS))
    return tuple(lines)


def _chip_height(lines: tuple[str, ...]) -> float:
    return 2 * CHIP_PADDING + CHIP_LINE_HEIGHT * len(lines)
