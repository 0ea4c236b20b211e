"""API: an application's coach, reassigning one, and the caseload of each coach."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.coaches import CaseloadOut, CoachIn, CoachOut
from server.services import coaches
from server.web.api import ApiCall
from server.web.keys import UOW


@API.route(
    "GET",
    "/applications/{application_id}/coach",
    summary="The application's coach (and, for the program's coordinators, every assignment)",
    tag="coaches",
    response=CoachOut,
)
async def get_coach(call: ApiCall) -> CoachOut:
    return await coaches.coach_of(call.request.app[UOW](), call.actor, call.path["application_id"])


@API.route(
    "PUT",
    "/applications/{application_id}/coach",
    summary="Reassign the application's coach to another coordinator of the program (coordinator)",
    tag="coaches",
    body=CoachIn,
    response=CoachOut,
)
async def reassign_coach(call: ApiCall) -> CoachOut:
    return await coaches.reassign(call.request.app[UOW](), call.actor, call.path["application_id"], call.body)


@API.route(
    "GET",
    "/caseloads",
    summary="Each coordinator's open cases in the programs you run (coordinator)",
    tag="coaches",
    response=list[CaseloadOut],
)
async def list_caseloads(call: ApiCall) -> list[CaseloadOut]:
    return await coaches.caseloads(call.request.app[UOW](), call.actor)
