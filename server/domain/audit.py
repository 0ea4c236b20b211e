"""An audit event: who, other than its author, read or changed which clinical record, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One read or change of one record by ``actor_id``; ``action`` is an audit action's value."""

    actor_id: int
    action: str
    record_type: str
    record_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class StoredAuditEvent:
    """An audit event as kept, with its id."""

    id: int
    event: AuditEvent
