"""API: staff invitations — a coordinator invites a preceptor or a coordinator to a program, lists
and withdraws the invitations; the invited person looks at one and accepts it by its link's token."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.invitations import (
    InvitationIn,
    InvitationJoinIn,
    InvitationLookOut,
    InvitationOut,
    InvitationTokenIn,
)
from server.services import invitations
from server.web import csrf
from server.web.api import ApiCall
from server.web.keys import MAIL, UOW


@API.route(
    "POST",
    "/programs/{program_id}/invitations",
    summary="Invite a preceptor or a coordinator to the program by email (its coordinators only)",
    tag="staff",
    body=InvitationIn,
    response=InvitationOut,
    status=201,
    errors=(403, 422, 429),
)
async def invite(call: ApiCall) -> InvitationOut:
    return await invitations.invite(
        call.request.app[UOW](),
        call.actor,
        call.path["program_id"],
        call.body,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )


@API.route(
    "GET",
    "/programs/{program_id}/invitations",
    summary="The program's staff invitations with their states, newest first (its coordinators only)",
    tag="staff",
    response=list[InvitationOut],
    errors=(403,),
)
async def list_invitations(call: ApiCall) -> list[InvitationOut]:
    return await invitations.list_invitations(call.request.app[UOW](), call.actor, call.path["program_id"])


@API.route(
    "DELETE",
    "/programs/{program_id}/invitations/{invitation_id}",
    summary="Withdraw a pending invitation: its link stops working",
    tag="staff",
    response=InvitationOut,
    errors=(403, 409),
)
async def revoke_invitation(call: ApiCall) -> InvitationOut:
    return await invitations.revoke(
        call.request.app[UOW](), call.actor, call.path["program_id"], call.path["invitation_id"]
    )


@API.route(
    "POST",
    "/invitations/look",
    summary="What an invitation's link invites to, and whether its address has an account (spends nothing)",
    tag="staff",
    body=InvitationTokenIn,
    response=InvitationLookOut,
    login_required=False,
    errors=(422,),
)
async def look(call: ApiCall) -> InvitationLookOut:
    return await invitations.look(call.request.app[UOW](), call.body.token)


@API.route(
    "POST",
    "/invitations/accept",
    summary="Accept an invitation sent to my address for my role: I join the program's staff",
    tag="staff",
    body=InvitationTokenIn,
    status=204,
    errors=(403, 422),
)
async def accept(call: ApiCall) -> None:
    await invitations.accept(call.request.app[UOW](), call.actor, call.body.token)


@API.route(
    "POST",
    "/invitations/join",
    summary="Accept an invitation by creating the invited address's account (name and password)",
    tag="staff",
    body=InvitationJoinIn,
    status=204,
    login_required=False,
    errors=(409, 422),
)
async def join(call: ApiCall) -> None:
    await invitations.join(call.request.app[UOW](), call.body)
