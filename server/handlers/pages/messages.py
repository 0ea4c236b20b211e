"""Messages from the pages: the list of one's conversations, a conversation with its form (a refused
message shows again with the reason and the text kept), starting one, downloading an attachment, and a
coach's reassignment."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.handlers.pages.forms import (
    Problem,
    current_actor,
    parse_form,
    path_id,
    problem_of,
    read_form,
    redirect,
    render,
    try_form,
    validated,
)
from server.schemas.coaches import CoachIn
from server.schemas.messages import MessageIn, MessagePageQuery, ThreadIn, ThreadPageQuery
from server.services import coaches, messages
from server.web.files import attachment_response, read_message_post
from server.web.keys import FILES, SETTINGS, UOW

routes = web.RouteTableDef()

NOTICES = {
    "sent": "Message sent.",
    "coach_changed": "Coach changed. The new coach now holds the conversation with the visitor.",
}
LABELS = {"body": "Message", "file": "Attachment", "preceptor_id": "Preceptor"}


@routes.get("/messages")
async def thread_list(request: web.Request) -> web.StreamResponse:
    """The conversations one takes part in, the most recently active first, a page at a time."""
    actor = current_actor(request)
    query = parse_form(ThreadPageQuery, request.query)
    listing = await messages.list_threads(request.app[UOW](), actor, query.page)
    return render(request, "messages.html", {"listing": listing}, notices=(NOTICES,))


@routes.post("/messages")
async def start_thread(request: web.Request) -> web.StreamResponse:
    """Open (or find) the conversation about an application with its coach or a preceptor, and go there."""
    actor = current_actor(request)
    data = parse_form(ThreadIn, await read_form(request), labels=LABELS)
    thread = await messages.open_thread(request.app[UOW](), actor, data)
    redirect(f"/messages/{thread.id}", anchor="new-message")


async def _show(
    request: web.Request,
    thread_id: int,
    *,
    body: str = "",
    problem: Problem | None = None,
    status: int = 200,
) -> web.Response:
    actor = current_actor(request)
    query = parse_form(MessagePageQuery, request.query)
    page = await messages.thread_page(
        request.app[UOW](), actor, thread_id, before=query.before, limit=query.limit, mark_read=True
    )
    context: dict[str, Any] = {
        "page": page,
        # Oldest first on the page, as a conversation reads.
        "shown": list(reversed(page.messages)),
        "body": body,
        "problem": problem,
        "labels": LABELS,
    }
    return render(request, "messages_thread.html", context, status=status, notices=(NOTICES,))


@routes.get("/messages/{thread_id}")
async def thread_page(request: web.Request) -> web.StreamResponse:
    """A conversation: its newest messages (older ones a page at a time) and the form to write."""
    return await _show(request, path_id(request, "thread_id"))


@routes.post("/messages/{thread_id}")
async def send(request: web.Request) -> web.StreamResponse:
    """Send a message (with at most one PDF, JPEG or PNG). A refusal shows the conversation again with
    the reason next to the message and everything typed kept."""
    actor = current_actor(request)
    thread_id = path_id(request, "thread_id")
    max_bytes = request.app[SETTINGS].max_upload_bytes
    typed = ""

    async def attempt() -> web.StreamResponse:
        nonlocal typed
        typed, filename, raw = await read_message_post(request, max_bytes)
        data = validated(lambda: MessageIn.model_validate({"body": typed}))
        upload = messages.Upload(filename, raw) if raw is not None else None
        await messages.post_message(
            request.app[UOW](), request.app[FILES], actor, thread_id, data.body, upload, max_bytes=max_bytes
        )
        redirect(f"/messages/{thread_id}", "sent", anchor="new-message")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        field = exc.field if exc.field in LABELS else ("file" if exc.status in (413, 415) else None)
        problem = (
            Problem("Your message was not sent.", {field: [exc.message]})
            if field
            else problem_of(exc, {}, lambda name: None)
        )
        return await _show(request, thread_id, body=typed, problem=problem, status=exc.status)

    return await try_form(attempt, show_again)


@routes.get("/messages/attachments/{message_id}")
async def download(request: web.Request) -> web.StreamResponse:
    """A message's attachment, for whoever may read its conversation."""
    actor = current_actor(request)
    file = await messages.read_attachment(
        request.app[UOW](), request.app[FILES], actor, path_id(request, "message_id")
    )
    return attachment_response(file)


@routes.post("/applications/{application_id}/coach")
async def reassign(request: web.Request) -> web.StreamResponse:
    """A coordinator of the program gives the application to another of its coordinators."""
    actor = current_actor(request)
    application_id = path_id(request, "application_id")
    form = await read_form(request)
    raw = str(form.get("coach_id", "")).strip()
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid("Choose the new coach.", field="coach_id")
    await coaches.reassign(request.app[UOW](), actor, application_id, CoachIn(coach_id=int(raw)))
    redirect(f"/applications/{application_id}", "coach_changed", anchor="coach")
