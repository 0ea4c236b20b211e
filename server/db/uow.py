"""The unit of work: one database transaction, its repositories, and the clock."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb
from sqlalchemy.ext.asyncio import async_sessionmaker

from server.db.repositories.accounts import AccountTokenRepository, LoginRepository, UserRepository
from server.db.repositories.applications import ApplicationRepository
from server.db.repositories.audit import AuditRepository
from server.db.repositories.calendars import CalendarFeedRepository
from server.db.repositories.certificates import CertificateRepository
from server.db.repositories.coaches import CoachRepository
from server.db.repositories.documents import DocumentRepository
from server.db.repositories.evaluations import EvaluationRepository
from server.db.repositories.invitations import StaffInvitationRepository
from server.db.repositories.learning import LearningRepository
from server.db.repositories.letters import LetterRepository
from server.db.repositories.mail import OutboxRepository
from server.db.repositories.messages import MessageRepository
from server.db.repositories.notifications import NotificationRepository, ReminderRepository
from server.db.repositories.placements import PlacementRepository
from server.db.repositories.presentations import PresentationRepository
from server.db.repositories.programs import ProgramRepository
from server.db.repositories.record import CaseLogRepository, EncounterRepository
from server.db.repositories.visits import VisitRepository
from server.domain.mail import MailSetup
from server.domain.notifications import NotifySetup

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_notify_setup() -> NotifySetup:
    """The notification setup of a unit of work made without one (a script, a test): links to the
    default address and a key of this process only (its unsubscribe links work nowhere else). The
    app and the demo pass the settings' own (:func:`server.services.notifications.notify_setup`)."""
    return NotifySetup(
        MailSetup(base_url="http://127.0.0.1:8080", from_address="Rounds <rounds@localhost>"),
        secrets.token_bytes(32),
    )


class UnitOfWork:
    """``async with uow:`` opens a transaction; leaving without ``commit()`` rolls it back."""

    db: AsyncDb
    users: UserRepository
    logins: LoginRepository
    programs: ProgramRepository
    applications: ApplicationRepository
    documents: DocumentRepository
    encounters: EncounterRepository
    case_logs: CaseLogRepository
    audit: AuditRepository
    presentations: PresentationRepository
    visits: VisitRepository
    learning: LearningRepository
    certificates: CertificateRepository
    evaluations: EvaluationRepository
    letters: LetterRepository
    account_tokens: AccountTokenRepository
    outbox: OutboxRepository
    notifications: NotificationRepository
    reminders: ReminderRepository
    calendar_feeds: CalendarFeedRepository
    staff_invitations: StaffInvitationRepository
    coaches: CoachRepository
    messages: MessageRepository
    placements: PlacementRepository

    def __init__(
        self,
        maker: async_sessionmaker[AsyncDb],
        clock: Clock = utc_now,
        offer_hold_days: int = 7,
        notify: NotifySetup | None = None,
    ) -> None:
        self._maker = maker
        self.now = clock
        self.offer_hold_days = offer_hold_days
        # Where a notification's email links point and the key its unsubscribe link is signed with.
        self.notify = notify or local_notify_setup()

    async def __aenter__(self) -> UnitOfWork:
        self.db = self._maker()
        self.users = UserRepository(self.db)
        self.logins = LoginRepository(self.db)
        self.programs = ProgramRepository(self.db)
        self.applications = ApplicationRepository(self.db)
        self.documents = DocumentRepository(self.db)
        self.encounters = EncounterRepository(self.db)
        self.case_logs = CaseLogRepository(self.db)
        self.audit = AuditRepository(self.db)
        self.presentations = PresentationRepository(self.db)
        self.visits = VisitRepository(self.db)
        self.learning = LearningRepository(self.db)
        self.certificates = CertificateRepository(self.db)
        self.evaluations = EvaluationRepository(self.db)
        self.letters = LetterRepository(self.db)
        self.account_tokens = AccountTokenRepository(self.db)
        self.outbox = OutboxRepository(self.db)
        self.notifications = NotificationRepository(self.db)
        self.reminders = ReminderRepository(self.db)
        self.calendar_feeds = CalendarFeedRepository(self.db)
        self.staff_invitations = StaffInvitationRepository(self.db)
        self.coaches = CoachRepository(self.db)
        self.messages = MessageRepository(self.db)
        self.placements = PlacementRepository(self.db)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.db.rollback()
        finally:
            await self.db.close()

    async def commit(self) -> None:
        await self.db.commit()

    async def rollback(self) -> None:
        await self.db.rollback()


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; the app holds one of these."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncDb],
        clock: Clock = utc_now,
        offer_hold_days: int = 7,
        notify: NotifySetup | None = None,
    ) -> None:
        self.maker = maker
        self.clock = clock
        self.offer_hold_days = offer_hold_days
        self.notify = notify or local_notify_setup()  # one key for every unit of work it makes

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.maker, self.clock, self.offer_hold_days, self.notify)
