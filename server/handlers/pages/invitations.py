"""Staff invitation pages: a program's staff page for its coordinators (who teaches and runs it, the
invitations and their states, the form to invite), and the page the mailed link opens, where the
invited person creates their account or accepts with the one they have."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from server.domain.actors import Actor
from server.domain.errors import DomainError, Invalid
from server.handlers.pages.forms import (
    current_actor,
    parse_form,
    path_id,
    problem_of,
    read_form,
    redirect,
    render,
    try_form,
)
from server.schemas.invitations import InvitationIn, InvitationJoinIn, InvitationLookOut, StaffRole
from server.services import invitations
from server.web import csrf
from server.web.keys import ACTOR, MAIL, UOW

routes = web.RouteTableDef()

INVITE_LABELS = {"email": "Email", "role": "Role"}
JOIN_LABELS = {
    "full_name": "Full name",
    "password": "Password",
    "password_again": "Password again",
    "time_zone": "Time zone",
}
ROLE_CHOICES = [(StaffRole.PRECEPTOR.value, "Preceptor"), (StaffRole.COORDINATOR.value, "Coordinator")]
NOTICES = {
    "invited": "Invitation sent. It works once, for 7 days; you can withdraw it below until it is used.",
    "invitation_revoked": "Invitation withdrawn: its link no longer works.",
}


def _field(name: str) -> str | None:
    return name


# --- the coordinator's side ----------------------------------------------------------------------


async def _staff(
    request: web.Request,
    program_id: int,
    values: Mapping[str, str] | None = None,
    problem: Any = None,
    status: int = 200,
) -> web.Response:
    page = await invitations.staff_page(request.app[UOW](), current_actor(request), program_id)
    context = {
        "page": page,
        "v": values or {},
        "problem": problem,
        "labels": INVITE_LABELS,
        "roles": ROLE_CHOICES,
    }
    return render(request, "staff.html", context, status=status, notices=[NOTICES])


@routes.get("/programs/{program_id}/staff")
async def staff(request: web.Request) -> web.StreamResponse:
    """The program's staff and invitations, with the form to invite (its coordinators only)."""
    return await _staff(request, path_id(request, "program_id"))


@routes.post("/programs/{program_id}/staff/invite")
async def invite(request: web.Request) -> web.StreamResponse:
    """Invite a preceptor or a coordinator by email; the form comes back with what was typed if refused."""
    actor = current_actor(request)
    program_id = path_id(request, "program_id")
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(InvitationIn, values, labels=INVITE_LABELS)
        await invitations.invite(
            request.app[UOW](),
            actor,
            program_id,
            data,
            request.app[MAIL],
            browser_hash=csrf.browser_hash(request),
        )
        redirect(f"/programs/{program_id}/staff", "invited")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        kept = {k: str(v) for k, v in values.items() if k != "csrf_token"}
        return await _staff(request, program_id, kept, problem_of(exc, values, _field), exc.status)

    return await try_form(attempt, show_again)


@routes.post("/programs/{program_id}/invitations/{invitation_id}/revoke")
async def revoke(request: web.Request) -> web.StreamResponse:
    """Withdraw a pending invitation."""
    actor = current_actor(request)
    program_id = path_id(request, "program_id")
    await invitations.revoke(request.app[UOW](), actor, program_id, path_id(request, "invitation_id"))
    redirect(f"/programs/{program_id}/staff", "invitation_revoked")


# --- the invited person's side ---------------------------------------------------------------------


def _gone(request: web.Request, exc: Invalid) -> web.Response:
    return render(
        request,
        "account_message.html",
        {"title": "This invitation cannot be used", "message": exc.message, "links": [("/", "Rounds")]},
        status=410,
    )


def _invitation_page(
    request: web.Request,
    token: str,
    look: InvitationLookOut,
    values: Mapping[str, str] | None = None,
    problem: Any = None,
    status: int = 200,
) -> web.Response:
    actor: Actor | None = request.get(ACTOR)
    context = {
        "look": look,
        "token": token,
        "v": values or {},
        "problem": problem,
        "labels": JOIN_LABELS,
        "is_invited": actor is not None and actor.email == look.email,
        "fits": actor is not None and actor.email == look.email and actor.role.value == look.role.value,
    }
    return render(request, "invitation.html", context, status=status)


@routes.get("/invitation/{token}")
async def invitation(request: web.Request) -> web.StreamResponse:
    """What the link invites to: the form to create the account, or (with an account at the invited
    address) the button to accept once logged in as it."""
    token = request.match_info["token"]
    try:
        look = await invitations.look(request.app[UOW](), token)
    except Invalid as exc:
        return _gone(request, exc)
    return _invitation_page(request, token, look)


@routes.post("/invitation/{token}/accept")
async def accept(request: web.Request) -> web.StreamResponse:
    """Accept with the logged-in account (the invited address, the invited role)."""
    actor = current_actor(request)
    try:
        program_id = await invitations.accept(request.app[UOW](), actor, request.match_info["token"])
    except Invalid as exc:
        return _gone(request, exc)
    redirect(f"/programs/{program_id}", "invitation_accepted")


@routes.post("/invitation/{token}/join")
async def join(request: web.Request) -> web.StreamResponse:
    """Create the invited address's account and join the program's staff; then log in."""
    token = request.match_info["token"]
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(InvitationJoinIn, values, labels=JOIN_LABELS, fixed={"token": token})
        await invitations.join(request.app[UOW](), data)
        redirect("/login", "invitation_joined")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        try:
            look = await invitations.look(request.app[UOW](), token)
        except Invalid as gone:
            return _gone(request, gone)
        kept = {"full_name": str(values.get("full_name", "")), "time_zone": str(values.get("time_zone", ""))}
        return _invitation_page(request, token, look, kept, problem_of(exc, values, _field), exc.status)

    return await try_form(attempt, show_again)
