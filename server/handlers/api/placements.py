"""API: closing blocks, proposing alternative placements and the visitor's answer; the before-day-one
checklist of an enrollment."""

from __future__ import annotations

from server.domain.checklists import ChecklistItem
from server.domain.errors import NotFound
from server.handlers.api.registry import API
from server.schemas.applications import ApplicationOut
from server.schemas.checklists import ChecklistMarkIn, ChecklistOut
from server.schemas.placements import (
    AcceptIn,
    ClosedOut,
    ClosureIn,
    DeclineIn,
    OptionOut,
    ProposalIn,
    ProposalOut,
    RetractIn,
)
from server.services import checklists, placements
from server.web.api import ApiCall
from server.web.keys import UOW


@API.route(
    "POST",
    "/blocks/{block_id}/closure",
    summary="Mark a block of my program as unable to take place (coordinator); nobody's placement changes",
    tag="placements",
    body=ClosureIn,
    response=ClosedOut,
    errors=(404, 409),
)
async def close_block_for_placement(call: ApiCall) -> ClosedOut:
    return await placements.close_block(call.request.app[UOW](), call.actor, call.path["block_id"], call.body)


@API.route(
    "POST",
    "/programs/{program_id}/closure",
    summary="Close every open block still ahead of my program (coordinator)",
    tag="placements",
    body=ClosureIn,
    response=ClosedOut,
    errors=(404, 409),
)
async def close_program_for_placement(call: ApiCall) -> ClosedOut:
    return await placements.close_program(
        call.request.app[UOW](), call.actor, call.path["program_id"], call.body
    )


@API.route(
    "GET",
    "/placements/affected",
    summary="Applications of my programs asking for or holding a closed block (coordinator)",
    tag="placements",
    response=list[ApplicationOut],
)
async def affected_placements(call: ApiCall) -> list[ApplicationOut]:
    return await placements.affected(call.request.app[UOW](), call.actor)


@API.route(
    "GET",
    "/applications/{application_id}/placement-proposals",
    summary="The alternative placements proposed for an application, and the answers",
    tag="placements",
    response=list[ProposalOut],
)
async def list_placement_proposals(call: ApiCall) -> list[ProposalOut]:
    return await placements.proposals_of(call.request.app[UOW](), call.actor, call.path["application_id"])


@API.route(
    "GET",
    "/applications/{application_id}/placement-candidates",
    summary="Alternatives I could propose: open blocks ahead with seats in my programs (coordinator)",
    tag="placements",
    response=list[OptionOut],
)
async def list_placement_candidates(call: ApiCall) -> list[OptionOut]:
    return await placements.candidates(call.request.app[UOW](), call.actor, call.path["application_id"])


@API.route(
    "POST",
    "/applications/{application_id}/placement-proposals",
    summary="Propose alternatives to a closed block (coordinator); nothing changes until the visitor accepts",
    tag="placements",
    body=ProposalIn,
    response=ProposalOut,
    status=201,
    errors=(404, 409),
)
async def propose_placement(call: ApiCall) -> ProposalOut:
    return await placements.propose(
        call.request.app[UOW](), call.actor, call.path["application_id"], call.body
    )


@API.route(
    "POST",
    "/placement-proposals/{proposal_id}/accept",
    summary="Accept one alternative (visitor): the application moves to it, seats taken and given back",
    tag="placements",
    body=AcceptIn,
    response=ApplicationOut,
    errors=(404, 409),
)
async def accept_placement(call: ApiCall) -> ApplicationOut:
    return await placements.accept(call.request.app[UOW](), call.actor, call.path["proposal_id"], call.body)


@API.route(
    "POST",
    "/placement-proposals/{proposal_id}/decline",
    summary="Decline the alternatives (visitor): keep the placement, or withdraw",
    tag="placements",
    body=DeclineIn,
    response=ApplicationOut,
    errors=(404, 409),
)
async def decline_placement(call: ApiCall) -> ApplicationOut:
    return await placements.decline(call.request.app[UOW](), call.actor, call.path["proposal_id"], call.body)


@API.route(
    "POST",
    "/placement-proposals/{proposal_id}/retract",
    summary="Retract an unanswered proposal (coordinator)",
    tag="placements",
    body=RetractIn,
    response=ProposalOut,
    errors=(404, 409),
)
async def retract_placement(call: ApiCall) -> ProposalOut:
    return await placements.retract(call.request.app[UOW](), call.actor, call.path["proposal_id"], call.body)


# --- before day one -----------------------------------------------------------------------------


@API.route(
    "GET",
    "/applications/{application_id}/checklist",
    summary="What is still open before day one (in-person and hybrid programs)",
    tag="checklists",
    response=ChecklistOut,
    errors=(409,),
)
async def get_checklist_of_application(call: ApiCall) -> ChecklistOut:
    return await checklists.get_checklist(call.request.app[UOW](), call.actor, call.path["application_id"])


def _item(raw: str) -> ChecklistItem:
    try:
        return ChecklistItem(raw)
    except ValueError:
        known = ", ".join(i.value for i in ChecklistItem)
        raise NotFound(f"There is no checklist item {raw[:40]!r}; the items are: {known}.") from None


@API.route(
    "PUT",
    "/applications/{application_id}/checklist/{item}",
    summary="Mark a checklist item done or open again (visitor or coordinator)",
    tag="checklists",
    body=ChecklistMarkIn,
    response=ChecklistOut,
    errors=(404, 409),
)
async def mark_checklist_item(call: ApiCall) -> ChecklistOut:
    return await checklists.mark_item(
        call.request.app[UOW](),
        call.actor,
        call.path["application_id"],
        _item(call.path_text["item"]),
        call.body,
    )
