"""The coach Rounds gives an applicant when they apply (called by the applications' submit, in its
transaction); :mod:`server.services.coaches` holds the rest of the feature."""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.coaches import OPEN_CASE_STATES, CoachAssignment, pick_coach
from server.domain.programs import Program

#: The application states counted as a coach's open cases, as stored.
OPEN = [s.value for s in OPEN_CASE_STATES]


def coordinators_of(program: Program) -> list[int]:
    """A program's coordinators, the one who published it first."""
    return [program.coordinator_id, *(c for c in program.co_coordinator_ids if c != program.coordinator_id)]


async def ensure_coach(uow: UnitOfWork, application_id: int, program: Program) -> int:
    """The application's coach; if it has none yet, Rounds assigns the coordinator of the program with
    the fewest open cases in it (:func:`server.domain.coaches.pick_coach`) and records the assignment as
    its own (``assigned_by`` None). In the caller's transaction. Two applications at the same moment may
    both go to the same coach: the balance is a preference, not a guarantee."""
    current = await uow.coaches.coach_of(application_id)
    if current is not None:
        return current
    loads = await uow.coaches.open_cases([program.id], OPEN)
    coach_id = pick_coach(coordinators_of(program), {c: n for (_, c), n in loads.items()})
    await uow.coaches.assign(
        CoachAssignment(
            application_id=application_id,
            coach_id=coach_id,
            previous_coach_id=None,
            assigned_by=None,
            at=uow.now(),
        )
    )
    return coach_id
