"""What a live room reports, written to the database through the visits' room service
(:mod:`server.services.live`).

One :class:`VisitRecorder` per live room. The room calls it in order, one call at a time, off the
signaling path (see :class:`sessions.live.RoomObserver`); a failure is logged by the room and the
session goes on — except for consent, where a failure keeps the consent gate closed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.visits import EndReason, JoinGrant
from server.services import live
from sessions.live import VISIT_OVER, Identity

log = logging.getLogger("rounds.live")

# The room's reasons for an attendance interval ending, in the record's words.
_END_REASONS = {
    "left": EndReason.LEFT,
    "dropped": EndReason.DROPPED,
    "replaced": EndReason.DROPPED,  # the same participant came back on a new socket
    "removed": EndReason.REMOVED,
    "denied": EndReason.DENIED,
    "ended": EndReason.ENDED,
}


class VisitRecorder:
    """Implements :class:`sessions.live.RoomObserver` for one visit."""

    def __init__(self, uow_factory: UnitOfWorkFactory, visit_id: int) -> None:
        self._uow = uow_factory
        self.visit_id = visit_id
        self._grants: dict[str, JoinGrant] = {}
        self._open_intervals: dict[str, int] = {}

    async def taken_over(self, last_seen: datetime, at: datetime) -> None:
        """This room was hosted by a server that went away (last seen hosting it at ``last_seen``):
        end the attendance it left open there, before anyone joins here (``at``)."""
        closed = await live.end_stale_attendance(self._uow(), self.visit_id, min(last_seen, at), at)
        log.info("room taken over", extra={"room": str(self.visit_id), "closed_intervals": closed})

    def remember(self, grant: JoinGrant) -> None:
        """The server admitted this participant to the socket; their grant says who they are."""
        self._grants[grant.participant_id] = grant

    async def attendance_started(self, identity: Identity, at: datetime) -> None:
        grant = self._grants.get(identity.participant_id)
        if grant is None:
            log.warning("attendance without a grant", extra={"room": str(self.visit_id)})
            return
        interval_id = await live.record_attendance_start(self._uow(), self.visit_id, grant, at)
        self._open_intervals[identity.participant_id] = interval_id

    async def attendance_ended(self, identity: Identity, at: datetime, reason: str) -> None:
        interval_id = self._open_intervals.pop(identity.participant_id, None)
        if interval_id is not None:
            why = _END_REASONS.get(reason, EndReason.DROPPED)
            await live.record_attendance_end(self._uow(), interval_id, at, why)

    async def consent_recorded(self, host: Identity, scope: str, method: str, at: datetime) -> None:
        if host.user_id is None:
            raise PermissionError("consent is recorded by the host's account")
        await live.record_consent(self._uow(), self.visit_id, host.user_id, scope, method, at)

    async def consent_withdrawn(self, at: datetime) -> None:
        await live.withdraw_consent(self._uow(), self.visit_id, at)

    async def room_ended(self, at: datetime, reason: str) -> None:
        if reason in VISIT_OVER:  # a shutdown is not: people may come back
            encounters = await live.end_visit(self._uow(), self.visit_id, at)
            log.info(
                "visit ended",
                extra={"room": str(self.visit_id), "reason": reason, "encounters": len(encounters)},
            )
