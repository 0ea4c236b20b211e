"""Notifications: one function per kind, called by the service where the change happens, inside its
unit of work, so that the notification (and its email, when the person wants one) is written with the
change or not at all. Then what a person does with theirs: the list, marking read, their choices, and
the one-click unsubscribe of an email.

Each function words a :class:`~server.domain.notifications.Notice` from names, titles and labels
only (see :mod:`server.domain.notifications`), and :func:`deliver` writes it as each recipient's
choices say. Reminders (an offer about to expire, a session about to start) are set here with the
change that makes them due and made by :mod:`server.services.reminders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from server.config import Settings
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import STATE_LABELS, Application, AppState
from server.domain.calendars import session_event, vcalendar
from server.domain.dates import zone_of
from server.domain.documents import StoredDocument
from server.domain.errors import Invalid, NotFound
from server.domain.mail import Attachment, MailKind
from server.domain.notifications import (
    KINDS,
    NOTE_MAX,
    PER_PAGE,
    TEXT_MAX,
    Notice,
    NotificationKind,
    NotifySetup,
    Preference,
    Reminder,
    ReminderKind,
    StoredNotification,
    SubjectType,
    clip,
    distinct,
    effective,
    offer_reminder_due,
    read_unsubscribe_token,
    session_reminder_due,
    unsubscribe_key,
    unsubscribe_token,
)
from server.domain.phi import check_text
from server.domain.visits import KIND_LABELS, Visit, VisitStatus
from server.domain.vocab import DOCUMENT_LABELS, DocumentStatus
from server.services import mail
from server.services.mail import mail_setup

PREFERENCES_PATH = "/notifications/preferences"


def notify_setup(settings: Settings, *, demo: bool = False) -> NotifySetup:
    """The notification setup a process runs with: its mail setup and its unsubscribe key."""
    return NotifySetup(mail_setup(settings, demo=demo), unsubscribe_key(settings.secret_key))


def unsubscribe_path(key: bytes, user_id: int, kind: NotificationKind) -> str:
    """The path of the link that switches ``kind``'s email off for ``user_id``, without a login."""
    return f"/notifications/unsubscribe/{unsubscribe_token(key, user_id, kind)}"


# --- writing ----------------------------------------------------------------------------------------


async def deliver(uow: UnitOfWork, notices: Sequence[Notice]) -> int:
    """Write each notice as its recipient's choices say, in the caller's open unit of work: in the
    app, by email (only to a confirmed address), both or neither. A kind that cannot reach the
    recipient's role is left out. Returns how many notifications were written in the app."""
    if not notices:
        return 0
    ids = distinct(n.recipient_id for n in notices)
    users = await uow.users.by_ids(ids)
    choices = await uow.notifications.choices(ids)
    setup = uow.notify
    written = 0
    now = uow.now()
    for notice in notices:
        user = users.get(notice.recipient_id)
        if user is None or user.closed_at is not None:
            continue  # a closed account is told nothing (its address is a placeholder)
        preference = effective(user.role, choices[user.id]).get(notice.kind)
        if preference is None:
            continue
        # Names can be long: the sentence is cut to its column rather than refused (the change it
        # tells of has happened either way).
        notice = replace(notice, text=clip(notice.text, TEXT_MAX))
        if preference.in_app:
            await uow.notifications.add(notice, at=now)
            written += 1
        if preference.email and user.email_verified_at is not None:
            composed = mail.compose(
                MailKind.NOTIFICATION,
                user.email,
                {
                    "name": user.full_name,
                    "text": notice.text,
                    "at": notice.at,
                    "note": notice.note,
                    "link": setup.mail.base_url + notice.link,
                    "unsubscribe_link": setup.mail.base_url
                    + unsubscribe_path(setup.unsubscribe_key, user.id, notice.kind),
                    "preferences_link": setup.mail.base_url + PREFERENCES_PATH,
                    "kind_label": KINDS[notice.kind].label,
                    "at_label": KINDS[notice.kind].at_label,
                },
                setup.mail,
                unsubscribe_path=unsubscribe_path(setup.unsubscribe_key, user.id, notice.kind),
                zone=zone_of(user.time_zone),
                subject=KINDS[notice.kind].email_subject,
                attachments=(
                    (Attachment("session.ics", "text/calendar", notice.ics),)
                    if notice.ics is not None
                    else ()
                ),
            )
            await mail.enqueue(uow, composed, setup.mail)
    return written


