"""The printable letter: what the letter page shows and the ERAS PDF is rendered from (one template,
``webclient/templates/_letter_document.html``).

Who may have it is decided as for the letter's text (:mod:`server.services.letters`): its author always
(before signing as a preview, dated today); the visitor who asked only when they did not waive the right
to see it and it is signed; nobody else. A view by the visitor and every export are audited. An export
is only of a signed letter: ERAS takes signed letters only."""

from __future__ import annotations

from collections.abc import Sequence

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.errors import Conflict
from server.domain.letterhead import Letterhead, LetterheadIncomplete, letterhead_of_dict
from server.domain.letters import LetterState, StoredLetterRequest, StoredLetterVersion
from server.schemas.letters import LetterDocumentOut, LetterheadOut
from server.services.audit import LETTER, AuditAction, audit_read, record
from server.services.letters import (
    author_letterhead,
    is_author,
    load_request,
    refuse_unless_visitor_may_read,
)

NOT_SIGNED_EXPORT = (
    "Sign the letter first: ERAS accepts only signed letters, so Rounds exports the PDF once it is signed."
)


def _letterhead_out(head: Letterhead) -> LetterheadOut:
    return LetterheadOut.model_validate(head.as_dict())


async def _document(
    uow: UnitOfWork, row: StoredLetterRequest, versions: Sequence[StoredLetterVersion] | None = None
) -> LetterDocumentOut:
    if versions is None:
        versions = await uow.letters.versions(row.id)
    if not versions:
        raise Conflict("Nothing has been written yet: save a version of the letter first.")
    visitor = await uow.users.get(row.visitor_id)
    signed = row.state is LetterState.SIGNED
    head: LetterheadOut | None = None
    problem: str | None = None
    if signed and row.letterhead is not None:
        head = _letterhead_out(letterhead_of_dict(row.letterhead))
    else:
        try:
            head = _letterhead_out(await author_letterhead(uow, row))
        except LetterheadIncomplete as exc:
            problem = exc.message
    return LetterDocumentOut(
        request_id=row.id,
        visitor_name=visitor.full_name if visitor else "",
        specialty=row.specialty,
        eras_letter_id=row.eras_letter_id,
        letterhead=head,
        letterhead_problem=problem,
        dated=row.signed_at.date() if row.signed_at is not None else uow.now().date(),
        signed=signed,
        signed_at=row.signed_at,
        paragraphs=[p.text for p in versions[-1].paragraphs],
    )


async def letter_document(uow: UnitOfWork, actor: Actor, request_id: int) -> LetterDocumentOut:
    """The letter to show on its page: the author's preview or signed letter; the visitor's signed
    letter when they did not waive (audited as a view). Refusals as in :func:`letters.get_letter`."""
    async with uow:
        row = await load_request(uow, actor, request_id)
        out = await document_for(uow, actor, row)
        await uow.commit()
    return out


async def document_for(
    uow: UnitOfWork,
    actor: Actor,
    row: StoredLetterRequest,
    versions: Sequence[StoredLetterVersion] | None = None,
) -> LetterDocumentOut:
    """:func:`letter_document` inside the caller's transaction, for a request ``row`` the actor may
    see (from :func:`load_request`) and its ``versions`` if already loaded. The visitor's view is
    recorded in the audit log: the caller commits."""
    if is_author(row, actor):
        return await _document(uow, row, versions)
    refuse_unless_visitor_may_read(row)
    out = await _document(uow, row, versions)
    await audit_read(uow, actor, LETTER, row.id, row.preceptor_id)
    return out


async def document_for_export(uow: UnitOfWork, actor: Actor, request_id: int) -> LetterDocumentOut:
    """The signed letter to render as the ERAS PDF (409 before it is signed), for its author or, when
    they did not waive, the visitor. Nothing is recorded: call :func:`record_export` once the file is
    made."""
    async with uow:
        row = await load_request(uow, actor, request_id)
        if not is_author(row, actor):
            refuse_unless_visitor_may_read(row)
        if row.state is not LetterState.SIGNED:
            raise Conflict(NOT_SIGNED_EXPORT)
        return await _document(uow, row)


async def record_export(uow: UnitOfWork, actor: Actor, request_id: int) -> None:
    """Audit that the actor downloaded the letter's PDF."""
    async with uow:
        await record(uow, actor, AuditAction.EXPORT, LETTER, [request_id])
        await uow.commit()
