"""The handbook's Handlekort page: every card with a preview and download links, and the A4 sheet."""
from __future__ import annotations

import math

from .content import SHEET_NAME, card_views, release
from .pdf import A6, PREVIEW_DPI
from ..model.dataset import DataSet
from ..common.render import render
from ..common.text import Abbreviator

# The preview is shown at half its pixel size, so it stays sharp on dense screens.
PREVIEW_SIZE = tuple(math.ceil(points / 72 * PREVIEW_DPI / 2) for points in A6)


def cards_overview(ds: DataSet) -> str:
    """Markdown and HTML for the Handlekort page; links the files `build_cards` writes beside it."""
    return render("cards/overview.html", views=card_views(ds), release=release(ds), sheet=SHEET_NAME,
                  team=ds.municipality.team, preview_size=PREVIEW_SIZE,
                  abbr=Abbreviator(ds.abbreviations()))
