"""Who is party to a record, for the PHI guard: the names of the platform's own people that a text
written in that record may use (see :mod:`server.domain.phi.parties` and docs/phi-guard.md).

They come from the database, never from the client: the learner of the enrollment and the author
writing about them (an evaluation's preceptor, the preceptor giving feedback on a presentation). Case
logs and the content of presentations have none: they describe a patient, and a name there is taken
for the patient's.
"""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.errors import Forbidden
from server.services import letters
from server.services.encounters import Enrollment, load_enrollment


async def enrollment_parties(uow: UnitOfWork, enrollment: Enrollment, author: Actor) -> list[str]:
    """The enrollment's learner and ``author``, the person writing to or about them."""
    users = await uow.users.by_ids([enrollment.visitor_id])
    return [user.full_name for user in users.values()] + [author.full_name]


async def record_parties(uow: UnitOfWork, actor: Actor, kind: str, record_id: int) -> list[str]:
    """The parties of the record the actor is writing in, for the guard's check-as-you-type: the same
    names the save will allow, and only to someone who may write there.

    ``enrollment``: a preceptor of the enrollment writing an evaluation or feedback (its learner and
    the preceptor); ``letter``: the letter's author (the applicant and the author). Anyone else is
    refused as the record's own endpoints refuse them (404 for a record they cannot see, 403 for one
    they can see but not write in).
    """
    async with uow:
        if kind == "letter":
            row = await letters.load_request(uow, actor, record_id)
            if not letters.is_author(row, actor):
                raise Forbidden("Only the letter's author writes in it; names are allowed there only.")
            visitor = await uow.users.by_ids([row.visitor_id])
            return [user.full_name for user in visitor.values()] + [row.author_name]
        enrollment = await load_enrollment(uow, actor, record_id)
        if not enrollment.actor_is_preceptor:
            raise Forbidden(
                "Only a preceptor of this enrollment writes about its learner; case logs and "
                "presentations allow no names, so check them without a record."
            )
        return await enrollment_parties(uow, enrollment, actor)
