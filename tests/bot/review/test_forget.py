"""Taking conversations out of the review index: a person's on erasure, old messages on purge; the inbox is
recounted from what remains (SQLite and PostgreSQL review stores)."""

from __future__ import annotations

from sqlalchemy import select

from bot.review.forget import forget_before, forget_conversations
from bot.review.indexer import sync
from bot.review.inbox_index import ALL_TENANTS
from bot.review.schema import comments, conversations, inbox, messages
from tests.bot.review.test_indexer import review_url, stores  # noqa: F401 (fixtures)
from tests.bot.review.tracker_events import DAY, SHOP_A, Tracker

ERASED, OTHER = "919800000001", "919800000002"


def _inbox(review) -> dict[str, int]:
    with review.connect() as conn:
        rows = conn.execute(select(inbox.c.text_key, inbox.c.seen).where(inbox.c.tenant_id == ALL_TENANTS))
        return {key: seen for key, seen in rows}


def _texts(review) -> list[str]:
    with review.connect() as conn:
        return sorted(conn.scalars(select(messages.c.text)))


def _talk(tracker: Tracker) -> None:
    tracker.user(ERASED, SHOP_A, "sharma ka number 9811111111", "nlu_fallback", 0.3)
    tracker.user(ERASED, SHOP_A, "maggi kitna hai", "check_stock", 0.9)
    tracker.bot(ERASED, "Maggi: 40 packet")
    tracker.user(OTHER, SHOP_A, "maggi kitna hai", "check_stock", 0.8)


def test_a_forgotten_conversation_leaves_no_text_and_the_inbox_counts_the_rest(stores):
    tracker, review = stores
    _talk(tracker)
    sync(review, tracker.engine)
    with review.begin() as conn:
        conv_id = conn.scalar(select(conversations.c.id).where(conversations.c.sender_id == ERASED))
        conn.execute(comments.insert().values(conversation_id=conv_id, author="asha", body="sharma's number",
                                              created_at=DAY))
    assert forget_conversations(review, [ERASED, "nobody"]) == 1
    assert _texts(review) == ["maggi kitna hai"]
    assert _inbox(review) == {"maggi kitna hai": 1}
    with review.connect() as conn:
        assert conn.scalars(select(comments.c.body)).all() == []
        assert conn.scalars(select(conversations.c.sender_id)).all() == [OTHER]


def test_messages_older_than_the_cutoff_go_and_empty_conversations_with_them(stores):
    tracker, review = stores
    _talk(tracker)  # at DAY + 1 ... DAY + 4
    tracker.user(OTHER, SHOP_A, "aaj ka hisaab", "check_dues", 0.7)  # DAY + 5
    sync(review, tracker.engine)
    assert forget_before(review, lambda sender: DAY + 4.5) == 4
    assert _texts(review) == ["aaj ka hisaab"]
    assert _inbox(review) == {"aaj ka hisaab": 1}
    with review.connect() as conn:
        assert conn.scalars(select(conversations.c.sender_id)).all() == [OTHER]
