"""API: certificates of completion -- issuing one (coordinator or preceptor), reading an enrollment's
certificate, and the public check of a verification code (no login, rate-limited per address)."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.certificates import CertificateIssueIn, CertificateOut, VerificationOut
from server.services import certificates
from server.web.api import ApiCall
from server.web.keys import SETTINGS, UOW
from server.web.rate_limit import check_lookup


@API.route(
    "POST",
    "/enrollments/{enrollment_id}/certificate",
    summary="Issue (or reissue) the certificate of completion once the rotation is over; sessions and "
    "hours come from the attendance records (the program's coordinator or a preceptor)",
    tag="certificates",
    body=CertificateIssueIn,
    response=CertificateOut,
    status=201,
    errors=(409,),
)
async def issue_certificate(call: ApiCall) -> CertificateOut:
    return await certificates.issue_certificate(
        call.request.app[UOW](),
        call.actor,
        call.path["enrollment_id"],
        call.request.app[SETTINGS].secret_key,
        preceptor_id=call.body.preceptor_id,
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/certificate",
    summary="The enrollment's current certificate (its visitor, the program's preceptors and coordinator)",
    tag="certificates",
    response=CertificateOut,
)
async def get_certificate(call: ApiCall) -> CertificateOut:
    return await certificates.get_certificate(call.request.app[UOW](), call.actor, call.path["enrollment_id"])


@API.route(
    "GET",
    "/certificates/verify/{code}",
    summary="Check a certificate's verification code (public, no login): the certified facts when genuine",
    tag="certificates",
    response=VerificationOut,
    login_required=False,
    errors=(429,),
)
async def verify_certificate(call: ApiCall) -> VerificationOut:
    check_lookup(call.request)
    return await certificates.verify(
        call.request.app[UOW](), call.path_text["code"], call.request.app[SETTINGS].secret_key
    )
