"""The ERAS PDF of a signed letter, rendered by WeasyPrint from the same template the letter page shows.

ERAS's rules for an uploaded letter, and how this meets them:

* US Letter paper: ``@page { size: letter }`` in ``letter_pdf.html`` (612 x 792 points);
* at most 1 MB: a text letter is tens of kilobytes (fonts are subset); a bigger file is refused here
  rather than handed to a preceptor whose upload ERAS would reject;
* not encrypted: WeasyPrint writes no encryption and Rounds asks for none;
* on letterhead with contact details, signed and dated, with the Letter ID: the template prints the
  letterhead kept with the signed letter, the date it was signed, the electronic signature and the
  Letter ID (on the page and in every page's footer).

WeasyPrint needs Pango, which Debian installs as ``libpango-1.0-0`` (present on these machines); it is
imported on first use, so a server without it still starts and only the export answers 503.
"""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from server.domain.errors import Conflict, ServiceUnavailable
from server.schemas.letters import LetterDocumentOut

MAX_PDF_BYTES = 1_000_000  # ERAS: at most 1 MB
TEMPLATE = "letter_pdf.html"
LETTER_CSS = Path(__file__).resolve().parents[2] / "webclient" / "static" / "letter.css"


@cache
def _letter_css() -> Markup:
    # Markup: a stylesheet is not text to escape (autoescaping turned its quotes into ``&#34;``, which
    # WeasyPrint ignored with the rules around them). It is Rounds' own file, never user input.
    return Markup(LETTER_CSS.read_text(encoding="utf-8"))


def _write_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango missing: the library loads it when imported
        raise ServiceUnavailable(
            "PDF export is not available on this server: it needs the Pango library "
            "(Debian package libpango-1.0-0). Ask the administrator to install it."
        ) from exc
    pdf: bytes = HTML(string=html, base_url=str(LETTER_CSS.parent)).write_pdf()
    return pdf


def letter_html(env: jinja2.Environment, doc: LetterDocumentOut) -> str:
    """The PDF's HTML: the letter page's template on US Letter paper."""
    return env.get_template(TEMPLATE).render(doc=doc, letter_css=_letter_css())


async def render_letter_pdf(env: jinja2.Environment, doc: LetterDocumentOut) -> bytes:
    """The signed letter as an ERAS-ready PDF (rendered in a worker thread: it takes a few hundred
    milliseconds). Raises Conflict for a file over ERAS's 1 MB limit."""
    pdf = await asyncio.to_thread(_write_pdf, letter_html(env, doc))
    if len(pdf) > MAX_PDF_BYTES:
        raise Conflict(
            f"The PDF would be {len(pdf) / 1_000_000:.1f} MB, over ERAS's 1 MB limit; shorten the letter."
        )
    return pdf


def pdf_filename(doc: LetterDocumentOut) -> str:
    """A file name ERAS and a preceptor's downloads folder both take: ASCII, no spaces."""
    letter_id = "".join(c for c in (doc.eras_letter_id or "") if c.isascii() and (c.isalnum() or c == "-"))
    return f"letter-{letter_id or doc.request_id}.pdf"
