"""Before day one: the checklist an enrollment's visitor and coach share (server/domain/checklists.py)."""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import Application, AppState
from server.domain.checklists import CHECKLIST_STATES, ITEMS, ChecklistItem, ItemStatus, due_on, item_status
from server.domain.errors import Conflict, Forbidden, NotFound
from server.domain.vocab import DOCUMENT_LABELS, DocumentKind, DocumentStatus, Role
from server.schemas.checklists import ChecklistItemOut, ChecklistMarkIn, ChecklistOut
from server.services import applications
from server.services.audit import APPLICATION, AuditAction, record
from server.services.documents import required_document_status


async def _load(uow: UnitOfWork, actor: Actor, application_id: int) -> Application:
    application = await applications.load_visible(uow, actor, application_id)
    if AppState(application.state) not in CHECKLIST_STATES:
        raise Conflict("The checklist begins once the offer is accepted.")
    return application


async def checklist_in(uow: UnitOfWork, actor: Actor, application_id: int) -> ChecklistOut:
    """The application's checklist inside the caller's unit of work."""
    application = await _load(uow, actor, application_id)
    program = await uow.programs.get(application.program_id)
    assert program is not None
    block_ids = (await uow.applications.block_ids([application.id]))[application.id]
    blocks = await uow.programs.blocks_by_ids(block_ids)
    starts_on = blocks[0].start_date if blocks else None
    items = [ChecklistItem(i) for i in program.before_day_one]
    kinds = [k for k in (ITEMS[i].document for i in items) if k is not None]
    documents = {d.kind: d for d in await required_document_status(uow, application.visitor_id, kinds)}
    marks = await uow.placements.marks(application.id)
    people = await uow.users.by_ids([m.done_by for m in marks.values() if m.done_by])
    today = uow.now().date()
    out = []
    for item in items:
        info = ITEMS[item]
        mark = marks.get(item.value)
        doc = documents.get(info.document) if info.document else None
        doc_status = doc.status if doc and doc.status is not DocumentStatus.MISSING else None
        status = item_status(item, bool(mark and mark.done_at), doc_status)
        due = due_on(item, starts_on) if starts_on else None
        out.append(
            ChecklistItemOut(
                item=item,
                label=info.label,
                what=info.what,
                due_on=due,
                overdue=due is not None and status is not ItemStatus.DONE and today > due,
                status=status,
                document_kind=info.document,
                document_label=DOCUMENT_LABELS[info.document] if info.document else None,
                document_status=doc_status,
                document_id=doc.document_id if doc else None,
                done_at=mark.done_at if mark else None,
                done_by=people[mark.done_by].full_name if mark and mark.done_by in people else None,
                note=mark.note if mark else None,
            )
        )
    return ChecklistOut(
        application_id=application.id,
        program_title=program.title,
        starts_on=starts_on,
        items=out,
        open_count=sum(1 for i in out if i.status is not ItemStatus.DONE),
    )


async def get_checklist(uow: UnitOfWork, actor: Actor, application_id: int) -> ChecklistOut:
    """What is still open before the start, for the visitor, their coach (the program's
    coordinators) and the program's preceptors (who read it only)."""
    async with uow:
        return await checklist_in(uow, actor, application_id)


async def mark_item(
    uow: UnitOfWork, actor: Actor, application_id: int, item: ChecklistItem, data: ChecklistMarkIn
) -> ChecklistOut:
    """Mark one item done or open again. The visitor and the program's coordinators may; an item that
    needs a document is the visitor's to upload (done once verified) and only a coordinator marks it
    done by hand (seen another way)."""
    if actor.role is Role.PRECEPTOR:
        raise Forbidden("Only the visitor and the program's coordinators keep the checklist.")
    async with uow:
        application = await _load(uow, actor, application_id)
        program = await uow.programs.get(application.program_id)
        assert program is not None
        if item.value not in program.before_day_one:
            raise NotFound(f"{program.title} does not ask for '{ITEMS[item].label}'.", field="item")
        document: DocumentKind | None = ITEMS[item].document
        if document is not None and actor.role is Role.VISITOR and data.done:
            raise Conflict(
                f"Upload your {DOCUMENT_LABELS[document].lower()} on your dashboard: this item is done once "
                "the program verifies it."
            )
        now = uow.now()
        await uow.placements.set_mark(
            application.id,
            item.value,
            done_at=now if data.done else None,
            done_by=actor.user_id if data.done else None,
            note=data.note,
            at=now,
        )
        await record(uow, actor, AuditAction.CHECK, APPLICATION, [application.id])
        out = await checklist_in(uow, actor, application.id)
        await uow.commit()
        return out
