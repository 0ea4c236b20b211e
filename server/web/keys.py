"""Every app-wide object, under a typed key, declared in one place."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from server.cluster.node import Node
from server.config import Settings
from server.db.filestore import FileStore
from server.db.uow import Clock, UnitOfWorkFactory
from server.domain.actors import Actor
from server.heap import HeapTrimming
from server.services.mail import MailSetup
from server.services.mail_sender import Sender
from server.web.websocket import OpenSockets
from sessions.live import LiveRooms

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
UOW = web.AppKey("uow_factory", UnitOfWorkFactory)
FILES = web.AppKey("file_store", FileStore)
CLOCK = web.AppKey[Clock]("clock")
# Per request: the logged-in actor (None when anonymous) and the cookie the CSRF token binds to.
ACTOR = web.RequestKey[Actor | None]("actor")
# Per page request: the logged-in person's unread messages and notifications (the navigation), None
# when anonymous.
UNREAD_MESSAGES = web.RequestKey[int | None]("unread_messages")
UNREAD_NOTIFICATIONS = web.RequestKey[int | None]("unread_notifications")
CSRF_IDENTITY = web.RequestKey[str]("csrf_identity")
# The live rooms this process hosts, and every open WebSocket (closed with GOING_AWAY at shutdown).
LIVE_ROOMS = web.AppKey("live_rooms", LiveRooms)
SOCKETS = web.AppKey("sockets", OpenSockets)
# This process's place among Rounds' nodes: alone (the embedded default) or one of several (Redis).
NODE = web.AppKey[Node]("node")
# What the periodic heap trimming has handed back to the system (the health endpoint shows it).
HEAP_TRIMMING = web.AppKey("heap_trimming", HeapTrimming)
# Email: where links point and whether mail is sent or kept for the demo outbox; the background sender
# (absent when no SMTP server is set, or in tests that send by hand).
MAIL = web.AppKey("mail", MailSetup)
MAIL_SENDER = web.AppKey[Sender | None]("mail_sender")
# The PHI guard's start-up warm-up (reading the world gazetteer in a thread); its result is the seconds
# it took.
PHI_WARM_UP = web.AppKey[asyncio.Task[float]]("phi_warm_up")