async def _set_reminder(
    uow: UnitOfWork, kind: ReminderKind, subject_id: int, about: datetime, due_at: datetime
) -> None:
    """Set (or move) a reminder; one whose time has already come is not set (the notification of the
    change itself says as much: an offer held for a day, a session in half an hour)."""
    if due_at <= uow.now():
        await uow.reminders.drop(kind, subject_id)
    else:
        await uow.reminders.set(kind, subject_id, about=about, due_at=due_at)


async def _name(uow: UnitOfWork, user_id: int, default: str) -> str:
    user = await uow.users.get(user_id)
    return user.full_name if user is not None else default


async def _program_title(uow: UnitOfWork, program_id: int) -> str:
    program = await uow.programs.get(program_id)
    return program.title if program is not None else "a program"


# --- applications and offers ------------------------------------------------------------------------


async def application_moved(
    uow: UnitOfWork, application: Application, current: AppState, actor: Actor | None
) -> None:
    """``application`` moved from ``current`` to the state it is in now: its visitor hears of it
    unless they moved it themselves (an offer is its own kind); an offer's reminder is set when it is
    made and dropped when it is answered or expires."""
    target = AppState(application.state)
    if target is AppState.OFFER_MADE and application.offer_expires_at is not None:
        await _set_reminder(
            uow,
            ReminderKind.OFFER_EXPIRING,
            application.id,
            application.offer_expires_at,
            offer_reminder_due(application.offer_expires_at),
        )
    elif current is AppState.OFFER_MADE:
        await uow.reminders.drop(ReminderKind.OFFER_EXPIRING, application.id)
    if actor is not None and actor.user_id == application.visitor_id:
        return
    title = clip(await _program_title(uow, application.program_id), 150)
    link = f"/applications/{application.id}"
    if target is AppState.OFFER_MADE:
        notice = Notice(
            application.visitor_id,
            NotificationKind.OFFER_MADE,
            SubjectType.APPLICATION,
            application.id,
            f"{title} offers you a seat. Accept it before the offer expires.",
            link,
            at=application.offer_expires_at,
        )
    else:
        notice = Notice(
            application.visitor_id,
            NotificationKind.APPLICATION_STATE,
            SubjectType.APPLICATION,
            application.id,
            f"Your application to {title} is now: {STATE_LABELS[target]}.",
            link,
        )
    await deliver(uow, [notice])


async def _remind_offer(uow: UnitOfWork, reminder: Reminder) -> bool:
    application = await uow.applications.get(reminder.subject_id)
    if (
        application is None
        or application.state != AppState.OFFER_MADE
        or application.offer_expires_at != reminder.about
        or application.offer_expires_at <= uow.now()
    ):
        return False
    title = clip(await _program_title(uow, application.program_id), 150)
    await deliver(
        uow,
        [
            Notice(
                application.visitor_id,
                NotificationKind.OFFER_EXPIRING,
                SubjectType.APPLICATION,
                application.id,
                f"Your offer from {title} expires in less than 48 hours: accept or decline it.",
                f"/applications/{application.id}",
                at=application.offer_expires_at,
            )
        ],
    )
    return True


# --- documents --------------------------------------------------------------------------------------


def safe_note(note: str | None) -> str | None:
    """A reviewer's note as a notification may carry it: only when the PHI guard finds nothing in it
    (otherwise the person reads it on the page, behind their login)."""
    if not note or check_text(note):
        return None
    return clip(note, NOTE_MAX)


async def document_reviewed(uow: UnitOfWork, document: StoredDocument) -> None:
    """A coordinator verified or rejected a visitor's document; a rejection says why."""
    label = DOCUMENT_LABELS[document.kind]
    rejected = document.status is DocumentStatus.REJECTED
    note = safe_note(document.review_note) if rejected else None
    if rejected:
        text = f"Your {label} was rejected: upload a new one." + (
            "" if note else " The reason is on your dashboard."
        )
    else:
        text = f"Your {label} was verified."
    await deliver(
        uow,
        [
            Notice(
                document.owner_id,
                NotificationKind.DOCUMENT_REVIEWED,
                SubjectType.DOCUMENT,
                document.id,
                text,
                "/dashboard#documents",
                note=note,
            )
        ],
    )


