"""The letter repository maps rows to the domain's stored requests and versions and back, on both
databases: what is added or updated reads back equal, in a fresh unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.evidence import EvidenceKind, EvidenceRef
from server.domain.letters import (
    LetterState,
    LetterVersion,
    Paragraph,
    ParagraphKind,
    StoredLetterRequest,
    StoredLetterVersion,
    make_letter_request,
)
from tests.integration.test_api_record import enroll
from tests.support.world import World

ASKED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
SAVED = datetime(2025, 3, 6, 9, 0, tzinfo=UTC)
SIGNED = datetime(2025, 3, 7, 16, 45, tzinfo=UTC)
LETTERHEAD = {
    "name": "Dr. Ana Horvat",
    "title": "Professor of Medicine",
    "institution": "Clinical Hospital Centre",
    "address": "Kišpatićeva 12, Zagreb",
    "phone": "+385 1 2388 888",
    "email": "ana.horvat@example.org",
}


async def test_a_request_reads_back_as_asked_and_as_updated(uows: UnitOfWorkFactory, world: World) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    asked = make_letter_request(
        author_name="Dr. Ana Horvat",
        author_title="Professor of Medicine",
        specialty="Internal Medicine",
        eras_letter_id=None,
        ferpa_waived=True,
    )
    async with uows() as uow:
        added = await uow.letters.add(
            enrollment_id=enrollment_id,
            visitor_id=world.student.user_id,
            preceptor_id=world.preceptor.user_id,
            request=asked,
            at=ASKED,
        )
        await uow.commit()
    assert added == StoredLetterRequest(
        id=added.id,
        enrollment_id=enrollment_id,
        visitor_id=world.student.user_id,
        preceptor_id=world.preceptor.user_id,
        author_name="Dr. Ana Horvat",
        author_title="Professor of Medicine",
        specialty="Internal Medicine",
        eras_letter_id=None,
        ferpa_waived=True,
        state=LetterState.REQUESTED,
        signed_at=None,
        letterhead=None,
        created_at=ASKED,
        updated_at=ASKED,
    )
    assert added.request() == asked
    async with uows() as uow:
        assert await uow.letters.get(added.id) == added
        assert await uow.letters.lock(added.id) == added
        assert await uow.letters.of_visitor(world.student.user_id) == [added]
        assert await uow.letters.of_preceptor(world.preceptor.user_id) == [added]
        assert await uow.letters.of_preceptor(world.other_preceptor.user_id) == []
        assert await uow.letters.of_enrollment(enrollment_id) == [added]
        assert await uow.letters.get(added.id + 1) is None

    signed = replace(
        added,
        eras_letter_id="A1B2-C3D4",
        state=LetterState.SIGNED,
        signed_at=SIGNED,
        letterhead=LETTERHEAD,
        updated_at=SIGNED,
    )
    async with uows() as uow:
        assert await uow.letters.update(signed) == signed
        await uow.commit()
    async with uows() as uow:
        assert await uow.letters.get(added.id) == signed


async def test_versions_read_back_in_order_with_their_paragraphs(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    first = LetterVersion(
        1,
        (
            Paragraph(
                "Seen on 12 patients.",
                (
                    EvidenceRef(EvidenceKind.ENROLLMENT, enrollment_id),
                    EvidenceRef(EvidenceKind.EVALUATION, 7),
                ),
                ParagraphKind.CONTEXT,
            ),
            Paragraph("My own words.", (), ParagraphKind.OWN),
        ),
        SAVED,
    )
    second = LetterVersion(2, (Paragraph("Shorter now."),), SIGNED)
    async with uows() as uow:
        request = await uow.letters.add(
            enrollment_id=enrollment_id,
            visitor_id=world.student.user_id,
            preceptor_id=world.preceptor.user_id,
            request=make_letter_request(
                author_name="Dr. Ana Horvat",
                author_title="Attending surgeon",
                specialty="Surgery",
                eras_letter_id=None,
                ferpa_waived=False,
            ),
            at=ASKED,
        )
        # Added out of order: the read orders by number.
        added_second = await uow.letters.add_version(request.id, second, saved_by=world.preceptor.user_id)
        added_first = await uow.letters.add_version(request.id, first, saved_by=world.preceptor.user_id)
        await uow.commit()
    assert added_first == StoredLetterVersion(1, first.paragraphs, world.preceptor.user_id, SAVED)
    assert added_first.version == first and added_second.version == second
    async with uows() as uow:
        versions = await uow.letters.versions(request.id)
        assert versions == [added_first, added_second]
        assert request.letter(versions).versions == (first, second)
