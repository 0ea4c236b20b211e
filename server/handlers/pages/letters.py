"""Letters of recommendation from the pages: the visitor's requests (with the FERPA waiver asked plainly
and the ERAS Letter ID addable later), the preceptor's accept/decline, the editor (each paragraph with
the records it rests on and its wording flags; saving keeps every version), signing (confirmed, final)
and the ERAS PDF download.

Thin handlers as elsewhere: one service per request, Post/Redirect/Get, a refused form shown again with
its messages and everything typed kept. Who sees a letter's text is decided by the services."""

from __future__ import annotations

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.domain.letters import PARAGRAPHS_MAX, ParagraphKind
from server.handlers.api.letters import letter_pdf_response
from server.handlers.pages.forms import (
    FormValues,
    Problem,
    current_actor,
    path_id,
    problem_of,
    read_form,
    redirect,
    try_form,
    validated,
)
from server.handlers.pages.record_forms import render
from server.schemas.letters import LetterDecisionIn, LetterIdIn, LetterRequestIn, LetterVersionIn
from server.services import letters, letters_pages
from server.services.letters_pages import EvidenceItem, ParagraphView
from server.web.keys import UOW

routes = web.RouteTableDef()

NOTICES = {
    "requested": "Request sent. Your preceptor will accept or decline it.",
    "letter_id": "ERAS Letter ID saved.",
    "accepted": "Request accepted: draft the letter from the evidence below.",
    "declined": "Request declined.",
    "saved": "Version saved. Every version is kept; the latest is the one you sign.",
    "signed": "Letter signed. It is final: download the PDF and upload it to ERAS with its Letter ID.",
}
REQUEST_LABELS = {
    "choice": "Preceptor",
    "preceptor_id": "Preceptor",
    "author_title": "The author's title",
    "specialty": "Specialty you are applying to",
    "eras_letter_id": "ERAS Letter ID",
    "ferpa_waived": "Right to see the letter",
}
MAX_FORM_PARAGRAPHS = PARAGRAPHS_MAX + 10
EMPTY_OWN_PARAGRAPHS = 2  # blank boxes under the letter for the author's own paragraphs


# --- the overview and requests ----------------------------------------------------------------------


async def _overview(
    request: web.Request,
    *,
    values: dict[str, str] | None = None,
    problem: Problem | None = None,
    status: int = 200,
) -> web.Response:
    overview = await letters_pages.letters_overview(request.app[UOW], current_actor(request))
    context = {"overview": overview, "v": values or {}, "problem": problem, "labels": REQUEST_LABELS}
    return render(request, "letters.html", context, status=status, notices=(NOTICES,))


@routes.get("/letters")
async def letters_page(request: web.Request) -> web.StreamResponse:
    """The visitor's requests and the form to ask for a letter; the preceptor's incoming requests."""
    return await _overview(request)


def _read_request(form: FormValues) -> tuple[int, LetterRequestIn]:
    enrollment, _, preceptor = str(form.get("choice", "")).partition(":")
    if not (enrollment.isdigit() and preceptor.isdigit()) or len(enrollment) > 9 or len(preceptor) > 9:
        raise Invalid("Choose the preceptor to ask.", field="choice")
    waiver = str(form.get("ferpa_waived", ""))
    if waiver not in ("yes", "no"):
        raise Invalid("Say whether you waive your right to see the letter.", field="ferpa_waived")
    body = {
        "preceptor_id": int(preceptor),
        "specialty": str(form.get("specialty", "")),
        "eras_letter_id": str(form.get("eras_letter_id", "")).strip() or None,
        "ferpa_waived": waiver == "yes",
        "author_title": str(form.get("author_title", "")).strip() or None,
    }
    return int(enrollment), LetterRequestIn.model_validate(body)  # a ValidationError is try_form's


@routes.post("/letters")
async def create_request(request: web.Request) -> web.StreamResponse:
    """The visitor asks a preceptor for a letter."""
    actor = current_actor(request)
    form = await read_form(request)

    async def ask() -> web.StreamResponse:
        enrollment_id, data = _read_request(form)
        created = await letters.create_request(request.app[UOW](), actor, enrollment_id, data)
        redirect(f"/letters/{created.id}", "requested")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        values = {key: str(form.get(key, "")) for key in form}
        problem = problem_of(exc, values, lambda name: "choice" if name == "preceptor_id" else name)
        return await _overview(request, values=values, problem=problem, status=exc.status)

    return await try_form(ask, show_again)


@routes.post("/letters/{request_id}/letter-id")
async def set_letter_id(request: web.Request) -> web.StreamResponse:
    """The visitor (or the author) records the ERAS Letter ID."""
    actor = current_actor(request)
    request_id = path_id(request, "request_id")
    form = await read_form(request)

    async def save() -> web.StreamResponse:
        data = LetterIdIn.model_validate({"eras_letter_id": str(form.get("eras_letter_id", ""))})
        await letters.set_letter_id(request.app[UOW](), actor, request_id, data)
        redirect(f"/letters/{request_id}", "letter_id")

    return await try_form(save, lambda exc: _refused_on_workspace(request, request_id, exc))


@routes.post("/letters/{request_id}/decision")
async def decide(request: web.Request) -> web.StreamResponse:
    """The author accepts or declines."""
    actor = current_actor(request)
    request_id = path_id(request, "request_id")
    form = await read_form(request)
    data: LetterDecisionIn = validated(
        lambda: LetterDecisionIn.model_validate({"decision": str(form.get("decision", ""))})
    )
    await letters.decide(request.app[UOW](), actor, request_id, data)
    redirect(f"/letters/{request_id}", "accepted" if data.decision == "accept" else "declined")


