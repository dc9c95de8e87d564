"""The review app's audit log (`review_audit`): append-only, one row per state change or attempt at one.

Rows are only ever inserted (nothing here updates or deletes one). Every summary is masked (`mask_text`)
before it is stored, so no phone number is written out whole, and callers put no secrets in it. The web app
writes one row for every POST that passed sign-in and CSRF checks, and one per sign-in attempt
(`app.record_audit`); `auth` writes the user changes in the same transaction as the change itself.
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from bot.review.masking import mask_text
from bot.review.schema import audit_log

PAGE_SIZE = 100
SUMMARY_MAX = 300


@dataclass(frozen=True)
class Actor:
    """Who did it, from where: a signed-in user and their address, or someone at the command line."""

    name: str
    address: str

    @classmethod
    def command_line(cls) -> Actor:
        """The person running `bot review-user` (their login name)."""
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "?"
        return cls(f"cli:{login}", "local")


@dataclass(frozen=True)
class Entry:
    """What was done, on what, how it ended, and a short summary."""

    action: str
    object: str
    outcome: str = "ok"
    summary: str = ""


def record(conn: Connection, actor: Actor, entry: Entry, at: float | None = None) -> None:
    """Append one row, inside the caller's transaction."""
    conn.execute(insert(audit_log).values(
        at=time.time() if at is None else at, actor=actor.name[:80], address=actor.address[:64],
        action=entry.action[:64], object=mask_text(entry.object)[:160], outcome=entry.outcome[:64],
        summary=mask_text(entry.summary)[:SUMMARY_MAX]))


def append(engine: Engine, actor: Actor, entry: Entry) -> None:
    """Append one row in a transaction of its own."""
    with engine.begin() as conn:
        record(conn, actor, entry)


def page(engine: Engine, number: int = 1, actor: str | None = None) -> tuple[list[Any], int]:
    """The rows of page `number`, newest first (of `actor` only, if given), and how many rows there are."""
    query, count = select(audit_log), select(func.count()).select_from(audit_log)
    if actor:
        query, count = query.where(audit_log.c.actor == actor), count.where(audit_log.c.actor == actor)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(audit_log.c.id.desc())
                            .limit(PAGE_SIZE).offset((max(1, number) - 1) * PAGE_SIZE)).all()
        return rows, conn.execute(count).scalar_one()
