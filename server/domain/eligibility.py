"""Eligibility rules of a program, checked against a visitor's profile with reasons."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.vocab import Step1Status, TrainingStatus


@dataclass(frozen=True)
class EligibilityRule:
    """What a program asks of its visitors."""

    allowed_training_statuses: frozenset[TrainingStatus]
    step1_pass_required: bool
    allowed_professions: frozenset[str] = frozenset()  # empty: any profession


@dataclass(frozen=True)
class ApplicantFacts:
    """The parts of a visitor's profile eligibility depends on."""

    training_status: TrainingStatus | None
    profession: str | None
    step1_status: Step1Status | None


def eligibility_reasons(rule: EligibilityRule, facts: ApplicantFacts) -> list[str]:
    """Why ``facts`` do not meet ``rule``: an empty list means eligible.

    Each reason is a sentence a visitor can act on (complete the profile, or see why not).
    """
    reasons: list[str] = []
    if facts.training_status is None:
        reasons.append("Add your training status (student or graduate) to your profile.")
    elif facts.training_status not in rule.allowed_training_statuses:
        allowed = " or ".join(sorted(s.value for s in rule.allowed_training_statuses))
        reasons.append(
            f"This program accepts {allowed}s only; your profile says {facts.training_status.value}."
        )
    if rule.allowed_professions:
        profession = (facts.profession or "").strip().lower()
        if not profession:
            reasons.append("Add your profession to your profile.")
        elif profession not in {p.lower() for p in rule.allowed_professions}:
            allowed = ", ".join(sorted(rule.allowed_professions))
            reasons.append(f"This program is open to: {allowed}; your profession is {profession}.")
    if rule.step1_pass_required and facts.step1_status != Step1Status.PASSED:
        status = facts.step1_status.value.replace("_", " ") if facts.step1_status else "not given"
        reasons.append(f"This program requires a passed USMLE Step 1; your profile says {status}.")
    return reasons
