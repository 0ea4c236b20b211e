"""The ICD-10-CM code set: look-up, chapters and a type-ahead search over codes and descriptions.

The data comes from the ``simple_icd_10_cm`` package (the CMS tabular list it ships). Importing that
package parses a ~10 MB XML file, so nothing is loaded until the first call that needs it (or
:func:`warm_up` at start-up). Loading happens once, under a lock, and everything built is read-only
afterwards, so every function here may be called from any thread.

Which codes count: categories ("E11"), subcategories ("E11.9") and codes carrying a 7th character
("S72.001A") -- everything a diagnosis may be recorded as. Chapters ("9") and blocks ("I10-I1A") only
group codes (see :func:`chapter`); they are not codes here. A code is *billable* when it has no children in
the tabular list (a leaf): only those are valid on a claim, but a differential may well name a category.

Search (:func:`search`) is a type-ahead:

* A query shaped like a code or the start of one ("E11", "e11.9", "J45.90", "E11.") lists the codes that
  start with it in code order, so the exact code comes first, then its children.
* Otherwise (and to fill the list after code matches) every word of the query must be the start of a word
  in one of the code's *names*, in any order ("type 2 diab", "asthma exac"); case, accents and apostrophes
  are ignored ("crohn" finds "Crohn's disease"). A code's names are its description, the tabular list's
  inclusion terms and includes notes ("High blood pressure" and "hypertension (arterial) (benign) ..." are
  names of I10), what its square brackets give ("[common cold]") and curated entry terms
  (:mod:`server.codes.clinical_terms`).
* The query is also searched as rewritten by :mod:`server.codes.clinical_terms`: abbreviations ("htn"),
  lay phrases ("heart attack"); the rewritings rank before the query as typed, since a whole word that is a
  known abbreviation is more likely meant as one. Phrases are found in any spelling or inflection ("hot
  flashes", "ischaemic stroke"), abbreviations written apart ("a fib") or run into their stage ("ckd3a").
  A query word that starts no word of the code set is read in its American spelling ("anaemia"), without
  a plural or verb ending, or (from 5 letters) as the word one typing slip away ("pnuemonia") -- but a
  single word that is a known abbreviation ("pprom") is read only as that.
* When no code has every word of any phrasing although each word is in the code set ("kawasaki
  disease", "herpes simplex virus"), each phrasing is searched again without one of its words.

Ranking: first, the codes one of whose names the query *names*: its core words (without parenthesised
nonessential modifiers, "NOS", "unspecified", "not elsewhere classified", "without complications" and
joining words -- ICD-10-CM's own marks of a default) are all covered by the query words (tier 0), or all
but one (tier 1; an uncovered "other" counts twice). So "hypertension" lists I10 first, "copd" J44.9
("Chronic obstructive pulmonary disease, unspecified"). A non-billable code in a tier is followed by its
default billable code: down the children, the one saying "unspecified"/"without complications", else the
one ending in 9, else the first (E11 -> E11.9, J45 -> J45.909). Within a tier codes go by weight. Then the
other matches by a weight: the description's length (shorter is more general), plus a penalty for
non-billable codes, minus a bonus for the ", unspecified" code of a group, minus a bonus when the
description starts with one of the query's words; ties go to code order. A caller that knows how common a
diagnosis is (a program's most logged codes, a visitor's recent ones) passes them as ``prefer`` to list
them first.

The index: codes numbered in order of their static weight; a sorted vocabulary of name words whose
positions are word ids, so the words that start with a query word form one contiguous id range (found by
bisection); per word, the sorted ids of the codes that use it; per code, the ids of its words. A query
takes the id range of each of its words, starts from the rarest, intersects, and walks the candidates in
weight order, stopping as soon as no later candidate can enter the top ``limit``. For the tiers, every
name is also kept as its core words, with per core size the names each word is in: a query of n words
looks only at names of at most n + 1 core words. Codes with a 7th character ("S72.001A") make no tier:
the character names an encounter, a fetus or a sequela of the parent's concept, and the parent brings its
default ("..., initial encounter") after it.

The build (about 3.3 s of CPU on top of the package's own 1.6 s, against 5.5 s before round 2 of issue
17; ``bench/icd10_search.py``): each distinct text is split once; half the code set is a parent's
description and a tail (", initial encounter"; the package writes them so), and those are split as the
two parts; each category's default billable code is found once, children first; numbers are kept in
arrays rather than lists of ints, and descriptions are the package's own strings. What it gives is checked
against splitting every description whole (``tests/unit/test_icd10_search.py``).
"""

from __future__ import annotations

