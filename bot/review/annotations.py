"""What reviewers record on a conversation: reviewed and saved marks, tags, flagged messages and comments.

Each function is one transaction taking the review store's engine and plain values; the routes have
already checked that the user may see the conversation.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from bot.review.masking import mask_text
from bot.review.schema import comments, conversations, flags, tags

MARKS = ("reviewed", "saved")
TAG_MAX = 32
COMMENT_MAX = 4000


def clean_tag(tag: str | None) -> str:
    """A tag as stored: single spaces, lowercase, at most `TAG_MAX` characters ('' if nothing is left), a phone
    number in it masked (tags are shown and exported as they are)."""
    return mask_text(" ".join((tag or "").split()).lower()[:TAG_MAX])


def set_mark(engine: Engine, conversation_id: int, mark: str, value: bool) -> None:
    """Mark a conversation reviewed or saved for later (`mark` is one of `MARKS`), or take the mark off."""
    if mark not in MARKS:
        raise ValueError(f"a mark is one of {', '.join(MARKS)}")
    with engine.begin() as conn:
        conn.execute(update(conversations).where(conversations.c.id == conversation_id).values({mark: value}))


def set_tag(engine: Engine, conversation_id: int, tag: str, on: bool = True) -> None:
    """Tag a conversation (`tag` as `clean_tag` gives it), or remove the tag when `on` is False."""
    with engine.begin() as conn:
        conn.execute(delete(tags).where(tags.c.conversation_id == conversation_id, tags.c.tag == tag))
        if on:
            conn.execute(insert(tags).values(conversation_id=conversation_id, tag=tag))


def toggle_flag(engine: Engine, conversation_id: int, event_id: int, author: str) -> bool:
    """Flag a message, or unflag it if it was flagged; whether it is flagged now."""
    with engine.begin() as conn:
        removed = conn.execute(delete(flags).where(flags.c.conversation_id == conversation_id,
                                                   flags.c.event_id == event_id)).rowcount
        if not removed:
            conn.execute(insert(flags).values(conversation_id=conversation_id, event_id=event_id, author=author,
                                              created_at=time.time()))
    return not removed


def add_comment(engine: Engine, conversation_id: int, author: str, body: str, event_id: int | None = None) -> None:
    """A comment on the conversation, or on one of its messages (`event_id`)."""
    with engine.begin() as conn:
        conn.execute(insert(comments).values(conversation_id=conversation_id, event_id=event_id, author=author,
                                             body=body, created_at=time.time()))


def notes(engine: Engine, conversation_id: int) -> tuple[list[Any], set[int]]:
    """The conversation's comments, oldest first, and the event ids of its flagged messages."""
    with engine.connect() as conn:
        written = conn.execute(select(comments).where(comments.c.conversation_id == conversation_id)
                               .order_by(comments.c.id)).all()
        flagged = set(conn.execute(select(flags.c.event_id).where(flags.c.conversation_id == conversation_id))
                      .scalars())
    return written, flagged
