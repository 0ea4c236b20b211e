"""The date filters of every jinja2 environment Rounds renders with (pages and mail), so that a time
is written the one way :mod:`server.domain.dates` writes it, in the reader's zone.

The reader's zone is the template context's ``reader_zone`` (a :class:`datetime.tzinfo`, or None for
a reader who chose none): pages put the logged-in person's there (``server/handlers/pages/site.py``),
mail its recipient's (``server/services/mail.py``). Macros must be imported ``with context`` to see it.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

import jinja2
from markupsafe import Markup

from server.domain import dates

READER_ZONE = "reader_zone"


def _zone(context: jinja2.runtime.Context) -> tzinfo | None:
    zone: Any = context.get(READER_ZONE)
    return zone if isinstance(zone, tzinfo) else None


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, day: date | None) -> Markup:
    return dates.day_html(day, _zone(context))


@jinja2.pass_context
def _moment(context: jinja2.runtime.Context, moment: datetime | None) -> Markup:
    return dates.moment_html(moment, _zone(context))


@jinja2.pass_context
def _moment_text(context: jinja2.runtime.Context, moment: datetime) -> str:
    return dates.human_moment(moment, _zone(context))


def add_date_filters(env: jinja2.Environment) -> None:
    """Register ``day``, ``moment`` (HTML ``<time>`` elements), ``moment_text`` (words only: mail and
    attributes), ``day_text``, ``iso`` and ``letter_day`` on ``env``."""
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    env.filters["moment_text"] = _moment_text
    env.filters["day_text"] = dates.human_day
    env.filters["iso"] = dates.machine_day
    env.filters["letter_day"] = dates.letter_day
