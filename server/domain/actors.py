"""Who is acting: the logged-in person as the domain sees them."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.errors import Forbidden
from server.domain.vocab import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    email: str
    full_name: str
    # The IANA zone the person reads times in (None: not chosen, or nobody logged in).
    time_zone: str | None = None

    def require(self, *roles: Role) -> None:
        """Raise Forbidden unless this actor has one of ``roles``."""
        if self.role not in roles:
            names = " or ".join(r.value for r in roles)
            raise Forbidden(f"Only a {names} can do this; you are logged in as a {self.role.value}.")
