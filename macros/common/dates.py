"""Dates as every output shows them: "1. november 2026" in Danish, "1 November 2026" in English."""
from __future__ import annotations

from datetime import date

MONTHS = {
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def date_text(day: date, lang: str = "da") -> str:
    """"20. november 2026" in Danish, "20 November 2026" in English."""
    month = MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "da" else f"{day.day} {month} {day.year}"
