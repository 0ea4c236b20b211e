"""Repositories: the queries the services need, one class per aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Application,
    ApplicationBlock,
    ApplicationEvent,
    AuditEvent,
    Block,
    CaseLog,
    Document,
    Encounter,
    Login,
    LoginFailure,
    PreceptorProfile,
    Presentation,
    Program,
    ProgramPreceptor,
    User,
    VisitorProfile,
)
from server.domain.errors import Conflict


class UserRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return await self.db.get(User, user_id)

    async def lock(self, user_id: int) -> None:
        """Hold the user's row until the transaction ends, so that one person's concurrent requests
        of the same kind run one after the other (PostgreSQL; on SQLite every writing transaction
        already runs alone, from BEGIN IMMEDIATE)."""
        await self.db.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def by_email(self, email: str) -> User | None:
        result = await self.db.execute(select(User).where(User.email == email.lower()))
        return result.scalar_one_or_none()

    async def add(self, user: User) -> User:
        self.db.add(user)
        await self.db.flush()
        return user

    async def visitor_profile(self, user_id: int) -> VisitorProfile | None:
        return await self.db.get(VisitorProfile, user_id)

    async def preceptor_profile(self, user_id: int) -> PreceptorProfile | None:
        return await self.db.get(PreceptorProfile, user_id)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, User]:
        if not ids:
            return {}
        result = await self.db.execute(select(User).where(User.id.in_(set(ids))))
        return {u.id: u for u in result.scalars()}

    async def by_role(self, role: str) -> Sequence[User]:
        result = await self.db.execute(select(User).where(User.role == role).order_by(User.id))
        return result.scalars().all()

    async def preceptor_profiles(self, ids: Sequence[int]) -> dict[int, PreceptorProfile]:
        if not ids:
            return {}
        result = await self.db.execute(select(PreceptorProfile).where(PreceptorProfile.user_id.in_(set(ids))))
        return {p.user_id: p for p in result.scalars()}

    async def visitor_profiles(self, ids: Sequence[int]) -> dict[int, VisitorProfile]:
        if not ids:
            return {}
        result = await self.db.execute(select(VisitorProfile).where(VisitorProfile.user_id.in_(set(ids))))
        return {p.user_id: p for p in result.scalars()}


class LoginRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def by_token_hash(self, token_hash: str) -> Login | None:
        result = await self.db.execute(select(Login).where(Login.token_hash == token_hash))
        return result.scalar_one_or_none()

    async def add(self, login: Login) -> None:
        self.db.add(login)
        await self.db.flush()

    async def delete_by_token_hash(self, token_hash: str) -> None:
        await self.db.execute(delete(Login).where(Login.token_hash == token_hash))

    async def delete_expired(self, now: datetime) -> None:
        await self.db.execute(delete(Login).where(Login.expires_at < now))

    async def record_failure(self, email: str, client_ip: str, at: datetime) -> None:
        self.db.add(LoginFailure(email=email, client_ip=client_ip, at=at))
        await self.db.flush()

    async def failures_since(
        self, *, email: str | None, client_ip: str | None, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many failures since ``since`` for this email or IP, and the latest one's time."""
        query = select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(LoginFailure.at >= since)
        if email is not None:
            query = query.where(LoginFailure.email == email)
        if client_ip is not None:
            query = query.where(LoginFailure.client_ip == client_ip)
        count, latest = (await self.db.execute(query)).one()
        if latest is not None and latest.tzinfo is None:
            # func.max bypasses the column type on SQLite: values come back naive UTC.
            from datetime import UTC

            latest = latest.replace(tzinfo=UTC)
        return int(count), latest

    async def clear_failures(self, email: str) -> None:
        await self.db.execute(delete(LoginFailure).where(LoginFailure.email == email))

    async def prune_failures(self, before: datetime) -> None:
        await self.db.execute(delete(LoginFailure).where(LoginFailure.at < before))


class ProgramRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, program_id: int) -> Program | None:
        return await self.db.get(Program, program_id)

    async def add(self, program: Program) -> Program:
        self.db.add(program)
        await self.db.flush()
        return program

    async def search(
        self,
        *,
        specialty: str | None = None,
        rotation_type: str | None = None,
        modality: str | None = None,
        published_only: bool = True,
        coordinator_id: int | None = None,
    ) -> Sequence[Program]:
        query = select(Program).order_by(Program.specialty, Program.title, Program.id)
        if specialty:
            query = query.where(func.lower(Program.specialty) == specialty.lower())
        if rotation_type:
            query = query.where(Program.rotation_type == rotation_type)
        if modality:
            query = query.where(Program.modality == modality)
        if published_only:
            query = query.where(Program.published.is_(True))
        if coordinator_id is not None:
            query = query.where(Program.coordinator_id == coordinator_id)
        return (await self.db.execute(query)).scalars().all()

    async def specialties(self) -> list[str]:
        query = (
            select(Program.specialty)
            .where(Program.published.is_(True))
            .distinct()
            .order_by(Program.specialty)
        )
        return list((await self.db.execute(query)).scalars())

    async def preceptor_ids(self, program_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(ProgramPreceptor)
            .where(ProgramPreceptor.program_id.in_(set(program_ids)))
            .order_by(ProgramPreceptor.preceptor_id)
        )
        for link in result.scalars():
            out[link.program_id].append(link.preceptor_id)
        return out

    async def programs_of_preceptor(self, preceptor_id: int) -> list[int]:
        result = await self.db.execute(
            select(ProgramPreceptor.program_id).where(ProgramPreceptor.preceptor_id == preceptor_id)
        )
        return list(result.scalars())

    async def set_preceptors(self, program_id: int, preceptor_ids: Sequence[int]) -> None:
        await self.db.execute(delete(ProgramPreceptor).where(ProgramPreceptor.program_id == program_id))
        for pid in dict.fromkeys(preceptor_ids):
            self.db.add(ProgramPreceptor(program_id=program_id, preceptor_id=pid))
        await self.db.flush()

    async def blocks(self, program_ids: Sequence[int]) -> dict[int, list[Block]]:
        out: dict[int, list[Block]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(Block).where(Block.program_id.in_(set(program_ids))).order_by(Block.start_date)
        )
        for block in result.scalars():
            out[block.program_id].append(block)
        return out

    async def blocks_by_ids(self, block_ids: Sequence[int]) -> list[Block]:
        if not block_ids:
            return []
        result = await self.db.execute(
            select(Block).where(Block.id.in_(set(block_ids))).order_by(Block.start_date)
        )
        return list(result.scalars())

    async def get_block(self, block_id: int) -> Block | None:
        return await self.db.get(Block, block_id)

    async def add_block(self, block: Block) -> Block | None:
        """Insert ``block``; None when the program already has a block on that date (another
        request inserted it between the caller's check and this insert). The unit of work must then
        be rolled back."""
        self.db.add(block)
        try:
            await self.db.flush()
        except IntegrityError:
            return None
        return block

    async def block_on(self, program_id: int, start: date) -> Block | None:
        result = await self.db.execute(
            select(Block).where(Block.program_id == program_id, Block.start_date == start)
        )
        return result.scalar_one_or_none()

    async def take_seat(self, block_id: int) -> bool:
        """Atomically take one seat if one is free. False when the block is full.

        A single conditional UPDATE: concurrent callers cannot both see the last seat free.
        """
        result = await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held < Block.capacity)
            .values(seats_held=Block.seats_held + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def release_seat(self, block_id: int) -> None:
        await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held > 0)
            .values(seats_held=Block.seats_held - 1)
            .execution_options(synchronize_session=False)
        )

    async def set_capacity(self, block_id: int, capacity: int) -> bool:
        """Change a block's capacity unless it would fall below the seats already held."""
        result = await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held <= capacity)
            .values(capacity=capacity)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class ApplicationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, application_id: int) -> Application | None:
        return await self.db.get(Application, application_id)

    async def refresh(self, application: Application) -> None:
        await self.db.refresh(application)

    async def add(self, application: Application, block_ids: Sequence[int]) -> Application:
        """Insert an application and its blocks; Conflict if the visitor already has an open one
        for the program (the database's unique index decides when two requests race)."""
        self.db.add(application)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict(
                "You already have an open application to this program; withdraw it first to apply again."
            ) from None
        for block_id in block_ids:
            self.db.add(ApplicationBlock(application_id=application.id, block_id=block_id))
        await self.db.flush()
        return application

    async def block_ids(self, application_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {aid: [] for aid in application_ids}
        if not application_ids:
            return out
        result = await self.db.execute(
            select(ApplicationBlock).where(ApplicationBlock.application_id.in_(set(application_ids)))
        )
        for link in result.scalars():
            out[link.application_id].append(link.block_id)
        return out

    async def compare_and_set_state(
        self, application_id: int, expected: str, values: dict[str, object]
    ) -> bool:
        """Move an application only if it is still in ``expected``: concurrent transitions of
        the same application cannot both succeed."""
        result = await self.db.execute(
            update(Application)
            .where(Application.id == application_id, Application.state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def add_event(self, event: ApplicationEvent) -> None:
        self.db.add(event)
        await self.db.flush()

    async def events(self, application_id: int) -> Sequence[ApplicationEvent]:
        result = await self.db.execute(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        )
        return result.scalars().all()

    async def of_visitor(self, visitor_id: int) -> Sequence[Application]:
        result = await self.db.execute(
            select(Application)
            .where(Application.visitor_id == visitor_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        return result.scalars().all()

    async def of_programs(
        self, program_ids: Sequence[int], states: Sequence[str] | None = None
    ) -> Sequence[Application]:
        if not program_ids:
            return []
        query = select(Application).where(Application.program_id.in_(set(program_ids)))
        if states is not None:
            query = query.where(Application.state.in_(list(states)))
        query = query.order_by(Application.updated_at.desc(), Application.id.desc())
        return (await self.db.execute(query)).scalars().all()

    async def open_for(self, visitor_id: int, program_id: int, final: Sequence[str]) -> int:
        result = await self.db.execute(
            select(func.count(Application.id)).where(
                Application.visitor_id == visitor_id,
                Application.program_id == program_id,
                Application.state.not_in(list(final)),
            )
        )
        return int(result.scalar_one())

    async def offers_due(self, now: datetime) -> Sequence[Application]:
        result = await self.db.execute(
            select(Application).where(Application.state == "offer_made", Application.offer_expires_at <= now)
        )
        return result.scalars().all()

    async def in_state(self, state: str) -> Sequence[Application]:
        result = await self.db.execute(select(Application).where(Application.state == state))
        return result.scalars().all()

    async def applicant_program_coordinators(self, visitor_id: int, exclude_state: str) -> set[int]:
        """Coordinators of programs this visitor has applied to (beyond a draft)."""
        result = await self.db.execute(
            select(Program.coordinator_id)
            .join(Application, Application.program_id == Program.id)
            .where(Application.visitor_id == visitor_id, Application.state != exclude_state)
        )
        return set(result.scalars())


class DocumentRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, document_id: int) -> Document | None:
        return await self.db.get(Document, document_id)

    async def add(self, document: Document) -> Document:
        self.db.add(document)
        await self.db.flush()
        return document

    async def of_owner(self, owner_id: int) -> Sequence[Document]:
        result = await self.db.execute(
            select(Document)
            .where(Document.owner_id == owner_id)
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
        return result.scalars().all()

    async def of_owners(self, owner_ids: Sequence[int]) -> Sequence[Document]:
        if not owner_ids:
            return []
        result = await self.db.execute(
            select(Document)
            .where(Document.owner_id.in_(set(owner_ids)))
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()


class EncounterRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, encounter_id: int) -> Encounter | None:
        return await self.db.get(Encounter, encounter_id)

    async def add(self, encounter: Encounter) -> Encounter:
        self.db.add(encounter)
        await self.db.flush()
        return encounter

    async def of_enrollment(self, enrollment_id: int) -> Sequence[Encounter]:
        result = await self.db.execute(
            select(Encounter)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, Encounter.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[Encounter]]:
        out: dict[int, list[Encounter]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(Encounter)
            .where(Encounter.enrollment_id.in_(set(enrollment_ids)))
            .order_by(Encounter.rotation_week, Encounter.id)
        )
        for encounter in result.scalars():
            out[encounter.enrollment_id].append(encounter)
        return out

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Encounter]:
        if not ids:
            return {}
        result = await self.db.execute(select(Encounter).where(Encounter.id.in_(set(ids))))
        return {e.id: e for e in result.scalars()}


class CaseLogRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, case_log_id: int) -> CaseLog | None:
        return await self.db.get(CaseLog, case_log_id)

    async def add(self, case_log: CaseLog) -> CaseLog:
        """Insert a log; Conflict if the visitor already has one for the encounter (the database's
        unique constraint decides when two requests race)."""
        self.db.add(case_log)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("You already have a case log for this encounter; edit that one.") from None
        return case_log

    async def of_encounter(self, encounter_id: int, visitor_id: int) -> CaseLog | None:
        result = await self.db.execute(
            select(CaseLog).where(CaseLog.encounter_id == encounter_id, CaseLog.visitor_id == visitor_id)
        )
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[CaseLog]:
        result = await self.db.execute(
            select(CaseLog)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, CaseLog.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[CaseLog]]:
        out: dict[int, list[CaseLog]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(Encounter.enrollment_id, CaseLog)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id.in_(set(enrollment_ids)))
            .order_by(Encounter.rotation_week, CaseLog.id)
        )
        for enrollment_id, case_log in result:
            out[enrollment_id].append(case_log)
        return out

    async def save(self) -> None:
        await self.db.flush()


class AuditRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def record(self, events: Sequence[AuditEvent]) -> None:
        """Write audit events in the caller's transaction: they commit with it or not at all."""
        self.db.add_all(list(events))
        await self.db.flush()

    async def of_record(self, record_type: str, record_id: int) -> Sequence[AuditEvent]:
        result = await self.db.execute(
            select(AuditEvent)
            .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return result.scalars().all()


class PresentationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, presentation_id: int) -> Presentation | None:
        return await self.db.get(Presentation, presentation_id)

    async def add(self, presentation: Presentation) -> Presentation:
        """Insert a presentation; Conflict if its case log already has one (the database's unique
        constraint decides when two requests race)."""
        self.db.add(presentation)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("This case log already has a presentation; edit that one.") from None
        return presentation

    async def of_case_log(self, case_log_id: int) -> Presentation | None:
        result = await self.db.execute(select(Presentation).where(Presentation.case_log_id == case_log_id))
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[Presentation]:
        result = await self.db.execute(
            select(Presentation)
            .join(CaseLog, CaseLog.id == Presentation.case_log_id)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, Presentation.id)
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()