import heapq
import re
import threading
import time
import unicodedata
import warnings
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from server.codes import clinical_terms

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Longer queries are cut here: the cut leaves a word prefix, which the search treats as one anyway.
MAX_QUERY_CHARS = 200
MAX_PREFER = 200
# Weight, in characters of description: a non-billable code ranks like a billable one this much longer,
# and a description that starts with a word of the query ranks like one this much shorter.
NON_BILLABLE_PENALTY = 12
FIRST_WORD_BONUS = 16
# ", unspecified" marks the general code of a group ("Sepsis, unspecified organism", "Chest pain,
# unspecified"), unlike "Cellulitis of unspecified toe": worth about what the words cost in length.
UNSPECIFIED_BONUS = 14
# Above this many candidates, a further query word is applied by set intersection instead of checking
# each candidate's words one by one.
_INTERSECT_ABOVE = 2000

_CODE_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")  # a whole code without its dot: "E119", "S72001A"
_CODE_PREFIX_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z]{0,5}")  # the start of one: "E1", "E11", "E119"
_WORD = re.compile(r"[a-z0-9]+")
_UNSPECIFIED = re.compile(r",\s*unspecified\b", re.IGNORECASE)  # "Sepsis, unspecified organism"
_APOSTROPHES = ("'", "\u2018", "\u2019", "`")
_CHAPTER_DESCRIPTION = re.compile(r"(?P<title>.*?)\s*\((?P<codes>[A-Z0-9]+-[A-Z0-9]+)\)\s*")
_AFTER_LAST_WORD_CHAR = "\x7f"  # sorts after every character a word or compact code may contain

