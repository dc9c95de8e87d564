"""Taking conversations out of the review index (the DPDP Act): one person's on erasure, old messages on purge.

The index holds copies of message text (`review_messages`, and the inbox's counts of each text), so
`bot privacy erase` and `bot privacy purge` (`bot/privacy.py`) remove them here as well as in Rasa's
tracker store. A conversation goes with its labels, tags, comments and flags; the inbox rows of the
texts it held are recounted from the messages that remain (a text nobody else sent leaves the inbox).
Trainers' decisions and the training data are texts the trainer chose to keep, with phone numbers
made up (`masking.training_sentence`), and stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Engine, and_, delete, select

from bot.review.inbox_index import CHUNK, add_messages
from bot.review.schema import comments, conversation_labels, conversations, flags, inbox, messages, tags


def forget_conversations(engine: Engine, sender_ids: Iterable[str]) -> int:
    """Remove these conversations (Rasa sender ids) and everything indexed from them; returns how many."""
    wanted = sorted(set(sender_ids))
    if not wanted:
        return 0
    with engine.begin() as conn:
        ids = list(conn.scalars(select(conversations.c.id).where(conversations.c.sender_id.in_(wanted))))
        if ids:
            _drop_conversations(conn, ids)
        return len(ids)


def forget_before(engine: Engine, cutoff_for: Callable[[str], float]) -> int:
    """Remove every indexed message older than its conversation's cutoff (`cutoff_for(sender_id)`, a Unix time),
    and conversations with nothing newer; returns how many messages went."""
    removed = 0
    with engine.begin() as conn:
        by_cutoff: dict[float, list[tuple[int, float]]] = {}
        for conv_id, sender_id, last_at in conn.execute(
                select(conversations.c.id, conversations.c.sender_id, conversations.c.last_at)):
            by_cutoff.setdefault(cutoff_for(sender_id), []).append((conv_id, last_at))
        for cutoff, group in by_cutoff.items():
            ids = [conv_id for conv_id, _ in group]
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                old = and_(messages.c.conversation_id.in_(chunk), messages.c.timestamp < cutoff)
                keys = set(conn.scalars(select(messages.c.text_key).where(old, messages.c.kind == "user")))
                removed += conn.execute(delete(messages).where(old)).rowcount
                _recount(conn, keys)
            gone = [conv_id for conv_id, last_at in group if last_at < cutoff]
            if gone:
                _drop_conversations(conn, gone)
    return removed


def _drop_conversations(conn: Connection, ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        keys = set(conn.scalars(select(messages.c.text_key).where(messages.c.conversation_id.in_(chunk),
                                                                  messages.c.kind == "user")))
        conn.execute(delete(messages).where(messages.c.conversation_id.in_(chunk)))
        for table in (conversation_labels, tags, comments, flags):
            conn.execute(delete(table).where(table.c.conversation_id.in_(chunk)))
        conn.execute(delete(conversations).where(conversations.c.id.in_(chunk)))
        _recount(conn, keys)


def _recount(conn: Connection, keys: set[str]) -> None:
    """Count the inbox rows of these texts again from the user messages still indexed."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        conn.execute(delete(inbox).where(inbox.c.text_key.in_(chunk)))
        remaining = [dict(row._mapping) for row in conn.execute(
            select(messages).where(messages.c.kind == "user", messages.c.text_key.in_(chunk))
            .order_by(messages.c.event_id))]
        add_messages(conn, remaining)