async def document_uploaded(uow: UnitOfWork, document: StoredDocument) -> None:
    """A visitor uploaded a document: the coordinators of the programs they applied to (past the
    draft) have it to verify."""
    coordinators: list[int] = []
    for application in await uow.applications.of_visitor(document.owner_id):
        if application.state == AppState.DRAFT:
            continue
        program = await uow.programs.get(application.program_id)
        if program is not None:
            coordinators.append(program.coordinator_id)
    if not coordinators:
        return
    visitor = clip(await _name(uow, document.owner_id, "A visitor"), 120)
    label = DOCUMENT_LABELS[document.kind]
    await deliver(
        uow,
        [
            Notice(
                coordinator,
                NotificationKind.DOCUMENT_TO_VERIFY,
                SubjectType.DOCUMENT,
                document.id,
                f"{visitor} uploaded a {label} to verify.",
                "/dashboard#documents",
            )
            for coordinator in distinct(coordinators)
        ],
    )


# --- sessions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SessionWords:
    what: str  # "Huddle of Open Observership with Dr. Reyes"
    link: str
    ics: str


async def _session_words(uow: UnitOfWork, visit: Visit) -> _SessionWords:
    """A session named by its kind, program and host (never its title, which a preceptor types
    freely), its page, and its calendar file for the email."""
    kind = KIND_LABELS[visit.kind]
    title = clip(await _program_title(uow, visit.program_id), 120)
    host = clip(await _name(uow, visit.host_id, "your preceptor"), 100)
    link = f"/visits/{visit.id}"
    url = uow.notify.mail.base_url + link
    # The session's own event (its UID and revision count), as its calendar file and feed have it:
    # a calendar app that already holds the session updates it.
    event = session_event(visit, program_title=title, host_name=host, url=url)
    ics = vcalendar([event], method="PUBLISH").decode()
    return _SessionWords(f"{kind} of {title} with {host}", link, ics)


async def _invitees(uow: UnitOfWork, visit_id: int) -> list[int]:
    return [i.visitor_id for i in (await uow.visits.invitations([visit_id]))[visit_id]]


async def session_changed(uow: UnitOfWork, visit: Visit, kind: NotificationKind) -> None:
    """A session was scheduled, moved or cancelled (``kind``): its invitees hear of it, with the
    calendar file; its reminder is set, moved or dropped."""
    if kind is NotificationKind.SESSION_CANCELLED:
        await uow.reminders.drop(ReminderKind.SESSION_STARTING, visit.id)
    else:
        await _set_reminder(
            uow,
            ReminderKind.SESSION_STARTING,
            visit.id,
            visit.starts_at,
            session_reminder_due(visit.starts_at),
        )
    words = await _session_words(uow, visit)
    sentence = {
        NotificationKind.SESSION_SCHEDULED: f"{words.what} is scheduled for you.",
        NotificationKind.SESSION_MOVED: f"{words.what} moved to a new time.",
        NotificationKind.SESSION_CANCELLED: f"{words.what} is cancelled.",
    }[kind]
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                kind,
                SubjectType.VISIT,
                visit.id,
                sentence,
                words.link,
                at=visit.starts_at,
                ics=words.ics,
            )
            for visitor_id in await _invitees(uow, visit.id)
        ],
    )


async def _remind_session(uow: UnitOfWork, reminder: Reminder) -> bool:
    visit = await uow.visits.get(reminder.subject_id)
    if (
        visit is None
        or visit.status is not VisitStatus.SCHEDULED
        or visit.starts_at != reminder.about
        or visit.starts_at <= uow.now()
    ):
        return False
    words = await _session_words(uow, visit)
    recipients = [visit.host_id, *await _invitees(uow, visit.id)]
    await deliver(
        uow,
        [
            Notice(
                person,
                NotificationKind.SESSION_STARTING,
                SubjectType.VISIT,
                visit.id,
                f"{words.what} starts within the hour; you can join from 30 minutes before.",
                words.link,
                at=visit.starts_at,
                ics=words.ics,
            )
            for person in distinct(recipients)
        ],
    )
    return True


