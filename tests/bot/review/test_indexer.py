"""The conversation index: built incrementally from Rasa's `events` table, filtered and scoped per user."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import create_engine, insert, select

from bot.review.auth import Role, User
from bot.review.indexer import sync
from bot.review.queries import Filters, conversation, inbox, list_conversations, refresh_training_texts
from bot.review.nlu_files import Example
from bot.review.store import conversations, messages, open_store
from bot.review.tracker import _tracker_metadata, events

SHOP_A, SHOP_B = "100000000000001", "100000000000002"
ADMIN = User(1, "admin", Role.ADMIN, None)
REVIEWER_A = User(2, "asha", Role.REVIEWER, SHOP_A)
TRAINER_B = User(3, "bina", Role.TRAINER, SHOP_B)
DAY = 1_790_000_000.0  # 2026-09-21 UTC


class Tracker:
    """A tracker store with Rasa's events table, written the way Rasa's SQLTrackerStore writes it."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        _tracker_metadata.create_all(self.engine)
        self.clock = DAY

    def _add(self, sender: str, type_name: str, data: dict, intent: str | None = None,
             action: str | None = None) -> None:
        self.clock += 1
        with self.engine.begin() as conn:
            conn.execute(insert(events).values(sender_id=sender, type_name=type_name, timestamp=self.clock,
                                               intent_name=intent, action_name=action,
                                               data=json.dumps({"event": type_name, "timestamp": self.clock, **data})))

    def user(self, sender: str, shop: str, text: str, intent: str, confidence: float,
             entities: list | None = None) -> None:
        self._add(sender, "user", {
            "text": text, "input_channel": "whatsapp",
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [],
                           "intent_ranking": [{"name": intent, "confidence": confidence}]},
            "metadata": {"phone_number_id": shop, "wa_id": sender}}, intent=intent)

    def action(self, sender: str, name: str) -> None:
        self._add(sender, "action", {"name": name}, action=name)

    def bot(self, sender: str, text: str) -> None:
        self._add(sender, "bot", {"text": text, "data": {}})


@pytest.fixture
def stores(tmp_path):
    tracker = Tracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    review = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    yield tracker, review
    review.dispose()
    tracker.engine.dispose()


def _seed(tracker: Tracker) -> None:
    tracker.user("919800000001", SHOP_A, "kitna stock hai Maggi ka?", "check_stock", 0.98,
                 [{"entity": "product", "value": "Maggi", "start": 16, "end": 21}])
    tracker.action("919800000001", "action_check_stock")
    tracker.bot("919800000001", "Maggi Noodles 70g: 40 packet bacha hai.")
    tracker.user("919800000002", SHOP_B, "Maggi ke packet dekh lo", "nlu_fallback", 0.4)
    tracker.action("919800000002", "action_default_fallback")
    tracker.user("919800000003", SHOP_A, "parle g ka hisaab", "check_dues", 0.55)
    tracker.user("919800000003", SHOP_A, "Parle G  ka hisaab", "check_dues", 0.52)


def _senders(page) -> list[str]:
    return [row.sender_id for row in page.rows]


def test_sync_reads_only_new_events_and_summarises_each_conversation(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    assert sync(review, tracker.engine, batch=3) == 7
    assert sync(review, tracker.engine) == 0
    tracker.user("919800000001", SHOP_A, "thank you", "thank", 0.3)
    assert sync(review, tracker.engine) == 1
    with review.connect() as conn:
        rows = {r.sender_id: r for r in conn.execute(select(conversations))}
        assert conn.execute(select(messages.c.event_id).order_by(messages.c.event_id)).all() == [(i,) for i in (1, 3, 4, 6, 7, 8)]
    first = rows["919800000001"]
    assert (first.user_turns, first.min_confidence, first.fallback, first.channel) == (2, 0.3, False, "whatsapp")
    assert rows["919800000002"].fallback
    assert rows["919800000003"].min_confidence == 0.52


def test_filters_and_pages(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    sync(review, tracker.engine)
    everything = list_conversations(review, ADMIN, Filters())
    assert _senders(everything) == ["919800000003", "919800000002", "919800000001"]  # latest activity first
    assert everything.rows[2].last_text == "kitna stock hai Maggi ka?"
    assert _senders(list_conversations(review, ADMIN, Filters(low_confidence=True, threshold=0.6))) == \
        ["919800000003", "919800000002"]
    assert _senders(list_conversations(review, ADMIN, Filters(low_confidence=True, threshold=0.45))) == \
        ["919800000002"]
    assert _senders(list_conversations(review, ADMIN, Filters(fallback=True))) == ["919800000002"]
    assert _senders(list_conversations(review, ADMIN, Filters(intent="check_stock"))) == ["919800000001"]
    assert _senders(list_conversations(review, ADMIN, Filters(action="action_check_stock"))) == ["919800000001"]
    assert _senders(list_conversations(review, ADMIN, Filters(tenant=SHOP_B))) == ["919800000002"]
    assert _senders(list_conversations(review, ADMIN, Filters(search="noodles"))) == ["919800000001"]
    assert _senders(list_conversations(review, ADMIN, Filters(date_from=date(2026, 9, 22)))) == []
    assert _senders(list_conversations(review, ADMIN, Filters(reviewed=True))) == []
    second = list_conversations(review, ADMIN, Filters(page=2), page_size=2)
    assert (_senders(second), second.total, second.pages) == (["919800000001"], 3, 2)


def test_reviewers_see_only_their_business(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    sync(review, tracker.engine)
    assert _senders(list_conversations(review, REVIEWER_A, Filters())) == ["919800000003", "919800000001"]
    assert _senders(list_conversations(review, REVIEWER_A, Filters(tenant=SHOP_B))) == []
    other = list_conversations(review, ADMIN, Filters(tenant=SHOP_B)).rows[0]
    assert conversation(review, REVIEWER_A, other.id) is None
    assert conversation(review, ADMIN, other.id).sender_id == "919800000002"


def test_the_inbox_is_deduplicated_worst_first_and_hides_trained_text(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    sync(review, tracker.engine)
    items, total = inbox(review, ADMIN)
    assert total == 3
    assert [(i.text_key, i.count, i.confidence) for i in items] == [
        ("maggi ke packet dekh lo", 1, 0.4), ("parle g ka hisaab", 2, 0.52), ("kitna stock hai maggi ka?", 1, 0.98)]
    refresh_training_texts(review, [Example("hinglish", "check_stock", "kitna stock hai [Maggi](product) ka?")])
    assert [i.text_key for i in inbox(review, ADMIN)[0]] == ["maggi ke packet dekh lo", "parle g ka hisaab"]
    assert [i.text_key for i in inbox(review, TRAINER_B)[0]] == ["maggi ke packet dekh lo"]
