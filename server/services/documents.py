"""Documents: visitors upload them; coordinators of programs they applied to verify them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from server.db.filestore import FileStore
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.documents import StoredDocument, check_upload
from server.domain.errors import Invalid, NotFound
from server.domain.vocab import DOCUMENT_LABELS, DocumentKind, DocumentStatus, Role
from server.schemas.documents import DocumentOut, DocumentReviewIn, RequiredDocumentOut
from server.services import notifications

log = logging.getLogger("rounds.documents")
MAX_NAME = 255


def document_out(doc: StoredDocument, today_iso: str | None = None) -> DocumentOut:
    status = doc.status
    if (
        status is DocumentStatus.VERIFIED
        and doc.expires_on is not None
        and today_iso is not None
        and doc.expires_on.isoformat() < today_iso
    ):
        status = DocumentStatus.EXPIRED
    return DocumentOut(
        id=doc.id,
        owner_id=doc.owner_id,
        kind=doc.kind,
        kind_label=DOCUMENT_LABELS[doc.kind],
        original_name=doc.original_name,
        content_type=doc.content_type,
        size=doc.size,
        status=status,
        review_note=doc.review_note,
        expires_on=doc.expires_on,
        uploaded_at=doc.uploaded_at,
    )


async def _visible(uow: UnitOfWork, actor: Actor, doc: StoredDocument) -> bool:
    if doc.owner_id == actor.user_id:
        return True
    if actor.role is not Role.COORDINATOR:
        return False
    coordinators = await uow.applications.applicant_program_coordinators(doc.owner_id, "draft")
    return actor.user_id in coordinators


async def _load(uow: UnitOfWork, actor: Actor, document_id: int) -> StoredDocument:
    doc = await uow.documents.get(document_id)
    if doc is None or not await _visible(uow, actor, doc):
        raise NotFound(f"There is no document {document_id}.")
    return doc


def clean_name(name: str | None, extension: str) -> str:
    """An uploaded file's name as kept: its last path part, printable characters only, at most 255
    characters; ``document.<extension>`` when nothing is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:MAX_NAME]
    return base or f"document.{extension}"


async def upload(
    uow: UnitOfWork,
    store: FileStore,
    actor: Actor,
    *,
    kind: str,
    filename: str | None,
    data: bytes,
    max_bytes: int,
) -> DocumentOut:
    """Store a visitor's document (PDF, JPEG or PNG by content) for coordinators to verify."""
    actor.require(Role.VISITOR)
    try:
        doc_kind = DocumentKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in DocumentKind)
        raise Invalid(f"Unknown document kind {kind!r}; use one of: {kinds}.", field="kind") from None
    checked = check_upload(data, max_bytes)
    await store.put(checked.sha256, data)
    async with uow:
        doc = await uow.documents.add(
            owner_id=actor.user_id,
            kind=doc_kind,
            original_name=clean_name(filename, checked.extension),
            file=checked,
            at=uow.now(),
        )
        await notifications.document_uploaded(uow, doc)
        out = document_out(doc)
        await uow.commit()
        return out


async def list_documents(uow: UnitOfWork, actor: Actor, owner_id: int | None = None) -> list[DocumentOut]:
    """A visitor's own documents, or (for a coordinator) those of one applicant."""
    async with uow:
        return await documents_of(uow, actor, owner_id)


async def documents_of(uow: UnitOfWork, actor: Actor, owner_id: int | None = None) -> list[DocumentOut]:
    """:func:`list_documents` inside the caller's open unit of work."""
    target = actor.user_id if owner_id is None else owner_id
    docs = await uow.documents.of_owner(target)
    if target != actor.user_id:
        if actor.role is not Role.COORDINATOR:
            raise NotFound(f"There is no user {target} whose documents you can see.")
        coordinators = await uow.applications.applicant_program_coordinators(target, "draft")
        if actor.user_id not in coordinators:
            raise NotFound(f"There is no user {target} whose documents you can see.")
    today = uow.now().date().isoformat()
    return [document_out(d, today) for d in docs]


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    content_type: str
    data: bytes


async def read_document(uow: UnitOfWork, store: FileStore, actor: Actor, document_id: int) -> DocumentFile:
    async with uow:
        doc = await _load(uow, actor, document_id)
        name, content_type, sha256 = doc.original_name, doc.content_type, doc.sha256
    try:
        data = await store.get(sha256)
    except FileNotFoundError:
        log.error("document file missing from storage", extra={"document_id": document_id})
        raise NotFound(
            f"The file of document {document_id} is missing from storage; "
            "the visitor needs to upload it again."
        ) from None
    return DocumentFile(name, content_type, data)


async def get_document(uow: UnitOfWork, actor: Actor, document_id: int) -> DocumentOut:
    async with uow:
        doc = await _load(uow, actor, document_id)
        return document_out(doc, uow.now().date().isoformat())


async def review(uow: UnitOfWork, actor: Actor, document_id: int, data: DocumentReviewIn) -> DocumentOut:
    """Verify or reject a document; a rejection must say what to fix."""
    actor.require(Role.COORDINATOR)
    async with uow:
        doc = await _load(uow, actor, document_id)
        if data.status == "rejected" and not data.note:
            raise Invalid("Say why the document is rejected, so the visitor can fix it.", field="note")
        if data.expires_on is not None and data.expires_on < uow.now().date():
            raise Invalid("The expiry date is already past.", field="expires_on")
        doc = await uow.documents.update(
            replace(
                doc,
                status=DocumentStatus(data.status),
                review_note=data.note,
                expires_on=data.expires_on if data.status == "verified" else None,
                reviewed_by=actor.user_id,
                reviewed_at=uow.now(),
            )
        )
        await notifications.document_reviewed(uow, doc)
        out = document_out(doc)
        await uow.commit()
        return out


async def required_document_status(
    uow: UnitOfWork, visitor_id: int, kinds: Sequence[DocumentKind]
) -> list[RequiredDocumentOut]:
    """For each required kind, the status of the visitor's latest upload of it (or missing)."""
    docs = await uow.documents.of_owner(visitor_id)  # newest first
    today = uow.now().date().isoformat()
    out = []
    for kind in kinds:
        latest = next((d for d in docs if d.kind is kind), None)
        out.append(
            RequiredDocumentOut(
                kind=kind,
                kind_label=DOCUMENT_LABELS[kind],
                status=document_out(latest, today).status if latest else DocumentStatus.MISSING,
                document_id=latest.id if latest else None,
            )
        )
    return out


async def review_queue_documents(uow: UnitOfWork, actor: Actor) -> list[DocumentOut]:
    """Documents awaiting review from visitors who applied to this coordinator's programs."""
    async with uow:
        return await documents_to_review(uow, actor)


async def documents_to_review(uow: UnitOfWork, actor: Actor) -> list[DocumentOut]:
    """:func:`review_queue_documents` inside the caller's open unit of work."""
    actor.require(Role.COORDINATOR)
    programs = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
    apps = await uow.applications.of_programs([p.id for p in programs])
    owners = sorted({a.visitor_id for a in apps if a.state != "draft"})
    docs = await uow.documents.of_owners(owners)
    return [document_out(d) for d in docs if d.status is DocumentStatus.SUBMITTED]
