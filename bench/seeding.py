"""Seeding shared by the benchmarks: accounts, a virtual observership with one block, and visitors
taken through the real admissions path to enrollment -- all through the service layer, so a benchmark
measures data the application itself could have made.

A benchmark run as a script imports it as ``from bench.seeding import ...``, after putting the project
root on ``sys.path``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.applications import Action
from server.domain.vocab import Modality, Role, RotationType, Step1Status, TrainingStatus
from server.schemas.accounts import VisitorProfileIn
from server.schemas.applications import ActionIn, ApplicationIn
from server.schemas.programs import BlockIn, ProgramIn
from server.services import accounts, applications, profiles, programs

# The steps from a submitted application to an enrollment, and who takes each.
ADMISSION_STEPS: tuple[tuple[Role, Action], ...] = (
    (Role.COORDINATOR, Action.START_REVIEW),
    (Role.COORDINATOR, Action.MAKE_OFFER),
    (Role.VISITOR, Action.ACCEPT_OFFER),
    (Role.COORDINATOR, Action.ENROLL),
)


@dataclass(frozen=True)
class ProgramBlock:
    """A seeded program and the one block it opened."""

    program_id: int
    block_id: int


@dataclass(frozen=True)
class EnrolledVisitor:
    """A visitor enrolled in a block: who they are, and their application (which is the enrollment)."""

    actor: Actor
    application_id: int

    @property
    def user_id(self) -> int:
        """The visitor's user id."""
        return self.actor.user_id

    @property
    def email(self) -> str:
        """The visitor's email as stored (normalised by the accounts service)."""
        return self.actor.email


def next_monday(today: date) -> date:
    """The first Monday strictly after ``today`` (a week on when today is a Monday): a block must start
    on a Monday that has not begun yet."""
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


async def create_account(
    uows: UnitOfWorkFactory, email: str, role: Role, full_name: str, password: str
) -> Actor:
    """Create and commit one account (with a real argon2 hash of ``password``); returns it as an actor."""
    async with uows() as uow:
        user = await accounts.create_user(uow, email=email, password=password, role=role, full_name=full_name)
        await uow.commit()
    return accounts.actor_of(user)


async def create_program_with_block(
    uows: UnitOfWorkFactory,
    coordinator: Actor,
    preceptor: Actor,
    title: str,
    capacity: int,
    first_day: date,
    training_statuses: Sequence[TrainingStatus] = (TrainingStatus.STUDENT,),
) -> ProgramBlock:
    """Publish a virtual internal-medicine observership run by ``coordinator`` and taught by
    ``preceptor``, with one block of ``capacity`` seats starting on ``first_day`` (a Monday).

    It asks for no documents, so a visitor with a profile can apply at once; ``training_statuses``
    must include the student status that ``enroll_visitor`` gives its visitors."""
    program = await programs.create_program(
        uows(),
        coordinator,
        ProgramIn(
            title=title,
            specialty="Internal Medicine",
            rotation_type=RotationType.OBSERVERSHIP,
            modality=Modality.VIRTUAL,
            allowed_training_statuses=list(training_statuses),
            required_documents=[],
            preceptor_ids=[preceptor.user_id],
        ),
    )
    block = await programs.add_block(
        uows(), coordinator, program.id, BlockIn(start_date=first_day, capacity=capacity)
    )
    return ProgramBlock(program_id=program.id, block_id=block.id)


async def enroll_visitor(
    uows: UnitOfWorkFactory,
    coordinator: Actor,
    program_id: int,
    block_id: int,
    email: str,
    full_name: str,
    password: str,
) -> EnrolledVisitor:
    """Create a visitor (a medical student who has not taken Step 1), apply for ``block_id`` of
    ``program_id``, and take the application through review, offer, acceptance and enrollment, each
    step by the party who takes it in the application."""
    visitor = await create_account(uows, email, Role.VISITOR, full_name, password)
    await profiles.update_visitor_profile(
        uows(),
        visitor,
        VisitorProfileIn(
            training_status=TrainingStatus.STUDENT,
            profession="medicine",
            step1_status=Step1Status.NOT_TAKEN,
        ),
    )
    application = await applications.create_application(
        uows(), visitor, ApplicationIn(program_id=program_id, block_ids=[block_id])
    )
    for role, action in ADMISSION_STEPS:
        actor = visitor if role is Role.VISITOR else coordinator
        await applications.act(uows(), actor, application.id, ActionIn(action=action))
    return EnrolledVisitor(actor=visitor, application_id=application.id)