async def make_reminder(uow: UnitOfWork, reminder: Reminder) -> bool:
    """Make one claimed reminder's notifications, in the caller's unit of work; False when it is
    obsolete (the offer was answered or moved, the session cancelled, moved or started)."""
    if reminder.kind is ReminderKind.OFFER_EXPIRING:
        return await _remind_offer(uow, reminder)
    return await _remind_session(uow, reminder)


# --- the record: evaluations, presentations, certificates -------------------------------------------


async def evaluation_released(
    uow: UnitOfWork,
    *,
    visitor_id: int,
    enrollment_id: int,
    program_id: int,
    author_name: str,
    evaluation_id: int,
    final: bool,
) -> None:
    """A preceptor released an evaluation (per encounter, or the end-of-rotation one) to the visitor."""
    title = clip(await _program_title(uow, program_id), 150)
    what = "your end-of-rotation evaluation" if final else "an evaluation"
    link = f"/record/enrollments/{enrollment_id}/evaluations"  # where a visitor reads both kinds
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                NotificationKind.EVALUATION_RELEASED,
                SubjectType.FINAL_EVALUATION if final else SubjectType.EVALUATION,
                evaluation_id,
                f"{clip(author_name, 100)} released {what} for {title}.",
                link,
            )
        ],
    )


async def presentation_submitted(
    uow: UnitOfWork, *, presentation_id: int, visitor_id: int, preceptor_ids: Sequence[int]
) -> None:
    """A visitor submitted a case presentation: the program's preceptors have it to review."""
    visitor = clip(await _name(uow, visitor_id, "A visitor"), 120)
    await deliver(
        uow,
        [
            Notice(
                preceptor,
                NotificationKind.PRESENTATION_TO_REVIEW,
                SubjectType.PRESENTATION,
                presentation_id,
                f"{visitor} submitted a case presentation for review.",
                f"/record/presentations/{presentation_id}",
            )
            for preceptor in distinct(preceptor_ids)
        ],
    )


async def certificate_issued(
    uow: UnitOfWork, *, visitor_id: int, enrollment_id: int, program_id: int, certificate_id: int
) -> None:
    """A certificate of completion was issued (or reissued) to the visitor."""
    title = clip(await _program_title(uow, program_id), 150)
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                NotificationKind.CERTIFICATE_ISSUED,
                SubjectType.CERTIFICATE,
                certificate_id,
                f"Your certificate of completion for {title} is issued.",
                f"/record/enrollments/{enrollment_id}/certificate",
            )
        ],
    )


# --- letters ----------------------------------------------------------------------------------------


async def letter_requested(
    uow: UnitOfWork, *, request_id: int, visitor_id: int, preceptor_id: int, specialty: str
) -> None:
    """A visitor asked a preceptor for a letter: it waits for the preceptor."""
    visitor = clip(await _name(uow, visitor_id, "A visitor"), 120)
    await deliver(
        uow,
        [
            Notice(
                preceptor_id,
                NotificationKind.LETTER_REQUESTED,
                SubjectType.LETTER_REQUEST,
                request_id,
                f"{visitor} asks you for a letter of recommendation ({clip(specialty, 80)}).",
                f"/letters/{request_id}",
            )
        ],
    )


async def letter_decided(
    uow: UnitOfWork, *, request_id: int, visitor_id: int, author_name: str, accepted: bool
) -> None:
    """The preceptor accepted or declined a visitor's letter request."""
    verb = "accepted" if accepted else "declined"
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                NotificationKind.LETTER_DECIDED,
                SubjectType.LETTER_REQUEST,
                request_id,
                f"{clip(author_name, 100)} {verb} your request for a letter of recommendation.",
                "/letters",
            )
        ],
    )


