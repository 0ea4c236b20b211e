"""Coaches: every applicant and enrolled visitor has one, a coordinator of the program. Who is chosen
when Rounds assigns one, and what an assignment records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from server.domain.applications import FINAL_STATES, AppState

# The states in which an application is an open case for its coach: applied and not closed (a
# completed rotation, a denial or a withdrawal closes it). A draft is not yet an application.
OPEN_CASE_STATES = frozenset(s for s in AppState if s not in FINAL_STATES and s is not AppState.DRAFT)


@dataclass(frozen=True, slots=True)
class CoachAssignment:
    """One assignment of a coach to an application: who was before (None: nobody), who made the change
    (None: Rounds, automatically on application), and when."""

    application_id: int
    coach_id: int
    previous_coach_id: int | None
    assigned_by: int | None
    at: datetime


def pick_coach(coordinator_ids: Sequence[int], open_cases: Mapping[int, int]) -> int:
    """The coordinator with the fewest open cases in the program (``open_cases``: per coordinator; a
    missing one has none); between equals, the first in ``coordinator_ids`` (the one who published the
    program comes first). ``coordinator_ids`` is never empty: a program always has its publisher."""
    if not coordinator_ids:
        raise ValueError("a program has at least one coordinator")
    return min(coordinator_ids, key=lambda cid: (open_cases.get(cid, 0), coordinator_ids.index(cid)))
