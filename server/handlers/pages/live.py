"""The live session page and its pre-call check.

Both pages only render: who may actually join, and as whom, is decided by the WebSocket
(``/ws/sessions/{visit_id}``) when the page connects. The handlers work out how to greet the person
(a logged-in account, or a patient carrying the pass cookie from their link) so that the page can be
simpler for a patient and explain plainly when neither is present.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiohttp_jinja2
from aiohttp import web

from server.domain.errors import Forbidden, NotFound
from server.domain.visits import KIND_LABELS
from server.handlers.pages.forms import path_id
from server.services import visits
from server.web.keys import ACTOR, UOW
from server.web.patient_pass import patient_pass_from_request

routes = web.RouteTableDef()

Mode = Literal["account", "patient", "none"]


@dataclass(frozen=True)
class LiveGuest:
    """How the page greets the person: as an account (with the visit's details when they may see
    them), as the patient of this visit, or as nobody yet (``none``: log in or reopen the link)."""

    mode: Mode
    visit_id: int
    title: str | None = None
    kind: str | None = None
    kind_label: str | None = None
    host_name: str | None = None


async def _guest(request: web.Request, visit_id: int) -> LiveGuest:
    """Who is asking, judged like the WebSocket does: the account, or without one the patient pass."""
    actor = request.get(ACTOR)
    if actor is not None:
        try:
            visit = await visits.visit_detail(request.app[UOW](), actor, visit_id)
        except (NotFound, Forbidden):
            visit = None
        if visit is not None:
            return LiveGuest(
                mode="account",
                visit_id=visit_id,
                title=visit.title,
                kind=visit.kind.value,
                kind_label=KIND_LABELS.get(visit.kind, visit.kind.value),
                host_name=visit.host_name,
            )
    if actor is not None:
        # Logged in but no place in this visit: the same answer as for any record one may not see.
        # A patient pass does not count for an account (patients have none; see authorize_join).
        raise NotFound(f"There is no visit {visit_id}.")
    held = patient_pass_from_request(request)
    if held is not None and held[0] == visit_id:
        return LiveGuest(mode="patient", visit_id=visit_id)
    return LiveGuest(mode="none", visit_id=visit_id)


def _render(request: web.Request, template: str, guest: LiveGuest) -> web.Response:
    status = 401 if guest.mode == "none" else 200
    response = aiohttp_jinja2.render_template(template, request, {"guest": guest}, status=status)
    # Camera and microphone pages: never cached, never framed by another site.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@routes.get("/visits/{visit_id}/live")
async def live_page(request: web.Request) -> web.StreamResponse:
    """The live session: video tiles, controls, the host's panels, chat. The script connects."""
    visit_id = path_id(request, "visit_id")
    return _render(request, "live.html", await _guest(request, visit_id))


@routes.get("/visits/{visit_id}/check")
async def precall_page(request: web.Request) -> web.StreamResponse:
    """The pre-call check: camera, microphone, speaker and the connection to this server."""
    visit_id = path_id(request, "visit_id")
    return _render(request, "precall.html", await _guest(request, visit_id))
