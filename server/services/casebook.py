"""Logging a case from the record's pages: an encounter and its case log in one step, for an encounter
of the enrollment not logged yet or a new one. Access, the PHI guard and the audit log stay in
``caselogs``; the encounters the visitor may choose come from the case-log form's own view-model
(:func:`server.services.record_pages.case_log_choices`).
"""

from __future__ import annotations

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.errors import Invalid
from server.schemas.record import CaseLogIn, CaseLogOut, EncounterIn
from server.services import caselogs
from server.services.record_pages import case_log_choices


async def record_case(
    uows: UnitOfWorkFactory,
    actor: Actor,
    enrollment_id: int,
    *,
    encounter_id: int | None,
    encounter: EncounterIn | None,
    case_log: CaseLogIn,
) -> CaseLogOut:
    """The visitor logs a case: for an encounter of the enrollment not logged yet (``encounter_id``),
    or for a new encounter described by ``encounter``, created here once the log has passed its checks."""
    if encounter_id is None:
        if encounter is None:
            raise Invalid("Choose the encounter, or describe a new one.", field="encounter")
        # One transaction: a refused log leaves no encounter behind.
        return await caselogs.create_encounter_with_log(uows(), actor, enrollment_id, encounter, case_log)
    else:
        choices = await case_log_choices(uows, actor, enrollment_id)
        if encounter_id not in {e.id for e in choices.unlogged}:
            raise Invalid("Choose one of this rotation's encounters you have not logged.", field="encounter")
    return await caselogs.create_case_log(uows(), actor, encounter_id, case_log)
