"""Certificate pages: an enrollment's certificate (printable, with its verification code and a QR code of
the public verification page) and the staff's "Issue certificate" button; the standalone file a holder
downloads; and the public verification page, which needs no login (rate-limited per address).

The QR code is drawn by ``segno`` as inline SVG (no image file, no script), encoding the absolute URL of
the public verification page as the browser reached this site."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import segno
from aiohttp import web
from markupsafe import Markup

from server.domain.certificates import normalize_code, qr_payload
from server.domain.errors import DomainError, Invalid
from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect, try_form
from server.schemas.certificates import CertificateIssueIn, CertificateOut
from server.services import certificates, certificates_pages
from server.web.keys import SETTINGS, UOW
from server.web.rate_limit import check_lookup

routes = web.RouteTableDef()

VERIFY_FORM = "/certificates/verify"
# Longer than any code however it is typed (spaces, hyphens); anything longer is not a code.
MAX_TYPED_CODE = 64
QR_SCALE = 4
QR_BORDER = 4  # the quiet zone the QR standard asks for: scanners find the code's edge by it
QR_ERROR = "m"  # medium error correction: survives a smudged printout
FILE_CSS = Path(__file__).resolve().parents[3] / "webclient" / "static" / "certificate-file.css"


@cache
def _file_css() -> tuple[Markup, str]:
    """The downloaded file's stylesheet (inlined: the file stands alone) and the Content-Security-Policy
    that lets exactly that stylesheet apply should a browser show the download as a page."""
    css = FILE_CSS.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; frame-ancestors 'none'"
    return Markup(css), policy


def site_origin(request: web.Request) -> str:
    """Scheme and host the browser used: the QR code carries an absolute URL."""
    return f"{request.scheme}://{request.host}"


def qr_svg(url: str) -> Markup:
    """The QR code of ``url`` as inline SVG (segno's output, safe to embed). It has a ``viewBox`` as well
    as its natural width and height: a stylesheet that draws it at another size scales it instead of
    clipping it (without one the code was cut off and could not be scanned)."""
    qr = segno.make_qr(url, error=QR_ERROR)
    svg = qr.svg_inline(scale=QR_SCALE, border=QR_BORDER, svgclass="qr", lineclass=None, omitsize=True)
    side = qr.symbol_size(scale=QR_SCALE, border=QR_BORDER)[0]
    return Markup(svg.replace("<svg ", f'<svg width="{side}" height="{side}" ', 1))


def _certificate_context(request: web.Request, certificate: CertificateOut) -> dict[str, Any]:
    url = qr_payload(certificate.code, site_origin(request))
    return {"c": certificate, "verify_url": url, "qr": qr_svg(url)}


def _page_path(enrollment_id: int) -> str:
    return f"/record/enrollments/{enrollment_id}/certificate"


async def _render_page(
    request: web.Request, enrollment_id: int, *, problem: str | None = None, status: int = 200
) -> web.StreamResponse:
    actor = current_actor(request)
    page = await certificates_pages.certificate_page(request.app[UOW](), actor, enrollment_id)
    context: dict[str, Any] = {
        "page": page,
        "problem": problem,
        "issued": request.query.get("issued") == "1",
    }
    if page.certificate is not None:
        context.update(_certificate_context(request, page.certificate))
    return aiohttp_jinja2.render_template("certificate.html", request, context, status=status)


@routes.get("/record/enrollments/{enrollment_id}/certificate")
async def certificate_page(request: web.Request) -> web.StreamResponse:
    """The certificate (printable) for its holder and the program's staff; the staff's issue button."""
    return await _render_page(request, path_id(request, "enrollment_id"))


@routes.post("/record/enrollments/{enrollment_id}/certificate")
async def issue_certificate(request: web.Request) -> web.StreamResponse:
    """Issue (or reissue) the certificate from the attendance records; a refusal is shown on the page."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    form = await read_form(request)

    async def issue() -> web.StreamResponse:
        data = parse_form(CertificateIssueIn, form, labels={"preceptor_id": "Preceptor"})
        await certificates.issue_certificate(
            request.app[UOW](),
            actor,
            enrollment_id,
            request.app[SETTINGS].secret_key,
            preceptor_id=data.preceptor_id,
        )
        redirect(_page_path(enrollment_id) + "?issued=1", anchor="certificate")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        return await _render_page(request, enrollment_id, problem=exc.message, status=exc.status)

    return await try_form(issue, show_again)


@routes.get("/certificates/{certificate_id}/download")
async def download_certificate(request: web.Request) -> web.StreamResponse:
    """The certificate as one self-contained HTML file (styles and QR code inside), to keep or print."""
    actor = current_actor(request)
    certificate = await certificates.export_certificate(
        request.app[UOW](), actor, path_id(request, "certificate_id")
    )
    css, policy = _file_css()
    context = {**_certificate_context(request, certificate), "certificate_css": css}
    response = aiohttp_jinja2.render_template("certificate_file.html", request, context)
    response.headers["Content-Security-Policy"] = policy
    response.headers["Content-Disposition"] = (
        f'attachment; filename="rounds-certificate-{certificate.code}.html"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the public verification page (no login) -------------------------------------------------------


def _verify_page(
    request: web.Request,
    *,
    typed: str = "",
    result: Any = None,
    problem: str | None = None,
    status: int = 200,
) -> web.StreamResponse:
    context = {"typed": typed, "result": result, "problem": problem}
    response = aiohttp_jinja2.render_template("certificate_verify.html", request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@routes.get(VERIFY_FORM)
async def verify_form(request: web.Request) -> web.StreamResponse:
    """The form to type a code; a typed code goes to its own page (the address a QR code carries)."""
    typed = request.query.get("code")
    if typed is None or not typed.strip():
        return _verify_page(request)
    canonical = normalize_code(typed[: MAX_TYPED_CODE + 1])
    if canonical is None or len(typed) > MAX_TYPED_CODE:
        return _verify_page(
            request, typed=typed[:MAX_TYPED_CODE], problem=certificates.NOT_A_CODE, status=422
        )
    raise web.HTTPSeeOther(certificates.verification_path(canonical))


@routes.get(VERIFY_FORM + "/{code}")
async def verify_code_page(request: web.Request) -> web.StreamResponse:
    """Whether the certificate with this code is genuine and unchanged, with its facts when it is."""
    raw = request.match_info["code"]
    canonical = normalize_code(raw) if len(raw) <= MAX_TYPED_CODE else None
    if canonical is None:
        return _verify_page(request, typed=raw[:MAX_TYPED_CODE], problem=certificates.NOT_A_CODE, status=422)
    if canonical != raw:
        raise web.HTTPFound(certificates.verification_path(canonical))
    check_lookup(request)
    try:
        result = await certificates.verify(request.app[UOW](), canonical, request.app[SETTINGS].secret_key)
    except Invalid as exc:  # cannot happen for a normalised code; kept for safety
        return _verify_page(request, typed=raw, problem=exc.message, status=422)
    return _verify_page(request, typed=canonical, result=result, status=200)
