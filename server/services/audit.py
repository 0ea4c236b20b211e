"""The audit log of clinical records: who, other than its author, read or changed which record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.audit import AuditEvent


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
    CLOSE = "close"  # an account closed by its owner; a block closed by its coordinator
    ASSIGN = "assign"  # a coach assigned to an application by a coordinator (reassignment)
    PROPOSE = "propose"  # alternative placements proposed to a visitor
    ACCEPT = "accept"  # a proposed placement accepted by the visitor (the placement changed)
    DECLINE = "decline"  # a proposed placement declined by the visitor (nothing changed)
    RETRACT = "retract"  # a proposal retracted by the coordinator
    CHECK = "check"  # a before-day-one checklist item marked done or reopened


CASE_LOG = "case_log"
CERTIFICATE = "certificate"
LETTER = "letter"
ACCOUNT = "account"
BLOCK = "block"
PLACEMENT_PROPOSAL = "placement_proposal"
APPLICATION = "application"
MESSAGE_THREAD = "message_thread"


async def record(
    uow: UnitOfWork, actor: Actor, action: AuditAction, record_type: str, record_ids: Sequence[int]
) -> None:
    """Write one audit event per record inside the caller's open transaction, so that the read or
    change and its audit row are committed together or not at all."""
    if not record_ids:
        return
    now = uow.now()
    await uow.audit.add(
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


async def audit_reads(
    uow: UnitOfWork, actor: Actor, record_type: str, authored: Iterable[tuple[int, int]]
) -> None:
    """Audit a read of records by anyone but their author: ``authored`` gives each record's id with
    its author's user id, and one read event is written for every record the actor did not write (an
    author reading their own record is not audited). In the caller's open transaction, as
    :func:`record`."""
    await record(
        uow,
        actor,
        AuditAction.READ,
        record_type,
        [rid for rid, author_id in authored if author_id != actor.user_id],
    )


async def audit_read(uow: UnitOfWork, actor: Actor, record_type: str, record_id: int, author_id: int) -> None:
    """Audit the read of one record unless the actor is its author (see :func:`audit_reads`)."""
    await audit_reads(uow, actor, record_type, [(record_id, author_id)])
