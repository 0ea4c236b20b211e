"""Partial identifiers: the last digits of a card, an account or a Social Security number ("the card
ending 4417", "HSA card ending in 0921", "bank acct ending -8830", "SSN last four 7712", "Visa
xxxx-4417"). Four digits with the account they belong to narrow a person down, and the guard treats them
as the account (or SSN) they come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C

_PARTIAL = re.compile(
    r"(?i)\b(?P<what>card|acct|account|checking|savings|debit|credit|visa|mastercard|amex|discover|hsa|fsa|"
    r"bank|iban|ssn|social(?:\s+security)?|policy|member\s+id|medicaid|medicare)\b[^.;\n\d]{0,25}?"
    r"(?:ending(?:\s+in|\s+with)?|ends\s+(?:in|with)|last\s+(?:4|four)(?:\s+digits)?(?:\s+(?:of|are|is))?|"
    r"[x*\u2022]{2,}[\s-]?(?:[x*\u2022]{2,}[\s-]?)*)\s*[:#-]?\s*[-#*x]*(?P<digits>\d{4})\b"
)

_HINT = re.compile(r"(?i)ending|ends\s|last\s+(?:4|four)|[x*\u2022]{2,}")


def find_partial_numbers(text: str) -> Iterator[Finding]:
    """The last four digits of a card, an account or an SSN."""
    if not _HINT.search(text):
        return
    for m in _PARTIAL.finditer(text):
        what = m.group("what").lower()
        if what.startswith(("ssn", "social")):
            yield (
                C.SSN,
                m.start("digits"),
                m.end("digits"),
                "looks like the last digits of a Social Security number",
            )
        else:
            yield (
                C.ACCOUNT_NUMBER,
                m.start("digits"),
                m.end("digits"),
                "looks like the last digits of an account or card",
            )
