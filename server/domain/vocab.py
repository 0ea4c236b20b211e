"""The controlled vocabularies of admissions: roles, profiles, programs, documents."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VISITOR = "visitor"
    PRECEPTOR = "preceptor"
    COORDINATOR = "coordinator"


class TrainingStatus(StrEnum):
    STUDENT = "student"
    GRADUATE = "graduate"


class Profession(StrEnum):
    """The professions a visitor can sign up with; stored as these values, which the programs'
    eligibility rules (``allowed_professions``) compare in lower case."""

    MEDICINE = "medicine"
    NURSING = "nursing"
    DENTISTRY = "dentistry"
    PHYSICAL_THERAPY = "physical therapy"
    PRE_MED = "pre-med"


PROFESSION_LABELS: dict[Profession, str] = {
    Profession.MEDICINE: "Medicine",
    Profession.NURSING: "Nursing",
    Profession.DENTISTRY: "Dentistry",
    Profession.PHYSICAL_THERAPY: "Physical therapy",
    Profession.PRE_MED: "Pre-med",
}


class Step1Status(StrEnum):
    NOT_TAKEN = "not_taken"
    PASSED = "passed"
    FAILED = "failed"


class RotationType(StrEnum):
    OBSERVERSHIP = "observership"
    HANDS_ON = "hands_on"
    RESEARCH = "research"
    ADVANCED_STUDY = "advanced_study"


class Modality(StrEnum):
    VIRTUAL = "virtual"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class DocumentKind(StrEnum):
    CV = "cv"
    PHOTO_ID = "photo_id"
    GOOD_STANDING = "good_standing"
    DIPLOMA_OR_ENROLLMENT = "diploma_or_enrollment"
    USMLE_TRANSCRIPT = "usmle_transcript"
    HIPAA_TRAINING = "hipaa_training"
    CONFIDENTIALITY_AGREEMENT = "confidentiality_agreement"
    # Asked for by the before-day-one checklist of in-person and hybrid programs.
    MALPRACTICE_INSURANCE = "malpractice_insurance"
    IMMUNIZATION_RECORD = "immunization_record"
    BACKGROUND_CHECK = "background_check"


DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.CV: "CV",
    DocumentKind.PHOTO_ID: "Photo ID",
    DocumentKind.GOOD_STANDING: "Proof of good standing",
    DocumentKind.DIPLOMA_OR_ENROLLMENT: "Diploma or enrollment letter",
    DocumentKind.USMLE_TRANSCRIPT: "USMLE transcript",
    DocumentKind.HIPAA_TRAINING: "HIPAA training attestation",
    DocumentKind.CONFIDENTIALITY_AGREEMENT: "Confidentiality agreement",
    DocumentKind.MALPRACTICE_INSURANCE: "Proof of malpractice insurance",
    DocumentKind.IMMUNIZATION_RECORD: "Immunization record",
    DocumentKind.BACKGROUND_CHECK: "Background check clearance",
}


class DocumentStatus(StrEnum):
    """Status of one uploaded file. "missing" is derived: no upload of that kind at all."""

    MISSING = "missing"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


ROTATION_LABELS: dict[RotationType, str] = {
    RotationType.OBSERVERSHIP: "Observership",
    RotationType.HANDS_ON: "Hands-on",
    RotationType.RESEARCH: "Research",
    RotationType.ADVANCED_STUDY: "Advanced study",
}

MODALITY_LABELS: dict[Modality, str] = {
    Modality.VIRTUAL: "Virtual",
    Modality.IN_PERSON: "In person",
    Modality.HYBRID: "Hybrid",
}
