"""The audit log of clinical records: who, other than its author, read or changed which record."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from server.db.models import AuditEvent
from server.db.uow import UnitOfWork
from server.domain.actors import Actor


class AuditAction(StrEnum):
    READ = "read"
    CONFIRM = "confirm"
    CORRECT = "correct"
    REVIEW = "review"  # a preceptor's One-Minute-Preceptor feedback on a presentation
    REFERENCE = "reference"  # a preceptor's reference differential (and overrides) for a presentation
    EDIT = "edit"  # an evaluation written or changed (while a draft)
    RELEASE = "release"  # an evaluation released to the visitor
    ISSUE = "issue"  # a certificate of completion issued (or reissued)
    EXPORT = "export"  # a record downloaded as a file (a certificate's standalone page)
    SIGN = "sign"  # a letter of recommendation signed (final)


CASE_LOG = "case_log"
CERTIFICATE = "certificate"
LETTER = "letter"


async def record(
    uow: UnitOfWork, actor: Actor, action: AuditAction, record_type: str, record_ids: Sequence[int]
) -> None:
    """Write one audit event per record inside the caller's open transaction, so that the read or
    change and its audit row are committed together or not at all."""
    if not record_ids:
        return
    now = uow.now()
    await uow.audit.record(
        [
            AuditEvent(
                actor_id=actor.user_id,
                action=action.value,
                record_type=record_type,
                record_id=record_id,
                at=now,
            )
            for record_id in record_ids
        ]
    )