async def letter_signed(uow: UnitOfWork, *, request_id: int, visitor_id: int, author_name: str) -> None:
    """The preceptor signed the visitor's letter (the notification says only that: a waived letter
    is never shown to its visitor, and no letter's text is in a notification)."""
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                NotificationKind.LETTER_SIGNED,
                SubjectType.LETTER_REQUEST,
                request_id,
                f"{clip(author_name, 100)} signed your letter of recommendation.",
                "/letters",
            )
        ],
    )


# --- messages and placements -----------------------------------------------------------------------


async def message_received(
    uow: UnitOfWork, *, thread_id: int, program_id: int, author_id: int, recipient_id: int
) -> None:
    """A message was posted in a conversation: its other participant hears who wrote, and where.

    Never the message's text, nor a piece of it: a message passes the PHI guard, but the guard is
    tuned to refuse what identifies a patient, not to make text fit for an email that leaves Rounds
    (and sits in inboxes and mail servers beyond our control). The reader opens it behind their
    login."""
    sender = clip(await _name(uow, author_id, "Someone"), 120)
    title = clip(await _program_title(uow, program_id), 150)
    await deliver(
        uow,
        [
            Notice(
                recipient_id,
                NotificationKind.MESSAGE_RECEIVED,
                SubjectType.THREAD,
                thread_id,
                f"{sender} sent you a message in your conversation about {title}.",
                f"/messages/{thread_id}",
            )
        ],
    )


async def placement_proposed(
    uow: UnitOfWork,
    *,
    proposal_id: int,
    application_id: int,
    visitor_id: int,
    coordinator_name: str,
    program_id: int,
    options: int,
) -> None:
    """A coordinator proposed alternatives to a closed block: the visitor has to choose (or decline).
    The coordinator's reason is free text and stays on the application's page."""
    title = clip(await _program_title(uow, program_id), 150)
    what = "an alternative placement" if options == 1 else f"{options} alternative placements"
    await deliver(
        uow,
        [
            Notice(
                visitor_id,
                NotificationKind.PLACEMENT_PROPOSED,
                SubjectType.PLACEMENT_PROPOSAL,
                proposal_id,
                f"{clip(coordinator_name, 100)} proposes {what} for your application to {title}: "
                "accept one or decline.",
                f"/applications/{application_id}#placement",
            )
        ],
    )


async def placement_answered(
    uow: UnitOfWork,
    *,
    proposal_id: int,
    application_id: int,
    coordinator_id: int,
    visitor_name: str,
    program_id: int,
    accepted: bool,
    withdrew: bool = False,
) -> None:
    """The visitor accepted one alternative (``program_id`` is where the application is now) or
    declined them all (``program_id`` is where it stays; ``withdrew``: and left the program): the
    coordinator who proposed hears of it."""
    title = clip(await _program_title(uow, program_id), 150)
    visitor = clip(visitor_name, 100)
    if accepted:
        text = f"{visitor} accepted an alternative placement you proposed: now {title}."
    elif withdrew:
        text = f"{visitor} declined the placements you proposed and withdrew from {title}."
    else:
        text = (
            f"{visitor} declined the placements you proposed; their application to {title} stays as it was."
        )
    await deliver(
        uow,
        [
            Notice(
                coordinator_id,
                NotificationKind.PLACEMENT_ANSWERED,
                SubjectType.PLACEMENT_PROPOSAL,
                proposal_id,
                text,
                f"/applications/{application_id}#placement",
            )
        ],
    )


# --- what a person does with theirs -----------------------------------------------------------------


@dataclass(frozen=True)
class NotificationPage:
    """One page of a person's notifications, newest first."""

    items: list[StoredNotification]
    page: int
    per_page: int
    total: int
    unread: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even empty)."""
        return max(1, -(-self.total // self.per_page))


async def page_of(
    uow: UnitOfWork, actor: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> NotificationPage:
    """The actor's own notifications, newest first, ``per_page`` to a page."""
    async with uow:
        items = await uow.notifications.page_of(actor.user_id, offset=(page - 1) * per_page, limit=per_page)
        total = await uow.notifications.count(actor.user_id)
        unread = await uow.notifications.count(actor.user_id, unread_only=True)
    return NotificationPage(items, page, per_page, total, unread)


