"""The wording checker for letters of recommendation: it *flags* wording known to weaken a letter or to carry
bias, and never changes the text. The preceptor decides.

Plain Python, no I/O. What it looks for, after the letter-bias literature (Trix & Psenka 2003 on letters for
medical faculty: shorter letters, "doubt raisers", "grindstone" adjectives, mentions of personal life for
women; Madera, Hebl & Martin 2009: communal versus agentic wording). The word lists are Rounds' own.

* **hedge**: words that signal the writer's uncertainty ("seems", "might", "hopefully", "I believe");
* **doubt raiser**: negative, defensive or grudging wording ("did not cause problems", "at times",
  "although", "struggled");
* **faint praise**: praise that reads as lukewarm in a letter ("adequate", "satisfactory", "showed
  improvement", "met expectations", "competent");
* **gendered**: gender-marked or stereotyped words ("girl", "lady", "bubbly", "feisty", "motherly");
* **personal life** and **appearance**: family, pregnancy, marriage; looks, clothes, smile;
* **communal balance** (whole letter): more communal words ("caring", "warm", "helpful", "pleasant") than
  agentic ones ("confident", "independent", "decisive", "excellent"); the counts and spans of both (and of
  the grindstone words, "hardworking", "diligent"...) are in the report for the editor to show;
* **length** (whole letter): fewer than :data:`SHORT_LETTER_WORDS` words.

:func:`flag_phrases` flags phrases in any text (a paragraph in the editor: spans relative to it);
:func:`check_letter` adds the whole-letter flags and the counts. Spans are ``(start, end)`` offsets into the
text as given (``text[start:end]`` is the flagged phrase); phrase flags never overlap (the longer phrase
wins, then the earlier category in :class:`FlagCategory`), and come in text order.

Matching is case-insensitive on word boundaries, except where case carries meaning: the hedge "may" (not
the month) and the title "Miss" (not "can't-miss").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from server.domain.errors import Invalid

SHORT_LETTER_WORDS = 300  # about two thirds of a page: shorter letters read as lukewarm
MAX_CHECK_CHARS = 100_000


class FlagCategory(StrEnum):
    """Why a span is flagged. Declaration order breaks ties between overlapping phrases of equal length."""

    DOUBT_RAISER = "doubt_raiser"
    FAINT_PRAISE = "faint_praise"
    HEDGE = "hedge"
    GENDERED = "gendered"
    PERSONAL_LIFE = "personal_life"
    APPEARANCE = "appearance"
    COMMUNAL_BALANCE = "communal_balance"
    LENGTH = "length"


EXPLANATIONS: dict[FlagCategory, str] = {
    FlagCategory.HEDGE: (
        "A hedge signals the writer's own uncertainty, and readers take it as doubt about the applicant. "
        "State what you observed, or leave the claim out."
    ),
    FlagCategory.DOUBT_RAISER: (
        "Negative, defensive or grudging wording raises doubts the reader did not have ('doubt raisers', "
        "Trix & Psenka 2003). Say what the applicant did well, with an example."
    ),
    FlagCategory.FAINT_PRAISE: (
        "Faint praise reads as a lukewarm recommendation: in a letter, 'adequate' or 'showed improvement' "
        "is heard as below average. Use the ratings and examples you have."
    ),
    FlagCategory.GENDERED: (
        "A gender-marked or stereotyped word draws attention to gender rather than performance, and such "
        "words appear more often in letters for women."
    ),
    FlagCategory.PERSONAL_LIFE: (
        "Family, marriage or pregnancy say nothing about clinical ability; letters for women mention them "
        "more often (Trix & Psenka 2003), which weakens them."
    ),
    FlagCategory.APPEARANCE: (
        "Remarks on appearance are irrelevant to clinical ability and appear more often in letters for women."
    ),
    FlagCategory.COMMUNAL_BALANCE: (
        "More communal words (caring, warm, helpful) than agentic ones (confident, independent, excellent): "
        "letters weighted this way are judged less strong (Madera et al. 2009). Add observed evidence of "
        "ability and independence."
    ),
    FlagCategory.LENGTH: (
        "Short letters are read as weak or lukewarm, and letters for women are shorter on average (Trix & "
        "Psenka 2003). Add concrete observed examples and ratings."
    ),
}

# Each list is regex fragments, matched case-insensitively between word boundaries; a space stands for any
# run of whitespace. (?-i:...) keeps case where it carries meaning.
_PHRASES: dict[FlagCategory, tuple[str, ...]] = {
    FlagCategory.HEDGE: (
        r"seem(?:s|ed|ingly)?",
        r"appear(?:s|ed)? to",
        r"apparently",
        r"(?-i:may)",
        r"might",
        r"perhaps",
        r"possibly",
        r"hopefully",
        r"somewhat",
        r"fairly",
        r"relatively",
        r"reasonably",
        r"i (?:think|believe|feel)",
        r"to (?:the best of )?my knowledge",
        r"as far as i (?:know|can tell)",
        r"could be",
        r"tends? to",
        r"more or less",
        r"sort of",
        r"kind of",
        r"pretty (?:good|well|much)",
        r"should be able to",
        r"if given the (?:chance|opportunity)",
    ),
    FlagCategory.DOUBT_RAISER: (
        r"did not cause (?:any )?(?:problems|issues|trouble)",
        r"caused no (?:problems|issues|trouble)",
        r"no (?:major )?(?:problems|complaints|issues|concerns)",
        r"without (?:major )?(?:incident|problems|issues)",
        r"not the (?:best|strongest|brightest)",
        r"not always",
        r"at times",
        r"occasionally",
        r"struggl(?:e|es|ed|ing)",
        r"inconsistent(?:ly)?",
        r"although",
        r"despite",
        r"while not",
        r"room for improvement",
        r"needs? (?:to improve|improvement)",
        r"once (?:he|she|they) (?:gets?|becomes?|learns?)",
        r"to be fair",
    ),
    FlagCategory.FAINT_PRAISE: (
        r"adequate(?:ly)?",
        r"satisfactor(?:y|ily)",
        r"acceptabl[ey]",
        r"average",
        r"decent",
        r"fine",
        r"ok(?:ay)?",
        r"reasonable",
        r"sufficient(?:ly)?",
        r"competent",
        r"show(?:s|ed|n)? (?:some )?improvement",
        r"(?:has|had|have) improved",
        r"(?:met|meets|meet) (?:all )?(?:the )?expectations",
        r"as expected",
        r"did (?:what was|as) asked",
        r"did (?:a )?(?:good|fine|ok|okay|decent) job",
        r"good enough",
        r"no worse than",
    ),
    FlagCategory.GENDERED: (
        r"girls?",
        r"lady",
        r"ladies",
        r"ladylike",
        r"gals?",
        r"young (?:woman|women|man|men|lady)",
        r"(?-i:Mrs\.?|Miss)",
        r"bubbly",
        r"feisty",
        r"sassy",
        r"bossy",
        r"abrasive",
        r"hysterical",
        r"emotional",
        r"motherly",
        r"maternal",
        r"fatherly",
        r"sweet",
        r"chatty",
    ),
    FlagCategory.PERSONAL_LIFE: (
        r"husband",
        r"wife",
        r"spouse",
        r"boyfriend",
        r"girlfriend",
        r"married",
        r"marriage",
        r"pregnan(?:t|cy)",
        r"maternity",
        r"paternity",
        r"(?:his|her|their) (?:children|kids|family|son|daughter|baby|babies)",
        r"(?:mother|father|mom|dad|parent) of",
        r"single (?:mother|father|parent|mom|dad)",
        r"working (?:mother|mom)",
        r"stay-at-home",
        r"personal life",
        r"family (?:obligations|responsibilities|commitments)",
    ),
    FlagCategory.APPEARANCE: (
        r"attractive",
        r"beautiful",
        r"pretty(?! (?:good|well|much))",
        r"handsome",
        r"lovely",
        r"cute",
        r"gorgeous",
        r"petite",
        r"elegant",
        r"stylish",
        r"well[- ]dressed",
        r"well[- ]groomed",
        r"good[- ]looking",
        r"(?:his|her|their) (?:smile|appearance|looks|hair|figure|outfits?|clothes)",
        r"dresse[sd] (?:well|professionally|nicely|beautifully)",
    ),
}

# Balance words: counted, not flagged one by one.
COMMUNAL: tuple[str, ...] = (
    r"caring",
    r"compassion(?:ate|ately)?",
    r"warm(?:ly|th)?",
    r"helpful",
    r"pleasant",
    r"kind(?:ly|ness)?(?! of)",
    r"nice",
    r"gentle",
    r"nurturing",
    r"sympathetic",
    r"sensitive",
    r"empath(?:y|etic|ic)",
    r"considerate",
    r"agreeable",
    r"tactful",
    r"friendly",
    r"delightful",
    r"supportive",
    r"cooperative",
    r"affectionate",
    r"polite",
    r"humble",
    r"modest",
    r"well[- ]liked",
    r"team player",
    r"gets along",
    r"a pleasure to (?:work with|have|teach)",
)
AGENTIC: tuple[str, ...] = (
    r"confident(?:ly)?",
    r"confidence",
    r"self-confident",
    r"decisive(?:ly)?",
    r"independent(?:ly)?",
    r"independence",
    r"leaders?",
    r"leadership",
    r"led",
    r"ambitious",
    r"assertive(?:ly)?",
    r"outstanding",
    r"excellent",
    r"exceptional(?:ly)?",
    r"superb",
    r"brilliant",
    r"accomplished",
    r"skill(?:ed|ful|fully)",
    r"driven",
    r"initiative",
    r"took charge",
    r"self-reliant",
    r"analytical",
    r"insightful",
    r"talented",
    r"gifted",
    r"remarkable",
    r"extraordinary",
    r"stands? out",
    r"stood out",
    r"standout",
)
GRINDSTONE: tuple[str, ...] = (
    r"hard[- ]?working",
    r"diligent(?:ly)?",
    r"conscientious",
    r"dependable",
    r"reliable",
    r"thorough",
    r"meticulous",
    r"careful",
    r"dedicated",
    r"punctual",
    r"industrious",
)


def _compile(fragments: Iterable[str]) -> re.Pattern[str]:
    # Word characters at both ends need \b; a fragment ending in "." (Mrs.) must not demand one after it.
    whitespace = r"\s+"
    body = "|".join("(?:" + fragment.replace(" ", whitespace) + ")" for fragment in fragments)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


_PHRASE_PATTERNS: dict[FlagCategory, re.Pattern[str]] = {
    category: _compile(fragments) for category, fragments in _PHRASES.items()
}
_COMMUNAL = _compile(COMMUNAL)
_AGENTIC = _compile(AGENTIC)
_GRINDSTONE = _compile(GRINDSTONE)
_WORD = re.compile(r"[^\W_](?:[\w'\u2019-]*[^\W_])?")


@dataclass(frozen=True, slots=True)
class Flag:
    """One flagged span: ``text[start:end]`` is ``phrase``; ``explanation`` says why it can weaken a
    letter."""

    start: int
    end: int
    category: FlagCategory
    phrase: str
    explanation: str


@dataclass(frozen=True, slots=True)
class WordingReport:
    """The flags (phrase flags in text order, then whole-letter flags) and the balance counts with spans."""

    flags: tuple[Flag, ...]
    words: int
    communal: tuple[tuple[int, int], ...]
    agentic: tuple[tuple[int, int], ...]
    grindstone: tuple[tuple[int, int], ...]


def _checked(text: object) -> str:
    if not isinstance(text, str):
        raise Invalid("Must be text.", field="text")
    if len(text) > MAX_CHECK_CHARS:
        raise Invalid(f"At most {MAX_CHECK_CHARS} characters (this has {len(text)}).", field="text")
    return text


def flag_phrases(text: str) -> list[Flag]:
    """The phrase flags in ``text`` (hedges, doubt raisers, faint praise, gendered words, personal life,
    appearance), in text order and never overlapping. Raises Invalid for non-text or over-long text."""
    body = _checked(text)
    order = {category: i for i, category in enumerate(FlagCategory)}
    found = [
        (match.start(), match.end(), category)
        for category, pattern in _PHRASE_PATTERNS.items()
        for match in pattern.finditer(body)
    ]
    # Longest first (then earliest, then category order); a hit overlapping one already kept is dropped.
    kept: list[tuple[int, int, FlagCategory]] = []
    for hit in sorted(found, key=lambda hit: (-(hit[1] - hit[0]), hit[0], order[hit[2]])):
        if all(hit[1] <= other[0] or other[1] <= hit[0] for other in kept):
            kept.append(hit)
    kept.sort()
    return [
        Flag(start, end, category, body[start:end], EXPLANATIONS[category]) for start, end, category in kept
    ]


def _spans(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    return tuple((match.start(), match.end()) for match in pattern.finditer(text))


def count_words(text: str) -> int:
    """Words in ``text``: runs of letters and digits (with inner apostrophes and hyphens)."""
    return len(_WORD.findall(_checked(text)))


def check_letter(text: str) -> WordingReport:
    """Check a whole letter: :func:`flag_phrases`, then a communal-balance flag when communal words outnumber
    agentic ones, and a length flag under :data:`SHORT_LETTER_WORDS` words. Whole-letter flags span the
    whole text ``(0, len(text))``. Raises Invalid for non-text or over-long text."""
    body = _checked(text)
    flags = flag_phrases(body)
    communal, agentic = _spans(_COMMUNAL, body), _spans(_AGENTIC, body)
    words = count_words(body)
    whole = (0, len(body))
    if len(communal) > len(agentic):
        explanation = (
            f"{len(communal)} communal against {len(agentic)} agentic. "
            + EXPLANATIONS[FlagCategory.COMMUNAL_BALANCE]
        )
        flags.append(Flag(*whole, FlagCategory.COMMUNAL_BALANCE, body, explanation))
    if words < SHORT_LETTER_WORDS:
        explanation = f"{words} words (under {SHORT_LETTER_WORDS}). " + EXPLANATIONS[FlagCategory.LENGTH]
        flags.append(Flag(*whole, FlagCategory.LENGTH, body, explanation))
    return WordingReport(
        flags=tuple(flags),
        words=words,
        communal=communal,
        agentic=agentic,
        grindstone=_spans(_GRINDSTONE, body),
    )
