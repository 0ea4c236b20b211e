"""The audit repository maps the domain's audit events to rows and back, on both databases: what is
added reads back equal, oldest first, in a fresh unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.audit import AuditEvent
from tests.support.world import World

EARLIER = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 5, 8, 15, tzinfo=UTC)


async def test_events_read_back_as_added_per_record_oldest_first(
    uows: UnitOfWorkFactory, world: World
) -> None:
    later = AuditEvent(world.preceptor.user_id, "confirm", "case_log", 7, LATER)
    earlier = AuditEvent(world.coordinator.user_id, "read", "case_log", 7, EARLIER)
    elsewhere = AuditEvent(world.preceptor.user_id, "read", "certificate", 7, EARLIER)
    async with uows() as uow:
        await uow.audit.add([later, earlier, elsewhere])
        await uow.commit()
    async with uows() as uow:
        case_log = await uow.audit.of_record("case_log", 7)
        certificate = await uow.audit.of_record("certificate", 7)
        assert await uow.audit.of_record("case_log", 8) == []
    assert [stored.event for stored in case_log] == [earlier, later]
    assert [stored.event for stored in certificate] == [elsewhere]
    assert len({stored.id for stored in case_log + certificate}) == 3


async def test_events_not_committed_are_not_kept(uows: UnitOfWorkFactory, world: World) -> None:
    async with uows() as uow:
        await uow.audit.add([AuditEvent(world.preceptor.user_id, "read", "letter", 3, EARLIER)])
    async with uows() as uow:
        assert await uow.audit.of_record("letter", 3) == []
