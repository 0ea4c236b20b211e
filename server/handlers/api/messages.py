"""API: conversations (threads) with a coach or a preceptor, their messages, read marks, unread
counts and attachments."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from server.domain.errors import UnsupportedMediaType
from server.handlers.api.registry import API
from server.schemas.messages import (
    MessageIn,
    MessageOut,
    MessagePageOut,
    MessagePageQuery,
    ReadIn,
    ThreadIn,
    ThreadListOut,
    ThreadOut,
    ThreadPageQuery,
    UnreadOut,
)
from server.services import messages
from server.web.api import ApiCall, describe_validation_error, read_json
from server.web.files import attachment_response, read_message_post
from server.web.keys import FILES, SETTINGS, UOW

MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["body"],
    "properties": {
        "body": {"type": "string", "maxLength": 5000},
        "file": {"type": "string", "format": "binary", "description": "PDF, JPEG or PNG (optional)"},
    },
}


@API.route(
    "GET",
    "/threads",
    summary="My conversations, the most recently active first, with unread counts",
    tag="messages",
    query=ThreadPageQuery,
    response=ThreadListOut,
)
async def list_threads(call: ApiCall) -> ThreadListOut:
    return await messages.list_threads(call.request.app[UOW](), call.actor, call.query.page)


@API.route(
    "POST",
    "/threads",
    summary="Open (or find) the conversation about an application with its coach or a preceptor",
    tag="messages",
    body=ThreadIn,
    response=ThreadOut,
)
async def open_thread(call: ApiCall) -> ThreadOut:
    return await messages.open_thread(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "GET",
    "/threads/unread",
    summary="How many messages by others I have not read",
    tag="messages",
    response=UnreadOut,
)
async def unread(call: ApiCall) -> UnreadOut:
    return UnreadOut(unread=await messages.unread(call.request.app[UOW](), call.actor))


@API.route(
    "GET",
    "/threads/{thread_id}/messages",
    summary="A page of a conversation's messages, newest first",
    tag="messages",
    query=MessagePageQuery,
    response=MessagePageOut,
)
async def thread_messages(call: ApiCall) -> MessagePageOut:
    query: MessagePageQuery = call.query
    return await messages.thread_page(
        call.request.app[UOW](), call.actor, call.path["thread_id"], before=query.before, limit=query.limit
    )


@API.route(
    "POST",
    "/threads/{thread_id}/messages",
    summary="Send a message (JSON, or multipart with one PDF, JPEG or PNG); the PHI guard reads it first",
    tag="messages",
    multipart=MESSAGE_SCHEMA,
    response=MessageOut,
    status=201,
    errors=(413, 415, 422),
)
async def post_message(call: ApiCall) -> MessageOut:
    request = call.request
    max_bytes = request.app[SETTINGS].max_upload_bytes
    upload = None
    if request.content_type == "application/json":
        data = await read_json(request, MessageIn)
        assert isinstance(data, MessageIn)
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        text, filename, raw = await read_message_post(request, max_bytes)
        try:
            data = MessageIn(body=text)
        except ValidationError as exc:
            raise describe_validation_error(exc) from None
        upload = messages.Upload(filename, raw) if raw is not None else None
    else:
        raise UnsupportedMediaType("Send a message as JSON, or as multipart/form-data with a file.")
    return await messages.post_message(
        request.app[UOW](),
        request.app[FILES],
        call.actor,
        call.path["thread_id"],
        data.body,
        upload,
        max_bytes=max_bytes,
    )


@API.route(
    "POST",
    "/threads/{thread_id}/read",
    summary="Mark a conversation read up to a message (or all of it)",
    tag="messages",
    body=ReadIn,
    response=ThreadOut,
)
async def mark_read(call: ApiCall) -> ThreadOut:
    uow = call.request.app[UOW]()
    return await messages.mark_read(uow, call.actor, call.path["thread_id"], call.body.up_to)


@API.route(
    "GET",
    "/applications/{application_id}/threads",
    summary="The conversations about an application that I may read",
    tag="messages",
    response=list[ThreadOut],
)
async def application_threads(call: ApiCall) -> list[ThreadOut]:
    uow = call.request.app[UOW]()
    return await messages.application_threads(uow, call.actor, call.path["application_id"])


@API.route(
    "GET",
    "/messages/{message_id}/attachment",
    summary="Download a message's attachment",
    tag="messages",
    raw_response={
        "description": "The file",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    },
)
async def download_attachment(call: ApiCall) -> web.Response:
    file = await messages.read_attachment(
        call.request.app[UOW](), call.request.app[FILES], call.actor, call.path["message_id"]
    )
    return attachment_response(file)
