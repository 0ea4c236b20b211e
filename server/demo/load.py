"""Demo data: a coordinator, two preceptors, five visitors in different states (one with a finished
rotation: see ``server.demo.history``), and programs of every rotation type, created through the same
services the app uses."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from server.config import Settings
from server.db.engine import make_engine, make_sessionmaker
from server.db.filestore import FileStore
from server.db.uow import UnitOfWorkFactory
from server.demo.history import load_finished_rotation
from server.demo.under_way import load_rotation_under_way
from server.domain.actors import Actor
from server.domain.applications import Action
from server.domain.errors import DomainError
from server.domain.notifications import NotificationKind
from server.domain.visits import JOIN_OPENS_BEFORE
from server.domain.vocab import (
    DocumentKind,
    Modality,
    Profession,
    Role,
    RotationType,
    Step1Status,
    TrainingStatus,
)
from server.schemas.accounts import PreceptorProfileIn, VisitorProfileIn
from server.schemas.applications import ActionIn, ApplicationIn
from server.schemas.programs import BlockIn, ProgramIn
from server.schemas.visits import VisitIn
from server.services import (
    accounts,
    applications,
    documents,
    profiles,
    programs,
    visits,
    visits_pages,
)
from server.services.notifications import notify_setup

DEMO_PASSWORD = "rounds-demo-2026"

# A one-page PDF, written here so the demo needs no files from elsewhere.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

DEMO_ACCOUNTS: list[tuple[str, Role, str, str]] = [
    ("coordinator@rounds.test", Role.COORDINATOR, "Grace Okafor", "runs every demo program"),
    ("im.preceptor@rounds.test", Role.PRECEPTOR, "Dr. Samuel Reyes", "Internal Medicine"),
    ("peds.preceptor@rounds.test", Role.PRECEPTOR, "Dr. Leila Haddad", "Pediatrics"),
    ("amara@rounds.test", Role.VISITOR, "Amara Nwosu", "student, in week 3 of a virtual observership"),
    ("bruno@rounds.test", Role.VISITOR, "Bruno Costa", "graduate, has an offer waiting for acceptance"),
    ("chen@rounds.test", Role.VISITOR, "Chen Wei", "graduate, application under review"),
    ("dana@rounds.test", Role.VISITOR, "Dana Petrova", "student, has not applied yet"),
    (
        "elena@rounds.test",
        Role.VISITOR,
        "Elena Marković",
        "graduate, finished a virtual observership; her letter request is waiting for Dr. Reyes",
    ),
]
# Each demo person reads times in their own zone (issue 15: visitors are on every continent), but Dana,
# who is to be walked through by hand: with none chosen, her pages show the browser's zone.
DEMO_ZONES: dict[str, str] = {
    "coordinator@rounds.test": "America/New_York",
    "im.preceptor@rounds.test": "America/Chicago",
    "peds.preceptor@rounds.test": "America/Chicago",
    "amara@rounds.test": "Africa/Lagos",
    "bruno@rounds.test": "America/Sao_Paulo",
    "chen@rounds.test": "Asia/Shanghai",
    "elena@rounds.test": "Europe/Belgrade",
}


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


async def load_demo(settings: Settings) -> bool:
    """Load the demo into an empty database. Returns False (and changes nothing) if it has users."""
    engine = make_engine(settings.database_url)
    try:
        uows = UnitOfWorkFactory(
            make_sessionmaker(engine),
            offer_hold_days=settings.offer_hold_days,
            notify=notify_setup(settings, demo=True),
        )
        async with uows() as uow:
            if await uow.users.by_email(DEMO_ACCOUNTS[0][0]) is not None or await uow.users.by_role(
                Role.COORDINATOR.value
            ):
                return False
        actors: dict[str, Actor] = {}
        # Every demo account has the one published password: one production hash (its own salt, checked
        # at full cost at each login) serves them all, where a hash per account cost seconds of CPU at
        # every demo start and told nobody anything the login page does not already print.
        shared_hash = await asyncio.to_thread(accounts.hash_password, DEMO_PASSWORD)
        async with uows() as uow:
            for email, role, name, _ in DEMO_ACCOUNTS:
                user = await accounts.create_user(
                    uow,
                    email=email,
                    password=DEMO_PASSWORD,
                    role=role,
                    full_name=name,
                    time_zone=DEMO_ZONES.get(email),
                    password_hash=shared_hash,
                )
                actors[email] = accounts.actor_of(user)
            await uow.commit()
        await _profiles(uows, actors)
        store = FileStore(settings.documents_dir)
        await _programs_and_applications(uows, store, actors)
        await load_finished_rotation(uows, store, actors, secret_key=settings.secret_key, document=DEMO_PDF)
        await _read_the_past(uows)
        return True
    finally:
        await engine.dispose()


# The demo's people read what Rounds told them before this; the bell shows the last few days' news.
DEMO_UNREAD_DAYS = 3


async def _read_the_past(uows: UnitOfWorkFactory) -> None:
    """Mark the notifications of the demo's past (the finished rotation, the first weeks of the one
    under way) read, as their people would have; Elena's letter request, still waiting for Dr. Reyes,
    stays unread on his bell."""
    async with uows() as uow:
        now = uow.now()
        await uow.notifications.mark_read_before(
            now - timedelta(days=DEMO_UNREAD_DAYS), now, keep=[NotificationKind.LETTER_REQUESTED]
        )
        await uow.commit()


async def _profiles(uows: UnitOfWorkFactory, actors: dict[str, Actor]) -> None:
    await profiles.update_preceptor_profile(
        uows(),
        actors["im.preceptor@rounds.test"],
        PreceptorProfileIn(
            specialty="Internal Medicine",
            institution="Lakeside Community Health",
            title="Attending Physician, Clinical Assistant Professor",
            npi="1234567893",
            phone="+1 312 555 0142",
            address="200 Lakeshore Drive, Suite 4, Chicago, IL 60601",
            contact_email="im.preceptor@rounds.test",
        ),
    )
    await profiles.update_preceptor_profile(
        uows(),
        actors["peds.preceptor@rounds.test"],
        PreceptorProfileIn(
            specialty="Pediatrics",
            institution="Riverside Children's Clinic",
            title="Pediatrician",
            npi="1245319599",
            phone="+1 617 555 0199",
            address="45 River Street, Boston, MA 02108",
            contact_email="peds.preceptor@rounds.test",
        ),
    )
    visitor_profiles = {
        "amara@rounds.test": VisitorProfileIn(
            training_status=TrainingStatus.STUDENT,
            profession="medicine",
            school="University of Lagos College of Medicine",
            country="Nigeria",
            graduation_year=2027,
            step1_status=Step1Status.PASSED,
        ),
        "bruno@rounds.test": VisitorProfileIn(
            training_status=TrainingStatus.GRADUATE,
            profession="medicine",
            school="Universidade de São Paulo",
            country="Brazil",
            graduation_year=2023,
            step1_status=Step1Status.PASSED,
        ),
        "chen@rounds.test": VisitorProfileIn(
            training_status=TrainingStatus.GRADUATE,
            profession="medicine",
            school="Fudan University Shanghai Medical College",
            country="China",
            graduation_year=2022,
            step1_status=Step1Status.NOT_TAKEN,
        ),
        "dana@rounds.test": VisitorProfileIn(
            training_status=TrainingStatus.STUDENT,
            profession="medicine",
            school="Sofia Medical University",
            country="Bulgaria",
            graduation_year=2028,
            step1_status=Step1Status.NOT_TAKEN,
        ),
        "elena@rounds.test": VisitorProfileIn(
            training_status=TrainingStatus.GRADUATE,
            profession="medicine",
            school="University of Belgrade Faculty of Medicine",
            country="Serbia",
            graduation_year=2024,
            step1_status=Step1Status.PASSED,
        ),
    }
    for email, data in visitor_profiles.items():
        await profiles.update_visitor_profile(uows(), actors[email], data)


async def _programs_and_applications(
    uows: UnitOfWorkFactory, store: FileStore, actors: dict[str, Actor]
) -> None:
    coordinator = actors["coordinator@rounds.test"]
    im = actors["im.preceptor@rounds.test"].user_id
    peds = actors["peds.preceptor@rounds.test"].user_id
    basic_docs = [DocumentKind.CV, DocumentKind.PHOTO_ID, DocumentKind.HIPAA_TRAINING]
    specs = [
        ProgramIn(
            title="Virtual Internal Medicine Observership",
            specialty="Internal Medicine",
            rotation_type=RotationType.OBSERVERSHIP,
            modality=Modality.VIRTUAL,
            description="Join telehealth clinic visits, present cases in huddles, and build a "
            "differential with an internist.",
            allowed_training_statuses=[TrainingStatus.STUDENT, TrainingStatus.GRADUATE],
            required_documents=basic_docs,
            preceptor_ids=[im],
        ),
        ProgramIn(
            title="Hands-on Internal Medicine Clinical Rotation",
            specialty="Internal Medicine",
            rotation_type=RotationType.HANDS_ON,
            modality=Modality.IN_PERSON,
            description="Supervised patient care in an outpatient internal medicine clinic.",
            allowed_training_statuses=[TrainingStatus.GRADUATE],
            step1_pass_required=True,
            required_documents=[*basic_docs, DocumentKind.USMLE_TRANSCRIPT, DocumentKind.GOOD_STANDING],
            preceptor_ids=[im],
        ),
        ProgramIn(
            title="Pediatrics Clinical Research Elective",
            specialty="Pediatrics",
            rotation_type=RotationType.RESEARCH,
            modality=Modality.VIRTUAL,
            description="Chart-review research on childhood asthma outcomes with weekly meetings.",
            allowed_training_statuses=[TrainingStatus.STUDENT, TrainingStatus.GRADUATE],
            required_documents=[DocumentKind.CV, DocumentKind.CONFIDENTIALITY_AGREEMENT],
            preceptor_ids=[peds],
        ),
        ProgramIn(
            title="Advanced Study in Pediatric Primary Care",
            specialty="Pediatrics",
            rotation_type=RotationType.ADVANCED_STUDY,
            modality=Modality.HYBRID,
            description="Case-based advanced study: telehealth well-child visits and seminars.",
            allowed_training_statuses=[TrainingStatus.STUDENT],
            required_documents=[*basic_docs, DocumentKind.DIPLOMA_OR_ENROLLMENT],
            preceptor_ids=[peds],
        ),
        # Rounds is not for medicine alone (issue 16): one program for each other profession.
        *(
            ProgramIn(
                title=title,
                specialty=specialty,
                rotation_type=RotationType.OBSERVERSHIP,
                modality=Modality.VIRTUAL,
                description=description,
                allowed_training_statuses=[TrainingStatus.STUDENT, TrainingStatus.GRADUATE],
                allowed_professions=[profession],
                required_documents=[DocumentKind.CV, DocumentKind.PHOTO_ID],
                preceptor_ids=[preceptor],
            )
            for title, specialty, profession, preceptor, description in [
                (
                    "Telehealth Nursing Observership",
                    "Nursing",
                    Profession.NURSING,
                    im,
                    "Follow nurse-led telehealth follow-ups: medication reconciliation and patient teaching.",
                ),
                (
                    "Virtual Pediatric Dentistry Observership",
                    "Dentistry",
                    Profession.DENTISTRY,
                    peds,
                    "Observe teledentistry triage and caries-prevention counselling for children.",
                ),
                (
                    "Virtual Physical Therapy Observership",
                    "Physical Therapy",
                    Profession.PHYSICAL_THERAPY,
                    im,
                    "Observe telerehabilitation sessions: home exercise programs and gait review.",
                ),
                (
                    "Pre-Med Clinical Exposure Observership",
                    "Internal Medicine",
                    Profession.PRE_MED,
                    im,
                    "Shadow virtual clinic visits and learn how a clinical team works.",
                ),
            ]
        ),
    ]
    async with uows() as uow:
        today = uow.now().date()
    first = _next_monday(today)
    created = []
    for spec in specs:
        program = await programs.create_program(uows(), coordinator, spec)
        blocks = [
            await programs.add_block(
                uows(),
                coordinator,
                program.id,
                BlockIn(start_date=first + timedelta(weeks=4 * i), capacity=4),
            )
            for i in range(3)
        ]
        created.append((program, blocks))
    hands_on, hands_on_blocks = created[1]
    research, research_blocks = created[2]

    async def upload_all(visitor: Actor, kinds: list[DocumentKind]) -> list[int]:
        ids = []
        for kind in kinds:
            doc = await documents.upload(
                uows(),
                store,
                visitor,
                kind=kind.value,
                filename=f"{kind.value}.pdf",
                data=DEMO_PDF,
                max_bytes=1_000_000,
            )
            ids.append(doc.id)
        return ids

    async def step(app_id: int, actor: Actor, action: Action, note: str | None = None) -> None:
        await applications.act(uows(), actor, app_id, ActionIn(action=action, note=note))

    # Amara: stacked observership blocks that started two weeks ago; her record so far was played with
    # its own clock (server.demo.under_way); what is still to come is scheduled now.
    amara = actors["amara@rounds.test"]
    first_block = await load_rotation_under_way(uows, store, actors, document=DEMO_PDF)
    await _amaras_sessions(uows, actors["im.preceptor@rounds.test"], amara, first_block)

    # Bruno: hands-on rotation, an offer waiting for him; one document still to verify.
    bruno = actors["bruno@rounds.test"]
    app = await applications.create_application(
        uows(),
        bruno,
        ApplicationIn(
            program_id=hands_on.id,
            block_ids=[hands_on_blocks[0].id],
            statement="Hands-on experience before applying to internal medicine.",
        ),
    )
    await upload_all(bruno, list(map(DocumentKind, hands_on.required_documents)))
    await step(app.id, coordinator, Action.START_REVIEW)
    await step(app.id, coordinator, Action.MAKE_OFFER, "Please accept within 7 days.")

    # Chen: research elective, submitted and under review.
    chen = actors["chen@rounds.test"]
    app = await applications.create_application(
        uows(),
        chen,
        ApplicationIn(
            program_id=research.id,
            block_ids=[research_blocks[1].id],
            statement="I have two publications in pediatric pulmonology.",
        ),
    )
    await upload_all(chen, [DocumentKind.CV])
    await step(app.id, coordinator, Action.START_REVIEW)
    # Dana has a complete profile and no application: the one to walk through by hand.


async def refresh_demo_huddle(settings: Settings) -> str | None:
    """On a later ``rounds demo`` run: if Amara has no huddle open to join now (or opening within the
    next half hour), schedule a new one starting soon, so that the demo always has a live session to
    try. A huddle that has ended, or one scheduled for another day, does not count. Returns what was
    done, for the terminal (None when the database is not the demo's or nothing was needed)."""
    engine = make_engine(settings.database_url)
    try:
        uows = UnitOfWorkFactory(
            make_sessionmaker(engine),
            offer_hold_days=settings.offer_hold_days,
            notify=notify_setup(settings, demo=True),
        )
        async with uows() as uow:
            amara_user = await uow.users.by_email("amara@rounds.test")
            preceptor_user = await uow.users.by_email("im.preceptor@rounds.test")
            if amara_user is None or preceptor_user is None:
                return None
            amara, preceptor = accounts.actor_of(amara_user), accounts.actor_of(preceptor_user)
        async with uows() as uow:
            now = uow.now()
        upcoming = await visits.upcoming_for(uows(), amara)
        # upcoming_for leaves out ended and cancelled visits and those whose window has closed.
        if any(v.kind.value == "huddle" and v.starts_at - JOIN_OPENS_BEFORE <= now + SOON for v in upcoming):
            return None
        blocks = await visits_pages.schedulable_blocks(uows(), preceptor)
        for block in blocks:
            if amara.user_id not in {visitor_id for visitor_id, _ in block.visitors}:
                continue
            try:
                await _schedule_soon_huddle(uows, preceptor, amara, block.block_id)
            except DomainError:
                continue
            return "A new demo huddle with Amara starts within the next half hour."
        return "The demo's rotation is over: remove ./var and run `rounds demo` again for a fresh demo."
    finally:
        await engine.dispose()


SOON = timedelta(minutes=30)  # a huddle opening within this long counts as open for the demo


def _soon(now: datetime) -> datetime:
    """The next quarter hour at least 15 minutes away (sessions open 30 minutes early)."""
    soon = (now + timedelta(minutes=29)).replace(second=0, microsecond=0)
    return soon - timedelta(minutes=soon.minute % 15)


async def _schedule_soon_huddle(
    uows: UnitOfWorkFactory, preceptor: Actor, visitor: Actor, block_id: int
) -> None:
    async with uows() as uow:
        now = uow.now()
    await visits.schedule_visit(
        uows(),
        preceptor,
        VisitIn.model_validate(
            {
                "block_id": block_id,
                "kind": "huddle",
                "title": "Morning huddle: present your week's cases",
                "starts_at": _soon(now),
                "duration_minutes": 60,
                "visitor_ids": [visitor.user_id],
            }
        ),
    )


async def _amaras_sessions(uows: UnitOfWorkFactory, preceptor: Actor, visitor: Actor, block_id: int) -> None:
    """Two live sessions in Amara's first block, so the demo has something to join: a huddle starting
    within the next half hour (already open: sessions open 30 minutes early) and a patient visit
    tomorrow at 15:00 UTC. Both hosted by her internal medicine preceptor."""
    async with uows() as uow:
        now = uow.now()
    await _schedule_soon_huddle(uows, preceptor, visitor, block_id)
    tomorrow = (now + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    await visits.schedule_visit(
        uows(),
        preceptor,
        VisitIn.model_validate(
            {
                "block_id": block_id,
                "kind": "patient_visit",
                "title": "Telehealth clinic: chest pain follow-up",
                "starts_at": tomorrow,
                "duration_minutes": 45,
                "visitor_ids": [visitor.user_id],
            }
        ),
    )


def print_logins(host: str, port: int, created: bool) -> None:
    """Tell the person at the terminal where Rounds is and how to log in."""
    state = "Demo data loaded." if created else "Demo data was already there; nothing was added."
    print(f"\n{state}\nOpen http://{host}:{port}/ and log in with one of these (password {DEMO_PASSWORD}):")
    for email, role, name, note in DEMO_ACCOUNTS:
        print(f"  {role.value:<12} {email:<30} {name} ({note})")
    print()