async def unread_count(uow: UnitOfWork, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the bell)."""
    async with uow:
        return await uow.notifications.count(actor.user_id, unread_only=True)


async def mark_read(
    uow: UnitOfWork, actor: Actor, notification_id: int, *, read: bool = True
) -> StoredNotification:
    """Mark one of the actor's notifications read (or unread again); anyone else's (or none) is a
    404, the same answer as for an id that does not exist."""
    async with uow:
        if await uow.notifications.get(actor.user_id, notification_id) is None:
            raise NotFound(f"There is no notification {notification_id}.")
        await uow.notifications.mark_read(actor.user_id, notification_id, uow.now() if read else None)
        marked = await uow.notifications.get(actor.user_id, notification_id)
        await uow.commit()
    assert marked is not None  # read a moment ago, in this transaction
    return marked


async def mark_all_read(uow: UnitOfWork, actor: Actor, *, up_to_id: int | None = None) -> int:
    """Mark every unread notification of the actor read (only those up to ``up_to_id``, if given);
    returns how many."""
    async with uow:
        count = await uow.notifications.mark_all_read(actor.user_id, uow.now(), up_to_id=up_to_id)
        await uow.commit()
        return count


async def preferences(uow: UnitOfWork, actor: Actor) -> list[Preference]:
    """Every kind that can reach the actor, with their choice or its default."""
    async with uow:
        chosen = (await uow.notifications.choices([actor.user_id]))[actor.user_id]
    return list(effective(actor.role, chosen).values())


async def set_preferences(uow: UnitOfWork, actor: Actor, choices: Sequence[Preference]) -> list[Preference]:
    """Record the actor's choices (the kinds given; the others stay as they were). A kind that cannot
    reach the actor's role is refused, naming it."""
    allowed = {kind for kind, info in KINDS.items() if actor.role in info.roles}
    for index, choice in enumerate(choices):
        if choice.kind not in allowed:
            raise Invalid(
                f"'{choice.kind.value}' notifications do not reach a {actor.role.value}; "
                "choose among the kinds GET /api/v1/me/notification-preferences lists.",
                field=f"preferences.{index}.kind",
            )
    if len({c.kind for c in choices}) != len(choices):
        raise Invalid("Give each kind once.", field="preferences")
    async with uow:
        await uow.users.lock(actor.user_id)  # two tabs saving at once: one after the other
        for choice in choices:
            await uow.notifications.choose(
                actor.user_id, choice.kind, in_app=choice.in_app, email=choice.email
            )
        chosen = (await uow.notifications.choices([actor.user_id]))[actor.user_id]
        await uow.commit()
    return list(effective(actor.role, chosen).values())


@dataclass(frozen=True)
class Unsubscribed:
    """What an unsubscribe link switched off (or would switch off): whose email and which kind."""

    email: str
    kind: NotificationKind
    label: str


async def unsubscribe_target(uow: UnitOfWork, token: str) -> Unsubscribed:
    """The person and kind an unsubscribe link names; a 404 for a link that is not one of ours."""
    found = read_unsubscribe_token(uow.notify.unsubscribe_key, token)
    async with uow:
        user = await uow.users.get(found[0]) if found is not None else None
    if found is None or user is None or found[1] not in KINDS or user.role not in KINDS[found[1]].roles:
        raise NotFound(
            "This unsubscribe link is not valid. Change what Rounds emails you on your preferences page."
        )
    return Unsubscribed(user.email, found[1], KINDS[found[1]].label)


async def unsubscribe(uow: UnitOfWork, token: str) -> Unsubscribed:
    """Switch off the email of the kind an unsubscribe link names, without a login (RFC 8058's
    one-click POST, or the button on its page); the app's notifications of that kind stay as chosen.
    Doing it twice is the same as once."""
    target = await unsubscribe_target(uow, token)
    found = read_unsubscribe_token(uow.notify.unsubscribe_key, token)
    assert found is not None  # unsubscribe_target read it a moment ago
    user_id, kind = found
    async with uow:
        await uow.users.lock(user_id)
        chosen = (await uow.notifications.choices([user_id]))[user_id]
        in_app = chosen.get(kind, (KINDS[kind].in_app, KINDS[kind].email))[0]
        await uow.notifications.choose(user_id, kind, in_app=in_app, email=False)
        await uow.commit()
    return target
