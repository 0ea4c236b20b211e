"""Messages between a visitor and the people around their rotation: who is in a thread, who else may
read it, and how a message the PHI guard refused is explained.

A thread belongs to one application. Its kind says with whom:

- ``coach``: the visitor and the application's coach (whoever is coach now: a new coach reads the
  history, the former one no longer writes). The program's other coordinators may read it (they share
  the caseload), never write in it.
- ``preceptor``: the visitor and one preceptor of the program, once the application is an enrollment.
  Nobody else reads it, coordinators included: it is the learner's conversation with a teacher, and the
  coordinator's view of the rotation is the record (case logs, evaluations), not the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from server.domain.phi.hits import PhiCategory, PhiHit

#: The longest message, in characters: a long email's worth.
MAX_BODY = 5000


class ThreadKind(StrEnum):
    COACH = "coach"
    PRECEPTOR = "preceptor"


class Access(StrEnum):
    """How a person stands to a thread."""

    PARTICIPANT = "participant"  # reads and writes; has read state and unread counts
    OVERSEER = "overseer"  # reads only (a coordinator of the program, of a coach thread)
    NONE = "none"  # the thread does not exist for them (404)


@dataclass(frozen=True, slots=True)
class Thread:
    id: int
    application_id: int
    kind: ThreadKind
    preceptor_id: int | None
    created_at: datetime
    last_message_at: datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    """A message's file: its name as uploaded (cleaned), its type as sniffed, size and digest."""

    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    thread_id: int
    author_id: int
    body: str
    created_at: datetime
    attachment: Attachment | None


@dataclass(frozen=True, slots=True)
class ThreadPeople:
    """Who a thread's application is about and who runs it, as the access rule needs them."""

    visitor_id: int
    coach_id: int | None
    program_coordinator_ids: frozenset[int]
    program_preceptor_ids: frozenset[int]
    enrolled: bool


def participants(thread: Thread, people: ThreadPeople) -> frozenset[int]:
    """The user ids who read and write ``thread``: the visitor and the coach (a coach thread), or the
    visitor and the thread's preceptor while they still teach in the program and the application is an
    enrollment (a preceptor thread)."""
    if thread.kind is ThreadKind.COACH:
        return frozenset({people.visitor_id} | ({people.coach_id} if people.coach_id is not None else set()))
    if (
        thread.preceptor_id is not None
        and thread.preceptor_id in people.program_preceptor_ids
        and people.enrolled
    ):
        return frozenset({people.visitor_id, thread.preceptor_id})
    return frozenset({people.visitor_id})


def access_of(thread: Thread, people: ThreadPeople, user_id: int) -> Access:
    """The one answer to "may this person read or write this thread?" (see the module's docstring)."""
    if user_id in participants(thread, people):
        return Access.PARTICIPANT
    if thread.kind is ThreadKind.COACH and user_id in people.program_coordinator_ids:
        return Access.OVERSEER
    return Access.NONE


# What a refused message is told, per kind of identifier: the kind, never the text.
KIND_WORDS: dict[PhiCategory, str] = {
    PhiCategory.PERSON_NAME: "a person's name",
    PhiCategory.DATE: "a date more specific than a year",
    PhiCategory.AGE_OVER_89: "an age over 89",
    PhiCategory.PHONE: "a phone number",
    PhiCategory.FAX: "a fax number",
    PhiCategory.EMAIL: "an email address",
    PhiCategory.SSN: "a Social Security number",
    PhiCategory.MEDICAL_RECORD_NUMBER: "a medical record number",
    PhiCategory.HEALTH_PLAN_NUMBER: "a health plan number",
    PhiCategory.ACCOUNT_NUMBER: "an account number",
    PhiCategory.LICENSE_NUMBER: "a certificate or license number",
    PhiCategory.STREET_ADDRESS: "a street address",
    PhiCategory.ZIP_CODE: "a ZIP code",
    PhiCategory.GEOGRAPHY: "a place smaller than a state",
    PhiCategory.URL: "a web address",
    PhiCategory.IP_ADDRESS: "an IP address",
    PhiCategory.DEVICE_IDENTIFIER: "a device identifier",
    PhiCategory.VEHICLE_IDENTIFIER: "a vehicle identifier",
    PhiCategory.OTHER_IDENTIFIER: "an identifying number or code",
}


def refusal_message(hits: list[PhiHit]) -> str:
    """Why a message was not sent: the kinds of identifier found and where (character positions), never
    the text itself (it would then sit in a log or an error report)."""
    kinds = list(dict.fromkeys(KIND_WORDS[h.category] for h in hits))
    where = ", ".join(f"{h.start + 1}-{h.end}" for h in hits)
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return (
        f"Your message was not sent: it seems to contain {listed} of a patient (characters {where}). "
        "Messages must not carry a patient's identifiers (HIPAA Safe Harbor); remove them and send it again."
    )
