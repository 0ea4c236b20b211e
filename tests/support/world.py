"""A small admissions world created through the services: who exists and what they run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.vocab import DocumentKind, Modality, Role, RotationType, Step1Status, TrainingStatus
from server.schemas.accounts import VisitorProfileIn
from server.schemas.programs import BlockIn, ProgramIn
from server.services import accounts, profiles, programs
from tests.support.client import DEMO_PASSWORD

# A minimal but real PDF: recognised by content like any upload.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class World:
    coordinator: Actor
    other_coordinator: Actor
    preceptor: Actor
    other_preceptor: Actor
    student: Actor  # eligible for the open program
    graduate: Actor  # eligible, Step 1 passed
    other_student: Actor
    program_id: int  # open to students and graduates, run by coordinator, taught by preceptor
    block_ids: list[int]  # three consecutive blocks, capacity 2
    step1_program_id: int  # graduates with Step 1 passed only
    step1_block_ids: list[int]
    other_program_id: int  # run by other_coordinator, taught by other_preceptor
    other_block_ids: list[int] = field(default_factory=list)


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


async def build_world(uows: UnitOfWorkFactory, *, capacity: int = 2) -> World:
    made: dict[str, Actor] = {}
    async with uows() as uow:
        for name, role in [
            ("coordinator", Role.COORDINATOR),
            ("other_coordinator", Role.COORDINATOR),
            ("preceptor", Role.PRECEPTOR),
            ("other_preceptor", Role.PRECEPTOR),
            ("student", Role.VISITOR),
            ("graduate", Role.VISITOR),
            ("other_student", Role.VISITOR),
        ]:
            user = await accounts.create_user(
                uow,
                email=f"{name.replace('_', '.')}@example.org",
                password=DEMO_PASSWORD,
                role=role,
                full_name=name.replace("_", " ").title(),
            )
            made[name] = accounts.actor_of(user)
        await uow.commit()
    for name, status, step1 in [
        ("student", TrainingStatus.STUDENT, Step1Status.NOT_TAKEN),
        ("graduate", TrainingStatus.GRADUATE, Step1Status.PASSED),
        ("other_student", TrainingStatus.STUDENT, Step1Status.NOT_TAKEN),
    ]:
        await profiles.update_visitor_profile(
            uows(),
            made[name],
            VisitorProfileIn(training_status=status, profession="medicine", step1_status=step1),
        )
    async with uows() as uow:
        first = next_monday(uow.now().date())

    async def program(
        coordinator: Actor, preceptor: Actor, title: str, **rule: object
    ) -> tuple[int, list[int]]:
        spec = ProgramIn(
            title=title,
            specialty="Internal Medicine",
            rotation_type=RotationType.OBSERVERSHIP,
            modality=Modality.VIRTUAL,
            allowed_training_statuses=rule.get("statuses", [TrainingStatus.STUDENT, TrainingStatus.GRADUATE]),
            step1_pass_required=bool(rule.get("step1", False)),
            required_documents=[DocumentKind.CV, DocumentKind.PHOTO_ID],
            preceptor_ids=[preceptor.user_id],
        )
        created = await programs.create_program(uows(), coordinator, spec)
        blocks = [
            (
                await programs.add_block(
                    uows(),
                    coordinator,
                    created.id,
                    BlockIn(start_date=first + timedelta(weeks=4 * i), capacity=capacity),
                )
            ).id
            for i in range(3)
        ]
        return created.id, blocks

    open_id, open_blocks = await program(made["coordinator"], made["preceptor"], "Open Observership")
    step1_id, step1_blocks = await program(
        made["coordinator"],
        made["preceptor"],
        "Step 1 Hands-on",
        statuses=[TrainingStatus.GRADUATE],
        step1=True,
    )
    other_id, other_blocks = await program(
        made["other_coordinator"], made["other_preceptor"], "Elsewhere Observership"
    )
    return World(
        coordinator=made["coordinator"],
        other_coordinator=made["other_coordinator"],
        preceptor=made["preceptor"],
        other_preceptor=made["other_preceptor"],
        student=made["student"],
        graduate=made["graduate"],
        other_student=made["other_student"],
        program_id=open_id,
        block_ids=open_blocks,
        step1_program_id=step1_id,
        step1_block_ids=step1_blocks,
        other_program_id=other_id,
        other_block_ids=other_blocks,
    )
