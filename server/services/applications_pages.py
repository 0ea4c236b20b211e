"""What the application's page and the coordinator's dashboard show, each read in one unit of work.

Several features put something on these pages (the coach and conversations, placement proposals, the
before-day-one checklist, the closures waiting for an alternative); each offers an ``*_in`` function
that reads inside the caller's unit of work, and this module gathers them, so a page opens one
transaction beside the login's (``tests/integration/test_page_transactions.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.checklists import CHECKLIST_STATES
from server.domain.placements import PROPOSABLE_STATES, ProposalState
from server.domain.vocab import Role
from server.schemas.applications import ApplicationOut
from server.schemas.checklists import ChecklistOut
from server.schemas.dashboards import CoordinatorDashboardOut
from server.schemas.placements import OptionOut, ProposalOut
from server.services import checklists, dashboards, messages, placements
from server.services.messages import ApplicationSupport


@dataclass(frozen=True)
class ApplicationPage:
    """An application with its coach and conversations, proposals, candidates and checklist."""

    application: ApplicationOut
    support: ApplicationSupport
    proposals: list[ProposalOut]
    open_proposal: ProposalOut | None
    closed: bool
    candidates: list[OptionOut]
    checklist: ChecklistOut | None
    today: date


async def application_page(uow: UnitOfWork, actor: Actor, application_id: int) -> ApplicationPage:
    """The application's page for ``actor`` (NotFound unless they may see the application)."""
    async with uow:
        support = await messages.application_support_in(uow, actor, application_id)
        found = support.application
        proposals = await placements.proposals_in(uow, actor, found.id)
        closed = any(b.closed for b in found.blocks)
        open_proposal = next((p for p in proposals if p.state is ProposalState.OPEN), None)
        candidates: list[OptionOut] = []
        if (
            actor.role is Role.COORDINATOR
            and closed
            and open_proposal is None
            and found.state in PROPOSABLE_STATES
        ):
            candidates = await placements.candidates_in(uow, actor, found.id)
        checklist = None
        if found.state in CHECKLIST_STATES:
            checklist = await checklists.checklist_in(uow, actor, found.id)
        return ApplicationPage(
            application=found,
            support=support,
            proposals=proposals,
            open_proposal=open_proposal,
            closed=closed,
            candidates=candidates,
            checklist=checklist,
            today=uow.now().date(),
        )


async def coordinator_dashboard_page(
    uow: UnitOfWork, actor: Actor
) -> tuple[CoordinatorDashboardOut, list[ApplicationOut]]:
    """The coordinator's dashboard and the applications a closure left waiting for an alternative."""
    async with uow:
        board = await dashboards.coordinator_dashboard_in(uow, actor)
        affected = await placements.affected_in(uow, actor)
    return board, affected
