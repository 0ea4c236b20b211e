"""API: the PHI guard on its own -- check a text for Safe Harbor identifiers without saving anything.

For the page's warn-as-you-type, and for anyone who wants to run a corpus through the same guard that
case-log and presentation saves run. A text written in an evaluation, feedback or a letter names the
record (``record``), and the names of that record's own people are allowed as its save allows them; the
names come from the server, never from the client. The handler keeps and logs nothing of the text: only
the caller's id reaches the access log, through the middleware, as for every request.
"""

from __future__ import annotations

import asyncio

from server.domain.phi import check_text
from server.handlers.api.registry import API
from server.schemas.phi import PhiCheckIn, PhiCheckOut, PhiFindingOut
from server.services.phi_parties import record_parties
from server.web.api import ApiCall
from server.web.keys import UOW


@API.route(
    "POST",
    "/phi/check",
    summary="Check a text for patient identifiers (HIPAA Safe Harbor) without saving it (any account)",
    tag="record",
    body=PhiCheckIn,
    response=PhiCheckOut,
)
async def check_phi(call: ApiCall) -> PhiCheckOut:
    # login_required (the default) has already refused anonymous callers; any role may check. The
    # parties allowed come from the record named, looked up with the caller's access, as the save does.
    record = call.body.record
    parties: list[str] = []
    if record is not None:
        parties = await record_parties(call.request.app[UOW](), call.actor, record.kind.value, record.id)
    hits = await asyncio.to_thread(check_text, call.body.text, parties=parties)
    findings = [PhiFindingOut(category=h.category, start=h.start, end=h.end, reason=h.reason) for h in hits]
    return PhiCheckOut(clean=not findings, findings=findings)