# Names of more core words than this are left to the weight ranking (a tier names a concept, not a case).
MAX_TERM_WORDS = 8
# A misspelt query word is corrected by one typing slip only from this length on.
MIN_CORRECTED_LETTERS = 5
# Joining words: they neither make a name nor count against a query covering one.
STOPWORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "due", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
    | {"without"}
)
# A name's uncovered word that only says "some other kind" costs two, so "Other asthma" is no tier for
# "asthma".
_GENERIC = frozenset({"other", "specified"})
_PARENTHESISED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # (nonessential modifiers), [synonyms]
_BRACKETED = re.compile(r"\[([^\[\]]+)\]")  # "Acute nasopharyngitis [common cold]"
_ACRONYM_IN_PARENTHESES = re.compile(r"\((?=[^()]*[A-Z][^()]*[A-Z])([A-Z][A-Za-z0-9-]{1,9})\)")  # "(NAFLD)"
_COMPOUND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a word, or hyphenated words ("gastro-esophageal")
# What a name may say without changing what it names: ICD-10-CM's own marks of the default code.
_NOT_CORE = re.compile(
    r"\b(?:not elsewhere classified|not otherwise specified|site not specified"
    r"|unspecified (?:organism|type|site)|unspecified|nos|without complications?|uncomplicated)\b"
)
# A child that is the default one on the way down to a category's default billable code.
_DEFAULT_CHILD = re.compile(r"\b(?:unspecified|NOS|without complications?|uncomplicated)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Icd10Code:
    """One ICD-10-CM code: ``code`` with its dot ("E11.9"), its description, and the chapter number."""

    code: str
    description: str
    billable: bool
    chapter: int

    @property
    def category(self) -> str:
        """The 3-character category the code belongs to ("E11" for "E11.9")."""
        return self.code[:3]

    @property
    def compact(self) -> str:
        """The code without its dot ("E119"), as claims and some exports write it."""
        return self.code.replace(".", "")


class Chapter(NamedTuple):
    """A chapter of the tabular list: number (1-22), its roman numeral, title and code range."""

    number: int
    roman: str
    title: str
    codes: str


@dataclass(frozen=True, slots=True)
class LoadStats:
    """What loading cost: the package's own load (XML parse) and building Rounds' index on top of it."""

    codes: int
    words: int
    package_seconds: float
    index_seconds: float


def _fold(text: str) -> str:
    """Lower case, accents and apostrophes removed: the form both descriptions and queries are split in."""
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    if not text.isascii():  # accents off ("Ménière" -> "meniere"), one line at a time: few lines have any
        text = "\n".join(
            line if line.isascii() else unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode()
            for line in text.split("\n")
        )
    return text.lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _query_words(text: str) -> list[str]:
    """The distinct words of a query, without its joining words ("nausea and vomiting"), unless they are
    all it has or the last one may still be the start of a longer word ("an" on the way to "anemia")."""
    words = list(dict.fromkeys(_words(text)))
    if not words:
        return words
    last_is_typed = not text[-1:].isspace() and text[-1:] not in ",.;"
    kept = [
        word
        for position, word in enumerate(words)
        if word not in STOPWORDS or (last_is_typed and position == len(words) - 1)
    ]
    return kept or words


def _compact(code: str, shape: re.Pattern[str], *, trailing_dot: bool = False) -> str | None:
    """``code`` upper-cased, trimmed and without the dot after its category, if it has ``shape``.
    ``trailing_dot`` accepts a dot with nothing after it ("E11.", as typed on the way to "E11.9")."""
    text = code.strip().upper()
    if len(text) > 3 and text[3] == "." and (len(text) > 4 or trailing_dot):
        text = text[:3] + text[4:]
    return text if shape.fullmatch(text) else None


def _dotted(compact: str) -> str:
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    parts: list[str] = []
    for value, numeral in numerals:
        count, number = divmod(number, value)
        parts.append(numeral * count)
    return "".join(parts)


class _Entry(NamedTuple):
    """One code as read from the package, in tabular order."""

    code: str
    description: str
    billable: bool
    chapter: int
    terms: tuple[str, ...]  # the tabular list's inclusion terms and includes notes, and curated entry terms
    children: tuple[str, ...]


class _Parsed(NamedTuple):
    """A name split once for everything the index needs from it."""

    words: tuple[str, ...]  # every word a query word may start; a hyphenated compound also as one word
    core: tuple[tuple[str, ...], ...]  # what makes the name what it is (see _parse)
    optional: tuple[str, ...]  # the words of its parenthesised nonessential modifiers


def _parse(text: str) -> _Parsed:
    """A name's words, and the words that make it what it is with the optional ones. A core item is one
    word, or a hyphenated compound as (joined, part, part...): "gastro-esophageal" may be typed either
    way. Dropped from the core: what ICD-10-CM itself marks as not changing the code -- parenthesised
    nonessential modifiers (which become optional words), "NOS", "unspecified", "not elsewhere
    classified", "without complications" -- and joining words ("of", "with")."""
    folded = _fold(text)
    words: list[str] = []
    found = _COMPOUND.findall(folded)
    for token in found:
        if "-" in token:
            parts = token.split("-")
            words.extend(parts)
            words.append("".join(parts))
        else:
            words.append(token)
    bracketed = "(" in folded or "[" in folded
    optional = tuple(_WORD.findall(" ".join(_PARENTHESISED.findall(folded)))) if bracketed else ()
    core_text = _NOT_CORE.sub(" ", _PARENTHESISED.sub(" ", folded) if bracketed else folded)
    # most names have nothing outside their core: their tokens are the ones already found
    tokens = _COMPOUND.findall(core_text) if bracketed or core_text != folded else found
    items: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for token in tokens:
        if "-" in token:
            parts = token.split("-")
            item = ("".join(parts), *parts)
        elif token in STOPWORDS:
            continue
        else:
            item = (token,)
        if item not in seen:
            seen.add(item)
            items.append(item)
    return _Parsed(tuple(words), tuple(items), optional)


def _joined(head: _Parsed, tail: _Parsed) -> _Parsed:
    """What :func:`_parse` gives for ``head``'s text followed by ``tail``'s when the tail starts with a
    separator (", initial encounter"): half the code set is a parent's description and such a tail.
    Only the first word of ``words`` is kept, since the index takes the rest from each part."""
    core = head.core
    if len(core) <= MAX_TERM_WORDS:  # a longer name makes no term: its core is not needed
        core = core + tuple(item for item in tail.core if item not in core)
    return _Parsed((head.words or tail.words)[:1], core, head.optional + tail.optional)


def _names(description: str, terms: Iterable[str]) -> list[str]:
    """Every name of a code: its description, its terms, and what their square brackets give as a synonym
    ("Acute nasopharyngitis [common cold]") or their brackets give as an acronym ("... (NAFLD)")."""
    names: list[str] = []
    for text in (description, *terms):
        names.append(text)
        if "[" in text:
            names.extend(_BRACKETED.findall(text))
        if "(" in text:
            names.extend(_ACRONYM_IN_PARENTHESES.findall(text))
    return list(dict.fromkeys(names)) if len(names) > 1 else names


def _default_key(description: str, code: str) -> tuple[int, int, str]:
    """How a child is chosen on the way to a category's default billable code: an unspecified one first,
    then one ending in 9 (the tabular list's usual place for "unspecified"), then code order."""
    unspecified = _DEFAULT_CHILD.search(description) is not None
    return (0 if unspecified else 1, 0 if code.endswith("9") else 1, code)


def _new_posting() -> array[int]:
    return array("i")


class _Index:
    """The loaded code set and its search structures. Built once; never changed afterwards."""

    def __init__(self, entries: list[_Entry], chapters: dict[int, Chapter]) -> None:
        # Codes are kept as parallel lists indexed by code id; Icd10Code objects are made only for answers.
        self.chapters = chapters

        def weight(entry: _Entry) -> int:
            unspecified = _UNSPECIFIED.search(entry.description) is not None
            return (
                len(entry.description)
                + (0 if entry.billable else NON_BILLABLE_PENALTY)
                - (UNSPECIFIED_BONUS if unspecified else 0)
            )

        weights = [weight(entry) for entry in entries]
        order = sorted(range(len(entries)), key=weights.__getitem__)  # stable: equal weights in code order
        ordered = [entries[position] for position in order]
        # numbers are kept in arrays: a list of ints costs a pointer and an int object per code
        self.code: list[str] = [entry.code for entry in ordered]
        self.description: list[str] = [entry.description for entry in ordered]
        self.billable: list[bool] = [entry.billable for entry in ordered]
        self.chapter: array[int] = array("b", [entry.chapter for entry in ordered])
        self.weights: array[int] = array("i", [weights[position] for position in order])
        self.id_of: dict[str, int] = {
            code.replace(".", ""): code_id for code_id, code in enumerate(self.code)
        }
        self.compact_sorted: list[str] = sorted(self.id_of)

        # every name of every code, split once: the words a query matches, and each name's core for tiers.
        # Half the codes (the 7th-character ones, "..., initial encounter") are named by their parent's
        # description and a tail: theirs is the parent's parse and the tail's, each text split once.
        parent_of = {child: entry.code for entry in entries for child in entry.children}
        description_of = {entry.code: entry.description for entry in entries}
        parsed: dict[str, _Parsed] = {}
        # per code: the texts its names are made of: its description, or the pair (parent's description,
        # tail) it is made of, and the other names
        sources: list[tuple[tuple[str, str] | str, tuple[str, ...]]] = []
        for entry in ordered:
            description = entry.description
            head = description_of.get(parent_of.get(entry.code, ""), "")
            first: tuple[str, str] | str = description
            if head and description.startswith(head) and description.startswith(", ", len(head)):
                first = (head, description[len(head) :])
            others = tuple(_names(description, entry.terms)[1:])
            for text in (*((first,) if isinstance(first, str) else first), *others):
                if text not in parsed:
                    parsed[text] = _parse(text)
            sources.append((first, others))

        vocabulary: set[str] = set()
        for found in parsed.values():
            vocabulary.update(found.words)
        self.vocabulary: list[str] = sorted(vocabulary)
        self.vocabulary_set: frozenset[str] = frozenset(vocabulary)
        # the words of the descriptions themselves: a query word among them is not read as an abbreviation
        self.description_words: frozenset[str] = frozenset(_WORD.findall(_fold("\n".join(self.description))))
        word_id = {word: position for position, word in enumerate(self.vocabulary)}
        ids_of: dict[str, frozenset[int]] = {}

        def ids(text: str) -> frozenset[int]:
            found = ids_of.get(text)
            if found is None:
                found = ids_of[text] = frozenset(map(word_id.__getitem__, parsed[text].words))
            return found

        # per code, its word ids: code_words[word_start[n]:word_start[n + 1]]; per word, its codes
        self.code_words: array[int] = array("H" if len(self.vocabulary) < 1 << 16 else "i")
        self.word_start: array[int] = array("i", [0])
        self.first_word: array[int] = array("i")
        self.postings: list[array[int]] = [array("i") for _ in self.vocabulary]
        # names as terms for the tiers: per term its code and core items (as word ids); per core size, the
        # terms each word (core or optional) appears in. Equal items are one shared tuple.
        self.term_code: array[int] = array("i")
        self.term_core: list[tuple[tuple[int, ...], ...]] = []
        term_postings: dict[int, defaultdict[int, array[int]]] = {}
        item_ids = {
            item: tuple(map(word_id.__getitem__, item)) for found in parsed.values() for item in found.core
        }
        # local names: this loop runs over every (word, code) pair
        code_words, word_start, postings = self.code_words, self.word_start, self.postings
        first_word, term_code, term_core = self.first_word, self.term_code, self.term_core
        codes = self.code
        for code_id, (first, others) in enumerate(sources):
            if isinstance(first, str):
                code_ids = ids(first)
                opening = parsed[first]
            else:
                code_ids = ids(first[0]) | ids(first[1])
                opening = parsed[first[0]] if parsed[first[0]].words else parsed[first[1]]
            if others:
                code_ids = code_ids.union(*map(ids, others))
            code_words.extend(code_ids)
            word_start.append(len(code_words))
            for word in code_ids:
                postings[word].append(code_id)  # code ids ascend, so each posting list is sorted
            # the first word of a description is the first of its parse (a compound's first part)
            first_word.append(word_id[opening.words[0]] if opening.words else -1)

            if len(codes[code_id]) == len("S72.001A"):
                # a 7th character names an encounter (or a fetus) of its parent's concept, not a concept:
                # it makes no tier, and comes as its parent's default billable code
                continue
            if isinstance(first, str):
                described = parsed[first]
            else:
                described = _joined(parsed[first[0]], parsed[first[1]])
            term_names: list[_Parsed] = [described, *map(parsed.__getitem__, others)]
            seen_terms: set[tuple[tuple[int, ...], ...]] = set()
            for name in term_names:
                if not name.core or len(name.core) > MAX_TERM_WORDS:
                    continue
                core = tuple(map(item_ids.__getitem__, name.core))
                if core in seen_terms:
                    continue
                seen_terms.add(core)
                term_id = len(term_code)
                term_code.append(code_id)
                term_core.append(core)
                by_word = term_postings.get(len(core))
                if by_word is None:
                    by_word = term_postings[len(core)] = defaultdict(_new_posting)
                term_words = {word for item in core for word in item}
                term_words.update(map(word_id.__getitem__, name.optional))
                for word in term_words:
                    by_word[word].append(term_id)
        self.term_postings: dict[int, dict[int, array[int]]] = {
            size: dict(by_word) for size, by_word in term_postings.items()
        }
        # cumulative posting sizes: the number of (word, code) pairs in a word-id range, in O(1)
        self.cumulative: array[int] = array("i", [0])
        for posting in self.postings:
            self.cumulative.append(self.cumulative[-1] + len(posting))

        # per non-billable code, its default billable code: the unspecified child, all the way down. Children
        # follow their parent in tabular order, so walking it backwards finds each child's answer first.
        leaf_of: dict[str, str] = {}
        for entry in reversed(entries):
            if not entry.children:
                leaf_of[entry.code] = entry.code
                continue
            children = [child for child in entry.children if child in description_of]
            best = min(children, key=lambda child: _default_key(description_of[child], child), default="")
            leaf_of[entry.code] = leaf_of.get(best, "")
        id_of_dotted = {code: code_id for code_id, code in enumerate(self.code)}
        self.default_leaf: array[int] = array("i")
        for code in self.code:
            leaf = leaf_of[code]
            self.default_leaf.append(id_of_dotted[leaf] if leaf and leaf != code else -1)

    def __len__(self) -> int:
        return len(self.code)

    def make(self, code_id: int) -> Icd10Code:
        """The code with this id, as a value to hand out."""
        return Icd10Code(
            self.code[code_id], self.description[code_id], self.billable[code_id], self.chapter[code_id]
        )

    def get(self, code: str) -> Icd10Code | None:
        compact = _compact(code, _CODE_SHAPE)
        if compact is None:
            return None
        code_id = self.id_of.get(compact)
        return None if code_id is None else self.make(code_id)

    def search(self, query: str, limit: int, preferred: list[int]) -> list[Icd10Code]:
        query = query[:MAX_QUERY_CHARS]
        found: list[int] = []
        prefix = _compact(query, _CODE_PREFIX_SHAPE, trailing_dot=True)
        if prefix is not None:
            found.extend(self._by_code_prefix(prefix, limit))
        if len(found) < limit:
            already = set(found)
            for code_id in self._by_words(query, limit + len(found), preferred):
                if code_id not in already:
                    found.append(code_id)
                    if len(found) == limit:
                        break
        return [self.make(code_id) for code_id in found]

    def _by_code_prefix(self, prefix: str, limit: int) -> list[int]:
        start = bisect_left(self.compact_sorted, prefix)
        end = bisect_left(self.compact_sorted, prefix + _AFTER_LAST_WORD_CHAR, lo=start)
        return [self.id_of[compact] for compact in self.compact_sorted[start : min(end, start + limit)]]

    def _word_range(self, prefix: str) -> tuple[int, int]:
        start = bisect_left(self.vocabulary, prefix)
        return start, bisect_left(self.vocabulary, prefix + _AFTER_LAST_WORD_CHAR, lo=start)

    def _size(self, word_range: tuple[int, int]) -> int:
        return self.cumulative[word_range[1]] - self.cumulative[word_range[0]]

    def _corrected(self, word: str) -> tuple[int, int]:
        """The word-id range for a query word that starts no word of the code set: its American spelling or
        singular, else the most used word (or, failing that, word start) one typing slip away. Empty if
        none: short words are left alone, since one slip from them reaches too many others."""
        for variant in clinical_terms.american_spellings(word):
            found = self._word_range(variant)
            if found[0] != found[1]:
                return found
        for stem in clinical_terms.stems(word):
            if stem in self.vocabulary_set:
                return self._word_range(stem)
        if len(word) < MIN_CORRECTED_LETTERS:
            return (0, 0)
        edits = set(clinical_terms.one_edit(word))
        whole = [edit for edit in edits if edit in self.vocabulary_set]
        # a slip is likelier inside a word than at its end: among equals, keep the last letter as typed
        ranked = [(edit.endswith(word[-1]), self._word_range(edit)) for edit in (whole or edits)]
        ranked = [(same_end, found) for same_end, found in ranked if found[0] != found[1]]
        best = max(ranked, key=lambda pair: (pair[0], self._size(pair[1])), default=(False, (0, 0)))
        return best[1]

    def _ranges(self, words: list[str]) -> list[tuple[int, int]] | None:
        ranges: list[tuple[int, int]] = []
        for word in words:
            found = self._word_range(word)
            if found[0] == found[1]:
                found = self._corrected(word)
                if found[0] == found[1]:
                    return None
            ranges.append(found)
        return ranges

    def _codes_in(self, word_range: tuple[int, int]) -> set[int]:
        start, end = word_range
        if end - start == 1:
            return set(self.postings[start])
        return set().union(*self.postings[start:end])

    def _by_words(self, query: str, limit: int, preferred: list[int]) -> list[int]:
        """Codes for the words of ``query`` and of each rewriting of it (abbreviations, lay phrases): the
        preferred codes first, then the codes one of whose names is the query (tier 0) or the query and
        one more word (tier 1), each non-billable one followed by its default billable code, then the
        rest by weight. When no code has every word though each word is in the code set ("kawasaki
        disease", "herpes simplex virus"), the phrasings lose one word each."""
        # the rewritings first, the query as typed last: a whole word that is a known abbreviation ("pe")
        # is more likely meant as one than as the start of a word ("pemphigus")
        texts = clinical_terms.alternatives(query, self.description_words)
        phrasings: list[list[tuple[int, int]]] = []
        as_typed = -1  # which phrasing is the query as typed, if it matches anything
        for text in [*texts[1:], texts[0]]:
            words = _query_words(text)
            ranges = self._ranges(words) if words else None
            if ranges is None or ranges in phrasings:
                continue
            if (
                text is texts[0]
                and phrasings
                and len(words) == 1
                and self._size(self._word_range(words[0])) == 0
            ):
                # a known abbreviation that starts no word ("pprom") is not a typing slip ("prom...")
                continue
            phrasings.append(ranges)
            as_typed = len(phrasings) - 1 if text is texts[0] else as_typed
        found = self._ranked(phrasings, as_typed, limit, preferred)
        if found or not phrasings:
            return found
        shorter: list[list[tuple[int, int]]] = []
        for ranges in phrasings:
            for left_out in range(len(ranges) if len(ranges) > 1 else 0):
                fewer = ranges[:left_out] + ranges[left_out + 1 :]
                if fewer not in shorter:
                    shorter.append(fewer)
        return self._ranked(shorter, -1, limit, preferred)

    def _ranked(
        self, phrasings: list[list[tuple[int, int]]], as_typed: int, limit: int, preferred: list[int]
    ) -> list[int]:
        """The codes for the phrasings (each a list of word-id ranges), best first (see _by_words)."""
        if not phrasings:
            return []
        favoured = [
            code_id for code_id in preferred if any(self._has_words(code_id, ranges) for ranges in phrasings)
        ]
        # code id -> (phrasing is the query as typed, tier, weight)
        tiered: dict[int, tuple[int, int, int]] = {}
        scored: dict[int, int] = {}
        for number, ranges in enumerate(phrasings):
            for code_id, tier in self._tiers(ranges).items():
                rank = (1 if number == as_typed else 0, tier, code_id)
                if rank < tiered.get(code_id, (2, 2, 0)):
                    tiered[code_id] = rank
            for score, code_id in self._general(ranges, limit + len(favoured)):
                scored[code_id] = min(score, scored.get(code_id, score))
        ordered: list[int] = list(dict.fromkeys(favoured))
        listed = set(ordered)
        for code_id in sorted(tiered, key=tiered.__getitem__):
            for member in (code_id, self.default_leaf[code_id]):
                if member >= 0 and member not in listed:
                    listed.add(member)
                    ordered.append(member)
        for code_id in sorted(scored, key=lambda code_id: (scored[code_id], code_id)):
            if code_id not in listed:
                listed.add(code_id)
                ordered.append(code_id)
        return ordered[:limit]

    def _tiers(self, ranges: list[tuple[int, int]]) -> dict[int, int]:
        """The codes with a name whose core the query covers (tier 0) or covers but for one word (tier 1);
        every query word must be in that one name. Joining words of the query do not count."""
        content = [self._as_letter(word_range) for word_range in ranges]
        if not content or len(content) > MAX_TERM_WORDS:
            return {}
        sizes = [size for size in range(1, len(content) + 2) if size in self.term_postings]
        candidates: set[int] | None = None
        for start, end in sorted(content, key=self._size):
            terms: set[int] = set()
            for size in sizes:
                by_word = self.term_postings[size]
                for word in range(start, end):
                    posting = by_word.get(word)
                    if posting:
                        terms.update(posting)
            candidates = terms if candidates is None else candidates & terms
            if not candidates:
                return {}
        found: dict[int, int] = {}
        for term_id in candidates or ():
            uncovered = 0
            for item in self.term_core[term_id]:
                if not self._covered(item, content):
                    uncovered += 2 if self.vocabulary[item[0]] in _GENERIC else 1
                    if uncovered > 1:
                        break
            if uncovered <= 1:
                code_id = self.term_code[term_id]
                found[code_id] = min(uncovered, found.get(code_id, uncovered))
        return found

    def _as_letter(self, word_range: tuple[int, int]) -> tuple[int, int]:
        """A query word of one letter or digit names that letter ("hepatitis c", "type 2"), not every word
        starting with it, when it comes to naming a concept."""
        start, end = word_range
        if end - start > 1 and len(self.vocabulary[start]) == 1:
            return (start, start + 1)
        return word_range

    @staticmethod
    def _covered(item: tuple[int, ...], ranges: list[tuple[int, int]]) -> bool:
        """Whether a core item (a word, or a compound with its parts) is matched by the query words."""
        if any(start <= item[0] < end for start, end in ranges):
            return True
        return len(item) > 1 and all(any(start <= part < end for start, end in ranges) for part in item[1:])

    def _general(self, ranges: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
        """The ``limit`` best (score, code id) having every query word, by weight (see the module doc)."""
        # rarest first: the fewest (word, code) pairs
        by_size = sorted(ranges, key=self._size)
        candidates = self._codes_in(by_size[0])
        to_check: list[tuple[int, int]] = []
        for word_range in by_size[1:]:
            if len(candidates) > _INTERSECT_ABOVE:
                candidates &= self._codes_in(word_range)
            else:
                to_check.append(word_range)
        return self._best(sorted(candidates), ranges, to_check, limit)

    def _has_words(self, code_id: int, ranges: list[tuple[int, int]]) -> bool:
        """Whether the code's names have a word in every one of the word-id ``ranges``."""
        words = self.code_words[self.word_start[code_id] : self.word_start[code_id + 1]]
        return all(any(start <= word < end for word in words) for start, end in ranges)

    def _best(
        self,
        candidates: list[int],
        ranges: list[tuple[int, int]],
        to_check: list[tuple[int, int]],
        limit: int,
    ) -> list[tuple[int, int]]:
        """The ``limit`` best of ``candidates`` (ascending ids, so ascending static weight) that also have a
        word in every range of ``to_check``, as (score, id); a description starting with a query word
        earns the bonus."""
        kept: list[tuple[int, int]] = []  # a max-heap of (-score, -id): kept[0] is the worst kept
        for code_id in candidates:
            weight = self.weights[code_id]
            if len(kept) == limit and weight - FIRST_WORD_BONUS >= -kept[0][0]:
                break  # every later candidate weighs at least this much: none can do better
            if to_check and not self._has_words(code_id, to_check):
                continue
            first = self.first_word[code_id]
            score = (
                weight - FIRST_WORD_BONUS if any(start <= first < end for start, end in ranges) else weight
            )
            item = (-score, -code_id)
            if len(kept) < limit:
                heapq.heappush(kept, item)
            elif item > kept[0]:
                heapq.heapreplace(kept, item)
        return [(-negative_score, -negative_id) for negative_score, negative_id in sorted(kept, reverse=True)]


def _tidy(text: str) -> str:
    """``text`` with its runs of white space made single spaces; the package's own string when it has
    none to tidy (nearly always), so that the index holds no second copy of the code set's text."""
    tidied = " ".join(text.split())
    return text if tidied == text else tidied


def _read_package(package: Any) -> tuple[list[_Entry], dict[int, Chapter]]:
    """Codes and chapters from ``simple_icd_10_cm``, walking its list in tabular order, with each code's
    inclusion terms and includes notes, and the curated entry terms of ``clinical_terms``."""
    extra: dict[str, list[str]] = {}
    for code, term in clinical_terms.vocabulary().entry_terms:
        extra.setdefault(code, []).append(term)
    entries: list[_Entry] = []
    chapters: dict[int, Chapter] = {}
    seen: set[str] = set()
    chapter_number = 0
    for name in package.get_all_codes(True):
        if package.is_chapter(name):
            chapter_number = int(name)
            description = " ".join(package.get_description(name).split())
            match = _CHAPTER_DESCRIPTION.fullmatch(description)
            title, codes = (match["title"], match["codes"]) if match else (description, "")
            chapters[chapter_number] = Chapter(chapter_number, _roman(chapter_number), title, codes)
        elif name not in seen and package.is_category_or_subcategory(name):
            # a block holding a single category shares its name: keep the category once
            seen.add(name)
            description = _tidy(package.get_description(name))
            terms = [
                _tidy(term)
                for term in (
                    *package.get_inclusion_term(name),
                    *package.get_includes(name),
                    *extra.get(name, ()),
                )
            ]
            # below a category there are only subcategories: a leaf is billable
            children = tuple(package.get_children(name))
            entries.append(_Entry(name, description, not children, chapter_number, tuple(terms), children))
    return entries, chapters


_lock = threading.Lock()
_index: _Index | None = None
_stats: LoadStats | None = None


def _loaded() -> _Index:
    global _index, _stats
    index = _index
    if index is not None:
        return index
    with _lock:
        if _index is None:
            started = time.perf_counter()
            with warnings.catch_warnings():  # its use of importlib.resources' legacy API is not ours to fix
                warnings.simplefilter("ignore", DeprecationWarning)
                import simple_icd_10_cm  # here, not at the top: importing it parses the code set

            imported = time.perf_counter()
            built = _Index(*_read_package(simple_icd_10_cm))
            finished = time.perf_counter()
            _stats = LoadStats(len(built), len(built.vocabulary), imported - started, finished - imported)
            _index = built
        return _index


def warm_up() -> LoadStats:
    """Load the code set and build the index now (e.g. at start-up) rather than on the first request;
    returns what it cost. Calling it again costs nothing and returns the same figures."""
    _loaded()
    assert _stats is not None
    return _stats


def normalise(code: str) -> str | None:
    """``code`` in its canonical form, upper case with the dot ("e119" -> "E11.9"), if it is shaped like an
    ICD-10-CM code; None otherwise. Shape only: whether the code exists is :func:`is_valid`'s business."""
    if not isinstance(code, str) or len(code) > 16:
        return None
    compact = _compact(code, _CODE_SHAPE)
    return None if compact is None else _dotted(compact)


def lookup(code: str) -> Icd10Code | None:
    """The code, written in any case, with or without its dot ("e11.9", "E119"); None if there is no such
    code (chapters and blocks are not codes)."""
    if not isinstance(code, str) or len(code) > 16:
        return None
    return _loaded().get(code)


def is_valid(code: str) -> bool:
    """Whether ``code`` is an ICD-10-CM code (category, subcategory or 7th-character code)."""
    return lookup(code) is not None


def is_billable(code: str) -> bool:
    """Whether ``code`` exists and is a leaf of the tabular list (valid on a claim); False otherwise."""
    found = lookup(code)
    return found is not None and found.billable


def category(code: str) -> str | None:
    """The 3-character category of an existing code ("E11" for "e11.9"); None for an unknown code."""
    found = lookup(code)
    return None if found is None else found.category


def chapter(code: str) -> Chapter | None:
    """The chapter an existing code belongs to (I10 -> 9, "IX", "Diseases of the circulatory system");
    None for an unknown code."""
    found = lookup(code)
    return None if found is None else _loaded().chapters[found.chapter]


def chapters() -> list[Chapter]:
    """All 22 chapters in order: the axis of a "diagnoses by chapter" chart."""
    return sorted(_loaded().chapters.values())


def search(query: str, limit: int = DEFAULT_LIMIT, *, prefer: Iterable[str] = ()) -> list[Icd10Code]:
    """Up to ``limit`` (at most :data:`MAX_LIMIT`) codes for a type-ahead ``query``: by code prefix, then by
    words of the description (see the module's documentation for the ranking). Any string is a valid
    query: one that matches nothing, or has no letters or digits, gives an empty list.

    ``prefer`` lists codes (in any written form; at most :data:`MAX_PREFER` count, unknown ones are
    ignored) to put first among the description matches, in the order given, when they match the query's
    words: e.g. the diagnoses a program logs most, or the ones this visitor chose recently."""
    if not isinstance(query, str) or isinstance(limit, bool) or not isinstance(limit, int):
        return []
    limit = min(limit, MAX_LIMIT)
    if limit <= 0 or not query.strip():
        return []
    index = _loaded()
    preferred: list[int] = []
    for code in islice(prefer, MAX_PREFER):
        compact = _compact(code, _CODE_SHAPE) if isinstance(code, str) else None
        code_id = None if compact is None else index.id_of.get(compact)
        if code_id is not None and code_id not in preferred:
            preferred.append(code_id)
    return index.search(query, limit, preferred)