# --- one letter: the editor, the visitor's view -------------------------------------------------------


async def _workspace(
    request: web.Request,
    request_id: int,
    *,
    typed: list[ParagraphView] | None = None,
    problem: Problem | None = None,
    status: int = 200,
) -> web.Response:
    actor = current_actor(request)
    space = await letters_pages.letter_workspace(
        request.app[UOW], actor, request_id, fresh_draft=request.query.get("from") == "draft"
    )
    if typed is not None:
        space.paragraphs = typed
    blanks = EMPTY_OWN_PARAGRAPHS if space.writable else 0
    context = {"space": space, "problem": problem, "blank_paragraphs": blanks, "kinds": ParagraphKind}
    return render(request, "letter.html", context, status=status, notices=(NOTICES,))


async def _refused_on_workspace(request: web.Request, request_id: int, exc: DomainError) -> web.Response:
    """The letter's page again with why the small form on it (Letter ID, signing) was refused."""
    return await _workspace(request, request_id, problem=Problem(exc.message), status=exc.status)


@routes.get("/letters/{request_id}")
async def letter_page(request: web.Request) -> web.StreamResponse:
    """The author's editor and printed letter; the visitor's status (and letter, if theirs to read)."""
    return await _workspace(request, path_id(request, "request_id"))


def _typed_paragraphs(form: FormValues) -> list[ParagraphView]:
    """The editor's paragraphs as typed (blank ones included: the service drops them)."""
    raw_count = str(form.get("paragraph_count", "0"))
    count = int(raw_count) if raw_count.isdigit() and len(raw_count) <= 3 else 0
    if count > MAX_FORM_PARAGRAPHS:
        raise Invalid(f"A letter has at most {PARAGRAPHS_MAX} paragraphs.", field="paragraphs")
    typed = []
    for i in range(count):
        kind_text = str(form.get(f"paragraphs-{i}-kind", ParagraphKind.OWN.value))
        kind = (
            ParagraphKind(kind_text) if kind_text in ParagraphKind._value2member_map_ else ParagraphKind.OWN
        )
        refs = str(form.get(f"paragraphs-{i}-evidence", "")).split()
        typed.append(
            ParagraphView(
                str(form.get(f"paragraphs-{i}-text", "")), kind, [EvidenceItem(ref, ref, "") for ref in refs]
            )
        )
    return typed


def _form_name(service_name: str) -> str | None:
    """``paragraphs[3].text`` (the service's) -> ``paragraphs-3-text`` (the form's)."""
    if service_name.startswith("paragraphs[") and "]" in service_name:
        index, _, rest = service_name.removeprefix("paragraphs[").partition("]")
        return f"paragraphs-{index}-{rest.lstrip('.') or 'text'}"
    return None


@routes.post("/letters/{request_id}/versions")
async def save_version(request: web.Request) -> web.StreamResponse:
    """The author saves the edited letter as a new version (the PHI guard runs first)."""
    actor = current_actor(request)
    request_id = path_id(request, "request_id")
    form = await read_form(request)
    typed: list[ParagraphView] = []

    async def save() -> web.StreamResponse:
        nonlocal typed
        typed = _typed_paragraphs(form)
        body = {
            "paragraphs": [
                {"text": p.text, "kind": p.kind.value, "evidence": [e.ref for e in p.evidence]}
                for p in typed
                if p.text.strip()
            ]
        }
        if not body["paragraphs"]:
            raise Invalid("The letter is empty: write at least one paragraph.", field="paragraphs")
        await letters.save(request.app[UOW](), actor, request_id, LetterVersionIn.model_validate(body))
        redirect(f"/letters/{request_id}", "saved", anchor="editor")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        values = {f"paragraphs-{i}-text": p.text for i, p in enumerate(typed)}
        # The service numbers only the non-blank paragraphs; map its index back to the form's.
        kept = [i for i, p in enumerate(typed) if p.text.strip()]

        def form_name(name: str) -> str | None:
            mapped = _form_name(name)
            if mapped is None:
                return None
            index = mapped.split("-")[1]
            if index.isdigit() and int(index) < len(kept):
                return mapped.replace(f"-{index}-", f"-{kept[int(index)]}-", 1)
            return mapped

        return await _workspace(
            request, request_id, typed=typed, problem=problem_of(exc, values, form_name), status=exc.status
        )

    return await try_form(save, show_again)


@routes.post("/letters/{request_id}/sign")
async def sign(request: web.Request) -> web.StreamResponse:
    """The author signs the latest version (the form's box must be ticked: signing is final)."""
    actor = current_actor(request)
    request_id = path_id(request, "request_id")
    form = await read_form(request)

    async def sign_it() -> web.StreamResponse:
        if form.get("confirm") != "yes":
            raise Invalid(
                "Tick the box to confirm: a signed letter can no longer be changed.", field="confirm"
            )
        await letters.sign(request.app[UOW](), actor, request_id)
        redirect(f"/letters/{request_id}", "signed", anchor="letter")

    return await try_form(sign_it, lambda exc: _refused_on_workspace(request, request_id, exc))


@routes.get("/letters/{request_id}/letter.pdf")
async def letter_pdf(request: web.Request) -> web.StreamResponse:
    """The signed letter's ERAS PDF (its author; the visitor only if not waived)."""
    return await letter_pdf_response(request, current_actor(request), path_id(request, "request_id"))
