"""The certificate repository maps rows to the domain's issued certificates, on both databases: what
is added reads back equal by id, by code and as the enrollment's current one, with the code computed
over the id it was given."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.certificates import IssuedCertificate, make_certificate
from tests.integration.test_api_record import enroll
from tests.support.world import World

ISSUED = datetime(2025, 5, 2, 9, 15, tzinfo=UTC)
SUPERSEDED = datetime(2025, 5, 3, 9, 15, tzinfo=UTC)

FACTS = make_certificate(
    certificate_id=1,
    visitor_name="Student",
    program="Telehealth cardiology",
    rotation_type="observership",
    modality="virtual",
    preceptor_name="Preceptor",
    preceptor_title="Attending cardiologist",
    start=date(2025, 4, 7),
    end=date(2025, 4, 25),
    sessions_attended=3,
    verified_seconds=4410,
    issued_on=date(2025, 5, 2),
)


async def test_an_issued_certificate_reads_back_as_written(uows: UnitOfWorkFactory, world: World) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    async with uows() as uow:
        added = await uow.certificates.add(
            enrollment_id=enrollment_id,
            visitor_id=world.student.user_id,
            program_id=world.program_id,
            preceptor_id=world.preceptor.user_id,
            certificate=FACTS,
            code_for=lambda certificate_id: f"CODE-{certificate_id}",
            issued_by=world.coordinator.user_id,
            at=ISSUED,
        )
        await uow.commit()
    assert added == IssuedCertificate(
        id=added.id,
        enrollment_id=enrollment_id,
        visitor_id=world.student.user_id,
        program_id=world.program_id,
        preceptor_id=world.preceptor.user_id,
        visitor_name="Student",
        program_title="Telehealth cardiology",
        rotation_type="observership",
        modality="virtual",
        preceptor_name="Preceptor",
        preceptor_title="Attending cardiologist",
        start=date(2025, 4, 7),
        end=date(2025, 4, 25),
        sessions_attended=3,
        verified_seconds=4410,
        issued_on=date(2025, 5, 2),
        code=f"CODE-{added.id}",
        issued_by=world.coordinator.user_id,
        created_at=ISSUED,
        superseded_at=None,
    )
    assert added.certificate() == replace(FACTS, certificate_id=added.id)
    async with uows() as uow:
        assert await uow.certificates.get(added.id) == added
        assert await uow.certificates.current(enrollment_id) == added
        assert await uow.certificates.by_code(added.code) == added
        assert await uow.certificates.of_enrollment(enrollment_id) == [added]
        assert await uow.certificates.supersede(added.id, SUPERSEDED)
        await uow.commit()
    async with uows() as uow:
        assert await uow.certificates.current(enrollment_id) is None
        assert await uow.certificates.get(added.id) == replace(added, superseded_at=SUPERSEDED)
