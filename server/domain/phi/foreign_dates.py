"""Dates written in Portuguese, Spanish, French, Italian and German ("12 de janeiro", "3 de marzo de
2024", "le 14 juillet", "14. März", "14 marzo"): learners from Brazil, Latin America and Europe write
their notes, or quote a family, in their own language. A month name alone is not a date; with a day it
is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C

_MONTHS = (
    # Portuguese, Spanish, French, Italian, German (lower or capitalised; accents optional)
    r"janeiro|fevereiro|mar[cç]o|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|"
    r"enero|febrero|marzo|mayo|junio|julio|septiembre|setiembre|octubre|noviembre|diciembre|"
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"januar|februar|m[äa]rz|juni|juli|oktober|dezember"
)

_FOREIGN_DATE = re.compile(
    rf"(?i)(?<![\d/.])(?:[12]\d|3[01]|0?[1-9])(?:º|°|er|\.)?\s+(?:de\s+|del\s+)?(?:{_MONTHS})\b"
    r"(?:\s+(?:de\s+|del\s+)?(?:19|20)\d\d\b)?"
)

# "em janeiro de 2024", "en marzo de 2023": a month and year, which Safe Harbor also counts as a date.
_FOREIGN_MONTH_YEAR = re.compile(rf"(?i)\b(?:{_MONTHS})\s+(?:de\s+|del\s+)?(?:19|20)\d\d\b")

_HINT = re.compile(r"\d\s*(?:º|°|er|\.)?\s+(?:de\s+|del\s+)?[^\W\d_]{3}|(?:19|20)\d\d")


def find_foreign_dates(text: str) -> Iterator[Finding]:
    """A day with a month name in one of five languages, or a month name with a year."""
    if not _HINT.search(text):
        return
    for m in _FOREIGN_DATE.finditer(text):
        yield C.DATE, m.start(), m.end(), "looks like a date: a day and month"
    for m in _FOREIGN_MONTH_YEAR.finditer(text):
        yield C.DATE, m.start(), m.end(), "looks like a date: a month and year"
