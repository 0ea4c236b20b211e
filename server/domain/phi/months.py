"""Month and weekday words, shared by the date rules (which find them) and the name and place rules
(which must not take "April", "June" or "Monday" for a person or a town).
"""

from __future__ import annotations

MONTHS_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
MONTH = rf"(?:{MONTHS_FULL}|{MONTHS_ABBR}|{MONTHS_FULL.upper()}|{MONTHS_ABBR.upper()})"
MONTH_WORDS = frozenset(MONTHS_FULL.split("|") + MONTHS_ABBR.split("|"))
WEEKDAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
