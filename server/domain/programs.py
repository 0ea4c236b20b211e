"""Programs as the catalog keeps them: what a coordinator publishes, and who may apply."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from server.domain.errors import Invalid


@dataclass(frozen=True)
class NewProgram:
    """A program as a coordinator publishes it, before it has an id. The lists are tuples (of the
    vocabularies' values, in the order given) so that a program cannot change behind its reader."""

    title: str
    specialty: str
    rotation_type: str
    modality: str
    description: str
    allowed_training_statuses: tuple[str, ...]
    step1_pass_required: bool
    allowed_professions: tuple[str, ...]
    required_documents: tuple[str, ...]
    coordinator_id: int
    published: bool
    created_at: datetime
    # What a visitor must see to before day one (server.domain.checklists.ChecklistItem values); none
    # for a virtual program. Keyword-only so that it can default after the fields above.
    before_day_one: tuple[str, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class Program(NewProgram):
    """A program as kept: what was published, its id, and the coordinators who joined the one who
    published it (by invitation)."""

    id: int
    co_coordinator_ids: tuple[int, ...] = ()

    def is_run_by(self, user_id: int) -> bool:
        """Whether ``user_id`` is one of the program's coordinators: the one who published it or one
        who joined by invitation. The one answer to "is this their program?" for a coordinator."""
        return user_id == self.coordinator_id or user_id in self.co_coordinator_ids


def open_to_profession(program: NewProgram, profession: str) -> bool:
    """Whether ``program`` takes applicants of ``profession``: one that names no profession takes every
    one (as the eligibility rules read ``allowed_professions``); names compare in lower case."""
    allowed = {p.strip().lower() for p in program.allowed_professions}
    return not allowed or profession.strip().lower() in allowed


# --- the catalog's text search ----------------------------------------------------------------------

# How many words a catalog search may hold: enough for any real query, few enough that the query stays
# a handful of LIKE conditions.
SEARCH_MAX_WORDS = 8


def _folded_words(text: str) -> list[str]:
    """The words of ``text``: accents removed (NFKD, combining marks dropped), case folded, split on
    everything that is not a letter or a digit."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in plain).split()


def search_key(title: str, specialty: str, description: str) -> str:
    """What the catalog searches of a program: its title, specialty and description as folded words
    separated by single spaces, with a space at each end so that a word can be matched whole or as the
    start of a word alike (``% cardio%``). Stored with the program (``programs.search_text``) so that
    the search runs the same LIKE on SQLite and PostgreSQL."""
    return " " + " ".join(_folded_words(f"{title} {specialty} {description}")) + " "


def search_words(query: str) -> list[str]:
    """The words of a catalog search, folded like :func:`search_key` (so ``Pédiatrie`` finds
    ``pediatrie``), each once, in the order given; every one must occur (in any order) as the start
    of a word of the program's key. Only letters and digits remain, so a word never holds a LIKE
    wildcard."""
    words = list(dict.fromkeys(_folded_words(query)))
    if len(words) > SEARCH_MAX_WORDS:
        raise Invalid(f"Search with at most {SEARCH_MAX_WORDS} words.", field="q")
    return words
