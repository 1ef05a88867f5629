"""How large a card's text can be: a rough model of the card layout to choose the first size to try.

The build renders a card at `first_size` and steps down through SIZES while the card spills onto a
second page, so the model only saves renders; the page count decides. It mirrors
overrides/cards/style.html in mm: change both together.
"""
from __future__ import annotations

import math

from .content import CardView

# Body text sizes in pt, largest first (ih-card--size-N in overrides/cards/style.html).
SIZES = (9.0, 8.3, 7.6, 7.0, 6.4)

# The model errs long by a few mm on typical text, so the limit allows 3 mm more than the card has;
# a wrong guess costs one more render, never a clipped card.
_USABLE_MM = 148 - 5 - 24.5 + 3   # card minus top padding and footer reserve, plus the model's bias
_WIDTH_MM = 94                    # 105 mm minus 5.5 mm on each side
_PT = 25.4 / 72
_PX = 25.4 / 96
_CHAR_EM = 0.47                   # mean width of a Liberation Sans character, in em
_HEADING_MM = 2.8                 # a section heading's margins
_NOTE_MM = 2.8                    # a note's margin and padding
_ROW_MM = 1.5                     # a contact row's padding and rule
_LOGO_MM = 3.0                    # a logo makes the brand line 6 mm instead of one 6 pt line
_BAND_ROW_MM = 9.5                # a second row of helplines in the national band


def first_size(view: CardView) -> int:
    """The largest text size at which the card's text is estimated to fit (the build then checks)."""
    for index, size in enumerate(SIZES):
        if _estimated_height(view, size) <= _USABLE_MM:
            return index
    return len(SIZES) - 1


def _lines(text: str, width_mm: float, em: float) -> int:
    """Lines `text` takes in a column `width_mm` wide at font size `em` (mm)."""
    return max(1, math.ceil(len(text) * _CHAR_EM * em / width_mm))


def _estimated_height(view: CardView, size: float) -> float:
    """The card's text height in mm below the top padding, at body size `size` pt."""
    em = size * _PT
    line = math.floor(size * 4 / 3 * 1.28) * _PX  # WebKit rounds line heights down to whole px
    small = 0.84 * line                             # contact titles, units, e-mail addresses
    # Brand line, title, audience, then the national band: 112, 114 and helplines (fixed sizes in pt).
    height = 4 + 1.5 + _lines(view.card.title, _WIDTH_MM, 1.7 * em) * 1.15 * 1.58 * em
    height += _LOGO_MM if view.logo else 0
    height += 0.8 + _lines(view.card.audience, _WIDTH_MM, 0.83 * em) * 0.83 * line + 2 + 11
    height += _BAND_ROW_MM * (len(view.band_rows) - 1)
    step_width = _WIDTH_MM - 1.9 * em               # steps are indented by their number
    if view.outcome:
        height += _HEADING_MM + 0.92 * line
        height += sum(_lines(a, step_width, em) * line + 0.3 * em for a in view.outcome.actions)
        if view.outcome.note:
            height += _NOTE_MM + _lines(view.outcome.note, step_width, 0.92 * em) * 0.92 * line
    if view.decisions:
        height += _HEADING_MM + 0.92 * line
    for decision in view.decisions:
        height += _lines(decision.text, step_width, em) * line + 0.3 * em
        height += sum(_lines(f"{label}: {follows}", step_width, em) * line for label, follows in decision.answers)
    if view.contacts:
        height += _HEADING_MM + 0.92 * line
    for contact in view.contacts:
        if contact.phones:  # name and title beside number and hours
            who = line + _lines(contact.title or "", _WIDTH_MM - 29, 0.84 * em) * small
            if view.kind == "contacts":
                who += small * (bool(contact.email) + _lines(contact.unit or "", _WIDTH_MM - 29, 0.84 * em))
            height += max(who, 1.2 * line + 0.76 * line) + _ROW_MM
        else:  # name, title and web address across the card
            height += line + _lines(contact.title or "", _WIDTH_MM, 0.84 * em) * small + 0.76 * line + _ROW_MM
    return height
