"""The visit repository maps rows to the domain's visits, invitations, patient links, consents and
attendance intervals and back, on both databases: what is added or changed reads back equal, in a
fresh unit of work, by every read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.db.uow import UnitOfWorkFactory
from server.domain.caselog import EncounterKind
from server.domain.visits import (
    AttendanceInterval,
    ConsentMethod,
    ConsentScope,
    EndReason,
    ParticipantRole,
    PatientLink,
    Visit,
    VisitConsent,
    VisitInvitation,
    VisitStatus,
)
from tests.integration.test_api_record import enroll
from tests.support.world import World

SCHEDULED = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
STARTS = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
JOINED = STARTS + timedelta(minutes=2)
LEFT = STARTS + timedelta(minutes=40)


async def test_a_visit_and_its_invitations_read_back_as_scheduled_and_as_changed(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        added = await uow.visits.add(
            program_id=world.program_id,
            block_id=world.block_ids[0],
            host_id=world.preceptor.user_id,
            kind=EncounterKind.PATIENT_VISIT,
            title="Heart failure clinic",
            starts_at=STARTS,
            duration_minutes=45,
            created_at=SCHEDULED,
            invitations=[(world.student.user_id, enrollment_id)],
        )
        await uow.commit()
    assert added == Visit(
        id=added.id,
        program_id=world.program_id,
        block_id=world.block_ids[0],
        host_id=world.preceptor.user_id,
        kind=EncounterKind.PATIENT_VISIT,
        title="Heart failure clinic",
        starts_at=STARTS,
        duration_minutes=45,
        status=VisitStatus.SCHEDULED,
        started_at=None,
        ended_at=None,
        cancel_note=None,
        created_at=SCHEDULED,
    )
    async with uows() as uow:
        assert await uow.visits.get(added.id) == added
        assert await uow.visits.lock(added.id) == added
        assert await uow.visits.reload(added.id) == added
        assert await uow.visits.get(added.id + 1) is None
        assert await uow.visits.of_host(world.preceptor.user_id) == [added]
        assert await uow.visits.of_host(world.preceptor.user_id, since=STARTS + timedelta(days=1)) == []
        assert await uow.visits.of_visitor(world.student.user_id) == [added]
        assert await uow.visits.of_programs([world.program_id]) == [added]
        [invitation] = (await uow.visits.invitations([added.id]))[added.id]
        assert invitation == VisitInvitation(invitation.id, added.id, world.student.user_id, enrollment_id)
        assert await uow.visits.invitation(added.id, world.student.user_id) == invitation
        assert await uow.visits.invitation(added.id, world.graduate.user_id) is None

    async with uows() as uow:
        assert await uow.visits.compare_and_set_status(
            added.id, [VisitStatus.SCHEDULED.value], {"status": VisitStatus.LIVE.value, "started_at": JOINED}
        )
        # Read in the same transaction as the UPDATE: the change shows.
        live = await uow.visits.reload(added.id)
        await uow.commit()
    assert live is not None
    assert (live.status, live.started_at) == (VisitStatus.LIVE, JOINED)
    async with uows() as uow:
        assert await uow.visits.get(added.id) == live
        assert await uow.visits.live_ids() == [added.id]


async def test_links_consents_and_intervals_read_back_as_written(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        visit = await uow.visits.add(
            program_id=world.program_id,
            block_id=world.block_ids[0],
            host_id=world.preceptor.user_id,
            kind=EncounterKind.PATIENT_VISIT,
            title="Follow-up",
            starts_at=STARTS,
            duration_minutes=30,
            created_at=SCHEDULED,
            invitations=[(world.student.user_id, enrollment_id)],
        )
        link = await uow.visits.add_link(
            visit_id=visit.id,
            token_hash="ab" * 32,
            created_by=world.preceptor.user_id,
            created_at=SCHEDULED,
            expires_at=STARTS,
        )
        consent = await uow.visits.add_consent(
            visit_id=visit.id,
            scope=ConsentScope.INTERACT,
            method=ConsentMethod.VERBAL,
            obtained_by=world.preceptor.user_id,
            recorded_at=JOINED,
        )
        student = await uow.visits.add_interval(
            visit_id=visit.id,
            user_id=world.student.user_id,
            participant_key=f"user-{world.student.user_id}",
            role=ParticipantRole.VISITOR,
            connected_at=JOINED,
        )
        patient = await uow.visits.add_interval(
            visit_id=visit.id,
            user_id=None,
            participant_key=f"patient-{link.id}",
            role=ParticipantRole.PATIENT,
            connected_at=STARTS,
        )
        await uow.commit()
    assert link == PatientLink(
        id=link.id,
        visit_id=visit.id,
        token_hash="ab" * 32,
        created_by=world.preceptor.user_id,
        created_at=SCHEDULED,
        expires_at=STARTS,
        redeemed_at=None,
        revoked_at=None,
    )
    assert consent == VisitConsent(
        id=consent.id,
        visit_id=visit.id,
        scope=ConsentScope.INTERACT,
        method=ConsentMethod.VERBAL,
        obtained_by=world.preceptor.user_id,
        recorded_at=JOINED,
        withdrawn_at=None,
    )
    assert student == AttendanceInterval(
        id=student.id,
        visit_id=visit.id,
        user_id=world.student.user_id,
        participant_key=f"user-{world.student.user_id}",
        role=ParticipantRole.VISITOR,
        connected_at=JOINED,
        disconnected_at=None,
        end_reason=None,
    )
    async with uows() as uow:
        assert await uow.visits.get_link(link.id) == link
        assert await uow.visits.link_by_hash("ab" * 32) == link
        assert await uow.visits.link_by_hash("cd" * 32) is None
        assert await uow.visits.consents(visit.id) == [consent]
        assert await uow.visits.get_interval(student.id) == student
        # Ordered by the time they opened: the patient came first.
        assert await uow.visits.intervals(visit.id) == [patient, student]
        assert await uow.visits.intervals(visit.id, world.student.user_id) == [student]

    async with uows() as uow:
        assert await uow.visits.close_interval(student.id, LEFT, EndReason.LEFT.value)
        assert await uow.visits.withdraw_consents(visit.id, LEFT) == 1
        await uow.commit()
    async with uows() as uow:
        closed = await uow.visits.get_interval(student.id)
        assert closed == AttendanceInterval(
            id=student.id,
            visit_id=visit.id,
            user_id=world.student.user_id,
            participant_key=f"user-{world.student.user_id}",
            role=ParticipantRole.VISITOR,
            connected_at=JOINED,
            disconnected_at=LEFT,
            end_reason=EndReason.LEFT,
        )
        [withdrawn] = await uow.visits.consents(visit.id)
        assert withdrawn.withdrawn_at == LEFT
