"""API: the PHI guard on its own -- check a text for Safe Harbor identifiers without saving anything.

For the page's warn-as-you-type, and for anyone who wants to run a corpus through the same guard that
case-log and presentation saves run. The handler keeps and logs nothing of the text: only the caller's
id reaches the access log, through the middleware, as for every request.
"""

from __future__ import annotations

from server.domain.phi import check_text
from server.handlers.api.registry import API
from server.schemas.phi import PhiCheckIn, PhiCheckOut, PhiFindingOut
from server.web.api import ApiCall


@API.route(
    "POST",
    "/phi/check",
    summary="Check a text for patient identifiers (HIPAA Safe Harbor) without saving it (any account)",
    tag="record",
    body=PhiCheckIn,
    response=PhiCheckOut,
)
async def check_phi(call: ApiCall) -> PhiCheckOut:
    # login_required (the default) has already refused anonymous callers; any role may check.
    hits = check_text(call.body.text)
    findings = [PhiFindingOut(category=h.category, start=h.start, end=h.end, reason=h.reason) for h in hits]
    return PhiCheckOut(clean=not findings, findings=findings)
