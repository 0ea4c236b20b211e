"""What the learning record's overview pages list: an enrollment as it appears there (whose, of which
program, in which state). Plain Python; the pages' counts are summed up in
``server.services.learning_pages``."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.applications import AppState


@dataclass(frozen=True, slots=True)
class ListedEnrollment:
    """An enrolled application as the record's index lists it: no more than the page needs."""

    id: int
    visitor_id: int
    program_id: int
    state: AppState
