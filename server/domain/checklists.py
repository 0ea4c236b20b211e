"""Before day one: what a visitor of an in-person or hybrid program sees to before the rotation starts.

A program names the items it requires (:class:`ChecklistItem`); each enrollment then has one checklist,
shared by the visitor and the program's coordinators (their coach). An item's due date follows from the
first block's start, so it moves with the placement; an item that needs a document is done when the
visitor's document of that kind is verified, the others when either side marks them done.

Plain Python: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server.domain.applications import AppState
from server.domain.errors import Invalid
from server.domain.vocab import DocumentKind, DocumentStatus, Modality


class ChecklistItem(StrEnum):
    TRAVEL = "travel"
    HOUSING = "housing"
    MALPRACTICE = "malpractice_insurance"
    IMMUNIZATIONS = "immunizations"
    BACKGROUND_CHECK = "background_check"
    ORIENTATION = "orientation"


@dataclass(frozen=True)
class ItemInfo:
    """How an item reads, how many days before the start it is due, and the document it needs."""

    label: str
    what: str
    days_before: int
    document: DocumentKind | None = None


ITEMS: dict[ChecklistItem, ItemInfo] = {
    ChecklistItem.TRAVEL: ItemInfo("Travel", "Book your travel to arrive the day before the first day.", 14),
    ChecklistItem.HOUSING: ItemInfo("Housing", "Arrange where you will stay for the whole rotation.", 14),
    ChecklistItem.MALPRACTICE: ItemInfo(
        "Malpractice insurance",
        "Upload proof of malpractice insurance covering the rotation's dates.",
        21,
        DocumentKind.MALPRACTICE_INSURANCE,
    ),
    ChecklistItem.IMMUNIZATIONS: ItemInfo(
        "Immunizations",
        "Upload your immunization record (including hepatitis B, MMR, varicella, TB screening).",
        21,
        DocumentKind.IMMUNIZATION_RECORD,
    ),
    ChecklistItem.BACKGROUND_CHECK: ItemInfo(
        "Background check",
        "Upload the clearance of a background check.",
        28,
        DocumentKind.BACKGROUND_CHECK,
    ),
    ChecklistItem.ORIENTATION: ItemInfo(
        "Orientation", "Complete the program's orientation (site rules, badge, first-day meeting point).", 3
    ),
}

# The applications that have a checklist: from the accepted offer to the rotation's start (and while
# it runs, to see what was done).
CHECKLIST_STATES = frozenset({AppState.OFFER_ACCEPTED, AppState.ENROLLED, AppState.ACTIVE})
# The modalities that need one: a virtual rotation needs no travel, housing or badge.
ON_SITE = frozenset({Modality.IN_PERSON, Modality.HYBRID})


def default_items(modality: Modality) -> tuple[str, ...]:
    """What a program of ``modality`` requires unless its coordinator says otherwise: every item on
    site, none virtually."""
    return tuple(i.value for i in ChecklistItem) if modality in ON_SITE else ()


def check_items(modality: Modality, items: list[ChecklistItem]) -> tuple[str, ...]:
    """The items a program requires, in the checklist's order; a virtual program requires none."""
    if items and modality not in ON_SITE:
        raise Invalid(
            "A virtual program has no before-day-one checklist: leave it empty, or make the program "
            "in person or hybrid.",
            field="before_day_one",
        )
    chosen = set(items)
    return tuple(i.value for i in ChecklistItem if i in chosen)


def due_on(item: ChecklistItem, starts_on: date) -> date:
    """When ``item`` is due for a rotation starting on ``starts_on``."""
    return starts_on - timedelta(days=ITEMS[item].days_before)


class ItemStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"  # a document uploaded, not yet verified
    DONE = "done"


def item_status(item: ChecklistItem, marked_done: bool, document_status: DocumentStatus | None) -> ItemStatus:
    """Where an item stands: a document item by its attached document (verified: done; uploaded:
    waiting), unless a coordinator marked it done; the others by their mark."""
    if marked_done:
        return ItemStatus.DONE
    if ITEMS[item].document is None or document_status is None:
        return ItemStatus.OPEN
    if document_status is DocumentStatus.VERIFIED:
        return ItemStatus.DONE
    if document_status is DocumentStatus.SUBMITTED:
        return ItemStatus.WAITING
    return ItemStatus.OPEN
