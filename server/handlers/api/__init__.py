"""The JSON API under ``/api/v1``: one module per feature, each adding its operations to the one
registry :data:`API`. Importing this package registers them all."""

from server.handlers.api import (  # noqa: F401  (importing a module registers its operations)
    accounts,
    applications,
    calendars,
    certificates,
    coaches,
    dashboards,
    documents,
    evaluations,
    health,
    invitations,
    letters,
    messages,
    notifications,
    phi,
    placements,
    presentations,
    programs,
    record,
    visits,
)
from server.handlers.api.registry import API

__all__ = ["API"]
