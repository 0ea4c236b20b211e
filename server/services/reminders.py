"""The reminder job: makes each due reminder (an offer 48 hours before it expires, a session an hour
before it starts) exactly once, however many nodes run it.

Each round is one short transaction: claim up to ``batch`` due reminders (``FOR UPDATE SKIP LOCKED``
on PostgreSQL: two nodes' jobs take different rows and never wait for each other), write each one's
notifications and emails (:func:`server.services.notifications.make_reminder`), mark it made, commit.
The notifications and the mark are committed together or not at all: a job that dies mid-round leaves
its reminders due for the next round, and a reminder marked made is never claimed again. A reminder
whose subject moved on (the offer answered, the session cancelled or moved) is marked obsolete.
"""

from __future__ import annotations

import asyncio
import logging

from server.db.uow import UnitOfWorkFactory
from server.services import notifications

log = logging.getLogger("rounds.reminders")

BATCH = 20
POLL_SECONDS = 30.0  # a reminder is made at most this long after it is due


class ReminderJob:
    """``await make_due()`` runs one round; ``run()`` loops until cancelled."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        *,
        skip_locked: bool,
        batch: int = BATCH,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.uows = uows
        self.skip_locked = skip_locked
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.rounds = 0  # rounds finished (tests wait on it)
        self.made = 0  # reminders this job made (not those found obsolete)

    async def make_due(self) -> int:
        """One round: claim due reminders, make each, mark them, commit. Returns how many were
        claimed (made or found obsolete)."""
        async with self.uows() as uow:
            now = uow.now()
            due = await uow.reminders.claim_due(now=now, limit=self.batch, skip_locked=self.skip_locked)
            made = 0
            for reminder in due:
                current = await notifications.make_reminder(uow, reminder)
                if not await uow.reminders.mark(
                    reminder.id, at=now, outcome="made" if current else "obsolete"
                ):
                    # Cannot happen under the claim's lock; refuse the whole round rather than repeat one.
                    raise RuntimeError(f"reminder {reminder.id} was made by someone else meanwhile")
                made += current
            await uow.commit()
        self.made += made
        if due:
            log.info("reminders made=%d obsolete=%d", made, len(due) - made)
        return len(due)

    async def run(self) -> None:
        """Make reminders until cancelled: at once again after a full batch, else after
        ``poll_seconds``. A failing round (the database away) is logged and the loop goes on."""
        while True:
            full = False
            try:
                full = await self.make_due() >= self.batch
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder round failed")
            self.rounds += 1
            if not full:
                await asyncio.sleep(self.poll_seconds)
