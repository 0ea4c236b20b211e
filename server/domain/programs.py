"""Programs as the catalog keeps them: what a coordinator publishes, and who may apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NewProgram:
    """A program as a coordinator publishes it, before it has an id. The lists are tuples (of the
    vocabularies' values, in the order given) so that a program cannot change behind its reader."""

    title: str
    specialty: str
    rotation_type: str
    modality: str
    description: str
    allowed_training_statuses: tuple[str, ...]
    step1_pass_required: bool
    allowed_professions: tuple[str, ...]
    required_documents: tuple[str, ...]
    coordinator_id: int
    published: bool
    created_at: datetime


@dataclass(frozen=True)
class Program(NewProgram):
    """A program as kept: what was published, its id, and the coordinators who joined the one who
    published it (by invitation)."""

    id: int
    co_coordinator_ids: tuple[int, ...] = ()

    def is_run_by(self, user_id: int) -> bool:
        """Whether ``user_id`` is one of the program's coordinators: the one who published it or one
        who joined by invitation. The one answer to "is this their program?" for a coordinator."""
        return user_id == self.coordinator_id or user_id in self.co_coordinator_ids
