"""Messages: persistent conversations of a visitor with their coach and with their preceptors, about
one application or enrollment. Who may read and write is :func:`server.domain.messages.access_of`;
every message passes the PHI guard (with the thread's people as its parties) before it is written."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from server.db.filestore import FileStore
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES, FINAL_STATES, Application, AppState
from server.domain.documents import check_upload
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.messages import (
    Access,
    Attachment,
    Message,
    Thread,
    ThreadKind,
    ThreadPeople,
    access_of,
    participants,
    refusal_message,
)
from server.domain.phi import check_text
from server.domain.programs import Program
from server.domain.vocab import Role
from server.schemas.applications import ApplicationOut
from server.schemas.coaches import CoachOut
from server.schemas.messages import (
    AttachmentOut,
    MessageOut,
    MessagePageOut,
    PartyOut,
    ThreadIn,
    ThreadListOut,
    ThreadOut,
)
from server.services import audit, notifications
from server.services.applications import application_out, load_visible
from server.services.coach_assignment import coordinators_of
from server.services.coaches import coach_out
from server.services.documents import DocumentFile, clean_name

log = logging.getLogger("rounds.messages")
#: Threads per page of the list.
PAGE_SIZE = 20
# Closed applications (denied, withdrawn...) keep their conversations readable, not writable; a
# completed rotation stays open to talk (letters, next steps).
CLOSED_STATES = frozenset(s.value for s in FINAL_STATES if s is not AppState.COMPLETED)


@dataclass(frozen=True)
class Upload:
    """A file sent with a message, as read from the request."""

    filename: str | None
    data: bytes


@dataclass(frozen=True)
class Loaded:
    """A thread with what its access rule and its page need."""

    thread: Thread
    application: Application
    program: Program
    people: ThreadPeople
    access: Access


async def _people(uow: UnitOfWork, application: Application, program: Program) -> ThreadPeople:
    preceptors = (await uow.programs.preceptor_ids([program.id]))[program.id]
    return ThreadPeople(
        visitor_id=application.visitor_id,
        coach_id=await uow.coaches.coach_of(application.id),
        program_coordinator_ids=frozenset(coordinators_of(program)),
        program_preceptor_ids=frozenset(preceptors),
        enrolled=AppState(application.state) in ENROLLED_STATES,
    )


async def _application(uow: UnitOfWork, application_id: int) -> tuple[Application, Program]:
    missing = NotFound(f"There is no application {application_id}.")
    application = await uow.applications.get(application_id)
    if application is None:
        raise missing
    program = await uow.programs.get(application.program_id)
    if program is None:
        raise missing
    return application, program


async def _load(uow: UnitOfWork, actor: Actor, thread_id: int) -> Loaded:
    """The thread if the actor may read it; NotFound otherwise (a stranger learns nothing of it)."""
    thread = await uow.messages.thread(thread_id)
    if thread is None:
        raise NotFound(f"There is no conversation {thread_id}.")
    application, program = await _application(uow, thread.application_id)
    people = await _people(uow, application, program)
    access = access_of(thread, people, actor.user_id)
    if access is Access.NONE or application.state == AppState.DRAFT:
        raise NotFound(f"There is no conversation {thread_id}.")
    return Loaded(thread, application, program, people, access)


def _counterpart_id(loaded: Loaded) -> int | None:
    """The coach or the preceptor of the thread, while they are one."""
    others = participants(loaded.thread, loaded.people) - {loaded.people.visitor_id}
    return next(iter(others), None)


def _why_not_writable(loaded: Loaded) -> str | None:
    """Why a participant cannot write in the thread now, or None when they can."""
    if loaded.access is not Access.PARTICIPANT:
        return "Only the visitor and their coach write here; the program's other coordinators read it."
    if loaded.application.state in CLOSED_STATES:
        return "This application is closed: its conversations stay readable but take no new messages."
    if _counterpart_id(loaded) is None:
        if loaded.thread.kind is ThreadKind.COACH:
            return "This application has no coach yet; a coordinator of the program will assign one."
        return "This preceptor no longer teaches in the program; write to your coach instead."
    return None


async def _outs(uow: UnitOfWork, actor: Actor, items: list[tuple[Loaded, int]]) -> list[ThreadOut]:
    ids = {i for loaded, _ in items for i in (loaded.people.visitor_id, _counterpart_id(loaded)) if i}
    users = await uow.users.by_ids(list(ids))
    roles = {uid: u.role for uid, u in users.items()}

    def party(uid: int | None) -> PartyOut | None:
        if uid is None or uid not in users:
            return None
        return PartyOut(id=uid, full_name=users[uid].full_name, role=roles[uid].value)

    out = []
    for loaded, unread in items:
        visitor = party(loaded.people.visitor_id)
        assert visitor is not None  # an application's visitor is a user
        out.append(
            ThreadOut(
                id=loaded.thread.id,
                application_id=loaded.application.id,
                program_title=loaded.program.title,
                kind=loaded.thread.kind,
                visitor=visitor,
                counterpart=party(_counterpart_id(loaded)),
                can_write=_why_not_writable(loaded) is None,
                unread=unread if loaded.access is Access.PARTICIPANT else 0,
                last_message_at=loaded.thread.last_message_at,
            )
        )
    return out


async def open_thread(uow: UnitOfWork, actor: Actor, data: ThreadIn) -> ThreadOut:
    """Open (or find) a conversation about an application: a visitor's with their coach or with one
    preceptor of their enrollment; a coach's with the visitor; a preceptor's with a visitor of theirs."""
    async with uow:
        application, program = await _application(uow, data.application_id)
        people = await _people(uow, application, program)
        kind = ThreadKind.COACH
        preceptor_id = data.preceptor_id
        if actor.role is Role.PRECEPTOR:
            if preceptor_id not in (None, actor.user_id):
                raise NotFound(f"There is no application {data.application_id}.")
            kind, preceptor_id = ThreadKind.PRECEPTOR, actor.user_id
        elif preceptor_id is not None and actor.role is Role.VISITOR:
            kind = ThreadKind.PRECEPTOR
        wanted = Thread(0, application.id, kind, preceptor_id, uow.now(), uow.now())
        access = access_of(wanted, people, actor.user_id)
        if access is Access.NONE or (actor.role is Role.VISITOR and application.visitor_id != actor.user_id):
            raise NotFound(f"There is no application {data.application_id}.")
        if access is Access.OVERSEER:
            raise Forbidden(
                "Only the application's coach writes to the visitor; you may read their conversation."
            )
        if actor.role is Role.COORDINATOR and preceptor_id is not None:
            raise Invalid(
                "A coach's conversation is the coach thread: omit preceptor_id.", field="preceptor_id"
            )
        if application.state == AppState.DRAFT:
            raise Conflict("Submit the application first: a draft has no coach yet.")
        if kind is ThreadKind.PRECEPTOR and (
            preceptor_id not in people.program_preceptor_ids or not people.enrolled
        ):
            raise Invalid(
                "You can write to the preceptors of an enrollment only: this person is not one of them "
                "(or the application is not an enrollment yet).",
                field="preceptor_id",
            )
        thread = await uow.messages.find_thread(application.id, kind, preceptor_id)
        if thread is None:
            thread = await uow.messages.add_thread(application.id, kind, preceptor_id, uow.now())
        loaded = Loaded(thread, application, program, people, Access.PARTICIPANT)
        unread = await uow.messages.unread_in(thread.id, actor.user_id)
        out = (await _outs(uow, actor, [(loaded, unread)]))[0]
        await uow.commit()
        return out


async def list_threads(uow: UnitOfWork, actor: Actor, page: int = 1) -> ThreadListOut:
    """The conversations the actor takes part in, the most recently active first, a page at a time."""
    async with uow:
        return await threads_of(uow, actor, page)


async def threads_of(uow: UnitOfWork, actor: Actor, page: int = 1) -> ThreadListOut:
    """:func:`list_threads` in the caller's open unit of work."""
    rows, total = await uow.messages.participant_threads(
        actor.role, actor.user_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    items = []
    for thread, unread in rows:
        application, program = await _application(uow, thread.application_id)
        people = await _people(uow, application, program)
        items.append((Loaded(thread, application, program, people, Access.PARTICIPANT), unread))
    pages = max(1, -(-total // PAGE_SIZE))
    return ThreadListOut(threads=await _outs(uow, actor, items), page=page, pages=pages, total=total)


async def application_threads(uow: UnitOfWork, actor: Actor, application_id: int) -> list[ThreadOut]:
    """The conversations about one application that the actor may read (a coordinator of the program
    sees its coach thread; see :mod:`server.domain.messages`). NotFound for an application they may
    not see, as the applications' own rule says."""
    async with uow:
        application = await load_visible(uow, actor, application_id)
        _, program = await _application(uow, application.id)
        people = await _people(uow, application, program)
        items = []
        for thread in await uow.messages.threads_of_applications([application.id]):
            access = access_of(thread, people, actor.user_id)
            if access is Access.NONE:
                continue
            unread = await uow.messages.unread_in(thread.id, actor.user_id)
            items.append((Loaded(thread, application, program, people, access), unread))
        return await _outs(uow, actor, items)


def _message_out(message: Message, authors: dict[int, PartyOut], actor: Actor) -> MessageOut:
    author = authors.get(message.author_id) or PartyOut(
        id=message.author_id, full_name="(closed account)", role=""
    )
    return MessageOut(
        id=message.id,
        thread_id=message.thread_id,
        author=author,
        body=message.body,
        created_at=message.created_at,
        attachment=(
            AttachmentOut(
                name=message.attachment.name,
                content_type=message.attachment.content_type,
                size=message.attachment.size,
            )
            if message.attachment
            else None
        ),
        mine=message.author_id == actor.user_id,
    )


async def _authors(uow: UnitOfWork, messages: list[Message]) -> dict[int, PartyOut]:
    users = await uow.users.by_ids(list({m.author_id for m in messages}))
    return {uid: PartyOut(id=uid, full_name=u.full_name, role=u.role.value) for uid, u in users.items()}


async def thread_page(
    uow: UnitOfWork,
    actor: Actor,
    thread_id: int,
    *,
    before: int | None = None,
    limit: int = 20,
    mark_read: bool = False,
) -> MessagePageOut:
    """A page of the thread's messages, newest first. ``mark_read``: the participant has now read the
    messages shown (the pages do this; the API marks with :func:`mark_read`). A coordinator reading as
    overseer is audited."""
    async with uow:
        loaded = await _load(uow, actor, thread_id)
        found = await uow.messages.messages(thread_id, before=before, limit=limit + 1)
        shown, older = found[:limit], found[limit - 1].id if len(found) > limit else None
        if loaded.access is Access.PARTICIPANT and mark_read and shown:
            await uow.messages.mark_read(thread_id, actor.user_id, shown[0].id, uow.now())
        if loaded.access is Access.OVERSEER:
            await audit.record(uow, actor, audit.AuditAction.READ, audit.MESSAGE_THREAD, [thread_id])
        unread = await uow.messages.unread_in(thread_id, actor.user_id)
        out = MessagePageOut(
            thread=(await _outs(uow, actor, [(loaded, unread)]))[0],
            messages=[_message_out(m, await _authors(uow, shown), actor) for m in shown],
            older=older,
        )
        await uow.commit()
        return out


async def mark_read(uow: UnitOfWork, actor: Actor, thread_id: int, up_to: int | None) -> ThreadOut:
    """The participant has read the thread up to message ``up_to`` (None: all of it)."""
    async with uow:
        loaded = await _load(uow, actor, thread_id)
        if loaded.access is not Access.PARTICIPANT:
            raise Forbidden("Only the conversation's participants have read marks.")
        newest = await uow.messages.newest_id(thread_id)
        if up_to is not None:
            message = await uow.messages.message(up_to)
            if message is None or message.thread_id != thread_id:
                raise Invalid(f"Message {up_to} is not in this conversation.", field="up_to")
        target = up_to if up_to is not None else newest
        if target is not None:
            await uow.messages.mark_read(thread_id, actor.user_id, target, uow.now())
        unread = await uow.messages.unread_in(thread_id, actor.user_id)
        out = (await _outs(uow, actor, [(loaded, unread)]))[0]
        await uow.commit()
        return out


def _guard(body: str, parties: list[str]) -> None:
    """Refuse a message holding a patient's identifiers; the refusal names the kinds, not the text."""
    hits = check_text(body, parties=parties)
    if hits:
        raise Invalid(refusal_message(hits), field="body")


async def post_message(
    uow: UnitOfWork,
    store: FileStore,
    actor: Actor,
    thread_id: int,
    body: str,
    upload: Upload | None,
    *,
    max_bytes: int,
) -> MessageOut:
    """Send a message (and at most one PDF, JPEG or PNG, checked as documents are) in a thread the actor
    takes part in. The PHI guard reads it first, with the thread's people as the record's parties (the
    visitor and the coach or preceptor): their names are fine, a patient's identifiers are refused (422)
    and nothing is stored."""
    async with uow:
        loaded = await _load(uow, actor, thread_id)
        reason = _why_not_writable(loaded)
        if reason is not None:
            raise (Forbidden if loaded.access is not Access.PARTICIPANT else Conflict)(reason)
        people = await uow.users.by_ids([i for i in (loaded.people.visitor_id, _counterpart_id(loaded)) if i])
        # The guard can take a few hundred milliseconds on adversarial text: off the event loop.
        await asyncio.to_thread(_guard, body, [u.full_name for u in people.values()])
        attachment = None
        if upload is not None:
            checked = check_upload(upload.data, max_bytes)
            await store.put(checked.sha256, upload.data)
            attachment = Attachment(
                name=clean_name(upload.filename, checked.extension),
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
            )
        message = await uow.messages.add_message(thread_id, actor.user_id, body, attachment, uow.now())
        # One's own message is read: the thread is not unread for its author.
        await uow.messages.mark_read(thread_id, actor.user_id, message.id, uow.now())
        # The other participant hears of it, in this transaction (who wrote and where, not what).
        for recipient in participants(loaded.thread, loaded.people) - {actor.user_id}:
            await notifications.message_received(
                uow,
                thread_id=thread_id,
                program_id=loaded.program.id,
                author_id=actor.user_id,
                recipient_id=recipient,
            )
        out = _message_out(message, await _authors(uow, [message]), actor)
        await uow.commit()
        return out


async def read_attachment(uow: UnitOfWork, store: FileStore, actor: Actor, message_id: int) -> DocumentFile:
    """A message's attachment, for whoever may read its thread."""
    missing = NotFound(f"There is no attachment of message {message_id}.")
    async with uow:
        message = await uow.messages.message(message_id)
        if message is None or message.attachment is None:
            raise missing
        try:
            loaded = await _load(uow, actor, message.thread_id)
        except NotFound:
            raise missing from None
        if loaded.access is Access.OVERSEER:
            await audit.record(uow, actor, audit.AuditAction.READ, audit.MESSAGE_THREAD, [message.thread_id])
            await uow.commit()
        attachment = message.attachment
    try:
        data = await store.get(attachment.sha256)
    except FileNotFoundError:
        log.error("message attachment missing from storage", extra={"message_id": message_id})
        raise NotFound(f"The file of message {message_id} is missing from storage.") from None
    return DocumentFile(attachment.name, attachment.content_type, data)


async def unread_count(uow: UnitOfWork, actor: Actor) -> int:
    """Messages by others in the actor's conversations that they have not read. In the caller's open
    unit of work (the navigation reads it with the login)."""
    return await uow.messages.unread_total(actor.role, actor.user_id)


async def unread(uow: UnitOfWork, actor: Actor) -> int:
    """:func:`unread_count` in its own unit of work."""
    async with uow:
        return await unread_count(uow, actor)


@dataclass(frozen=True)
class ApplicationSupport:
    """An application's page with what surrounds it: its coach, the program's coordinators (for a
    reassignment), the conversations the reader may open, and the preceptors a visitor may write to."""

    application: ApplicationOut
    coach: CoachOut
    coordinators: list[PartyOut]
    threads: list[ThreadOut]
    preceptors: list[PartyOut]
    can_reassign: bool


async def application_support(uow: UnitOfWork, actor: Actor, application_id: int) -> ApplicationSupport:
    """Everything the application's page shows of its coach and conversations, in one unit of work."""
    async with uow:
        return await application_support_in(uow, actor, application_id)


async def application_support_in(uow: UnitOfWork, actor: Actor, application_id: int) -> ApplicationSupport:
    """:func:`application_support` inside the caller's unit of work."""
    application = await load_visible(uow, actor, application_id)
    _, program = await _application(uow, application.id)
    people = await _people(uow, application, program)
    items = []
    for thread in await uow.messages.threads_of_applications([application.id]):
        access = access_of(thread, people, actor.user_id)
        if access is not Access.NONE:
            unread = await uow.messages.unread_in(thread.id, actor.user_id)
            items.append((Loaded(thread, application, program, people, access), unread))
    runs = program.is_run_by(actor.user_id)
    users = await uow.users.by_ids([*coordinators_of(program), *people.program_preceptor_ids])
    return ApplicationSupport(
        application=await application_out(uow, actor, application),
        coach=await coach_out(uow, actor, application.id, program),
        coordinators=[
            PartyOut(id=c, full_name=users[c].full_name, role="coordinator")
            for c in coordinators_of(program)
            if c in users and runs
        ],
        threads=await _outs(uow, actor, items),
        preceptors=[
            PartyOut(id=p, full_name=users[p].full_name, role="preceptor")
            for p in sorted(people.program_preceptor_ids)
            if p in users and people.enrolled and actor.user_id == people.visitor_id
        ],
        can_reassign=runs and application.state != AppState.DRAFT,
    )
