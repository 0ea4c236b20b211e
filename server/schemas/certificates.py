"""Request and response types of certificates of completion: issuing one, reading it, and the public
verification of a code. Sessions and hours are never input: the server computes them from attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from server.domain.vocab import Modality, RotationType
from server.schemas.base import Id, Input, Output

VerificationStatus = Literal["genuine", "superseded", "altered", "unknown"]


class CertificateIssueIn(Input):
    preceptor_id: Id | None = Field(
        default=None,
        description="The preceptor the certificate names: one of the program's preceptors. By default the "
        "issuing preceptor; for a coordinator, the preceptor who hosted most of the visitor's attended "
        "time. Hours and sessions cannot be given: they come from the attendance records.",
    )


class CertifiedFactsOut(Output):
    """What a certificate states, as anyone checking its code may see it."""

    visitor_name: str
    program: str
    rotation_type: RotationType
    modality: Modality
    preceptor_name: str
    preceptor_title: str
    start: date
    end: date
    sessions_attended: int = Field(description="Visits the visitor was connected to, from attendance.")
    verified_seconds: int = Field(description="Connected time across those visits, overlaps counted once.")
    verified_hours: str = Field(description="verified_seconds in hours, rounded down to a tenth: '12.3'.")
    issued_on: date
    statement: str = Field(description="The certificate's sentence, as printed.")


class CertificateOut(CertifiedFactsOut):
    id: int
    enrollment_id: int
    visitor_id: int
    program_id: int
    preceptor_id: int
    code: str = Field(description="The verification code, e.g. 7K3QD-9XW2M-A0ZFT-H4C8R.")
    verification_url: str = Field(description="The public page (no login) where anyone checks the code.")
    issued_by: int
    issued_by_name: str
    created_at: datetime
    superseded_at: datetime | None = Field(description="When a reissued certificate replaced this one.")


class VerificationOut(Output):
    code: str = Field(description="The code as looked up (normalised: capitals, groups of five).")
    genuine: bool = Field(
        description="True only when a certificate has this code and its content is unchanged."
    )
    status: VerificationStatus = Field(
        description="genuine; superseded (genuine, but replaced by a reissued certificate); altered (the "
        "stored certificate no longer matches its code: not genuine); unknown (no certificate has this code)."
    )
    message: str
    certificate: CertifiedFactsOut | None = Field(
        description="The certified facts, only when genuine or superseded."
    )
