"""Words the pages show: labels for the vocabularies, buttons for actions, one-line notices."""

from __future__ import annotations

from typing import Any

from server.domain.applications import STATE_LABELS, Action
from server.domain.visits import KIND_LABELS as VISIT_KIND_LABELS
from server.domain.vocab import (
    DOCUMENT_LABELS,
    MODALITY_LABELS,
    PROFESSION_LABELS,
    ROTATION_LABELS,
    DocumentStatus,
    Step1Status,
    TrainingStatus,
)
from server.services.applications import NOTE_REQUIRED

ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: "Submit application",
    Action.START_REVIEW: "Start review",
    Action.REQUEST_RESUBMISSION: "Request changes",
    Action.RESUBMIT: "Resubmit",
    Action.MAKE_OFFER: "Make offer",
    Action.WAITLIST: "Waitlist",
    Action.DENY: "Deny",
    Action.MARK_INELIGIBLE: "Mark ineligible",
    Action.ACCEPT_OFFER: "Accept offer",
    Action.DECLINE_OFFER: "Decline offer",
    Action.EXPIRE_OFFER: "Expire offer",
    Action.ENROLL: "Enroll",
    Action.ACTIVATE: "Start rotation",
    Action.COMPLETE: "Mark completed",
    Action.WITHDRAW: "Withdraw",
    Action.DISMISS: "Dismiss",
}

# What the person just did, shown once after the redirect. Keys travel in the URL, the text never
# does, so nobody can make the site say something by sending a link.
_ACTION_DONE: dict[Action, str] = {
    Action.SUBMIT: "Application submitted.",
    Action.START_REVIEW: "Review started.",
    Action.REQUEST_RESUBMISSION: "Changes requested; the visitor has been told why.",
    Action.RESUBMIT: "Application resubmitted.",
    Action.MAKE_OFFER: "Offer made; the seat is held for the visitor.",
    Action.WAITLIST: "Visitor waitlisted.",
    Action.DENY: "Application denied.",
    Action.MARK_INELIGIBLE: "Application marked ineligible.",
    Action.ACCEPT_OFFER: "Offer accepted. Welcome!",
    Action.DECLINE_OFFER: "Offer declined.",
    Action.EXPIRE_OFFER: "Offer expired.",
    Action.ENROLL: "Visitor enrolled.",
    Action.ACTIVATE: "Rotation started.",
    Action.COMPLETE: "Rotation marked completed.",
    Action.WITHDRAW: "Application withdrawn.",
    Action.DISMISS: "Visitor dismissed.",
}
NOTICES: dict[str, str] = {
    "applied": "Application submitted.",
    "coach_changed": "Coach changed. The new coach now holds the conversation with the visitor.",
    "draft_saved": "Draft saved. Submit it from your dashboard when you are ready.",
    "profile_saved": "Profile saved.",
    "uploaded": "Document uploaded; a coordinator will review it.",
    "document_verified": "Document verified.",
    "document_rejected": "Document rejected; the visitor will see your reason.",
    "program_created": "Program created.",
    "block_added": "Block added.",
    "capacity_changed": "Capacity changed.",
    "block_closed": "The block is closed. Propose an alternative to each visitor holding it.",
    "placement_proposed": "Proposed. Nothing changes until the visitor accepts an alternative.",
    "placement_accepted": "Your placement has changed to the alternative you chose.",
    "placement_declined": "Declined: your placement stays as it was.",
    "placement_retracted": "The proposal is retracted.",
    "checklist_saved": "Checklist saved.",
    "logged_out": "You are logged out.",
    "password_reset": "Your new password is set, and every login of your account was ended. Log in with it.",
    "password_changed": "Password changed. Every other login of your account was ended.",
    "verify_sent": "A new link is on its way: open it to confirm your email address.",
    "verify_first": "Confirm your email address first: then you can apply to programs.",
    "account_closed": (
        "Your account is closed: you are logged out, and it cannot be used again. A last email confirms "
        "it. You can create a new account with the same address at any time."
    ),
    "invitation_joined": "Your account is ready: log in with the invited address and your new password.",
    "invitation_accepted": "Invitation accepted: you are now on the program's staff.",
    **{f"action_{action.value}": text for action, text in _ACTION_DONE.items()},
}

TRAINING_LABELS: dict[TrainingStatus, str] = {
    TrainingStatus.STUDENT: "Student",
    TrainingStatus.GRADUATE: "Graduate",
}
STEP1_LABELS: dict[Step1Status, str] = {
    Step1Status.NOT_TAKEN: "Not taken",
    Step1Status.PASSED: "Passed",
    Step1Status.FAILED: "Not passed",
}
DOCUMENT_STATUS_LABELS: dict[DocumentStatus, str] = {
    DocumentStatus.MISSING: "Missing",
    DocumentStatus.SUBMITTED: "Awaiting review",
    DocumentStatus.VERIFIED: "Verified",
    DocumentStatus.REJECTED: "Rejected",
    DocumentStatus.EXPIRED: "Expired",
}


def vocabulary() -> dict[str, Any]:
    """Every label table a template may need, under one name."""
    return {
        "actions": ACTION_LABELS,
        "note_required": NOTE_REQUIRED,
        "states": STATE_LABELS,
        "documents": DOCUMENT_LABELS,
        "document_statuses": DOCUMENT_STATUS_LABELS,
        "rotations": ROTATION_LABELS,
        "modalities": MODALITY_LABELS,
        "training": TRAINING_LABELS,
        "step1": STEP1_LABELS,
        "visit_kinds": {kind.value: label for kind, label in VISIT_KIND_LABELS.items()},
        "professions": {p.value: label for p, label in PROFESSION_LABELS.items()},
    }


VOCABULARY = vocabulary()
