"""The review app's conversation list at 100,000 conversations: index build, incremental sync, page loads.

    .venv/erp/bin/python bench/review_index_bench.py                  # 100,000 conversations
    .venv/erp/bin/python bench/review_index_bench.py --conversations 10000

Writes a tracker store the way Rasa's SQLTrackerStore does (4 events per conversation: user,
action, bot, action_listen; 20 businesses, 10 intents), indexes it, adds 1,000 more
conversations and syncs again, then times list pages with each filter and the NLU inbox
(median of 5, as a reviewer or trainer of one business and as an admin), the filter drop-downs, a
trainer's and an admin's decision, every pending flag recomputed, and the
inbox's rebuild from scratch. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert  # noqa: E402

from bot.review.auth import Role, User  # noqa: E402
from bot.review.inbox_index import rebuild, refresh_pending  # noqa: E402
from bot.review.indexer import sync  # noqa: E402
from bot.review.decisions import record_decision  # noqa: E402
from bot.review.queries import Filters, filter_choices, inbox, list_conversations  # noqa: E402
from bot.review.store import open_store  # noqa: E402
from bot.review.tracker import _tracker_metadata, events  # noqa: E402

INTENTS = ["check_stock", "create_order", "record_payment", "check_dues", "greet", "add_stock", "sales_summary",
           "add_expense", "thank", "nlu_fallback"]
WORDS = "maggi chawal cheeni atta dal tel sabun biscuit kitna hai bhejo diye ka ko ne".split()


def fill(tracker, first: int, count: int, rng: random.Random) -> None:
    rows, clock = [], 1_790_000_000.0 + first * 60
    for n in range(first, first + count):
        sender, shop = f"9198{n:08d}", f"1000000000{n % 20:05d}"
        intent = rng.choice(INTENTS)
        confidence = rng.uniform(0.3, 1.0)
        text = " ".join(rng.choices(WORDS, k=4))
        clock += 60
        user = {"event": "user", "timestamp": clock, "text": text, "input_channel": "whatsapp",
                "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": [],
                               "intent_ranking": [{"name": intent, "confidence": confidence}]},
                "metadata": {"phone_number_id": shop, "wa_id": sender}}
        action = f"action_{intent}"
        rows += [
            {"sender_id": sender, "type_name": "user", "timestamp": clock, "intent_name": intent, "action_name": None,
             "data": json.dumps(user)},
            {"sender_id": sender, "type_name": "action", "timestamp": clock + 1, "intent_name": None,
             "action_name": action, "data": json.dumps({"event": "action", "name": action})},
            {"sender_id": sender, "type_name": "bot", "timestamp": clock + 2, "intent_name": None, "action_name": None,
             "data": json.dumps({"event": "bot", "text": f"reply to {text}", "data": {}})},
            {"sender_id": sender, "type_name": "action", "timestamp": clock + 3, "intent_name": None,
             "action_name": "action_listen", "data": json.dumps({"event": "action", "name": "action_listen"})},
        ]
    with tracker.begin() as conn:
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(events), rows[start:start + 20_000])


def median_ms(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        tracker = create_engine(f"sqlite:///{tmp}/tracker.db")
        _tracker_metadata.create_all(tracker)
        fill(tracker, 0, args.conversations, rng)
        review = open_store(f"sqlite:///{tmp}/review.db")
        start = time.perf_counter()
        indexed = sync(review, tracker)
        print(f"index build: {indexed:,} events of {args.conversations:,} conversations in "
              f"{time.perf_counter() - start:.1f} s")
        fill(tracker, args.conversations, 1000, rng)
        start = time.perf_counter()
        indexed = sync(review, tracker)
        print(f"incremental sync: {indexed:,} new events in {(time.perf_counter() - start) * 1000:.0f} ms")
        admin, reviewer = User(1, "a", Role.ADMIN, None), User(2, "r", Role.REVIEWER, "100000000000003")
        cases = {
            "first page": Filters(), "page 1000": Filters(page=1000), "low confidence < 0.5": Filters(
                low_confidence=True, threshold=0.5), "intent check_stock": Filters(intent="check_stock"),
            "action action_create_order": Filters(action="action_create_order"), "fallback": Filters(fallback=True),
            "not reviewed": Filters(reviewed=False), "search 'maggi chawal'": Filters(search="maggi chawal"),
        }
        for name, filters in cases.items():
            print(f"list, {name}: admin {median_ms(lambda: list_conversations(review, admin, filters)):.0f} ms, "
                  f"reviewer of one business {median_ms(lambda: list_conversations(review, reviewer, filters)):.0f} ms")
        trainer = User(3, "t", Role.TRAINER, "100000000000003")
        for name, page in [("first page", 1), ("page 100", 100)]:
            print(f"NLU inbox, {name}: admin {median_ms(lambda: inbox(review, admin, page=page)):.0f} ms, "
                  f"trainer of one business {median_ms(lambda: inbox(review, trainer, page=page)):.0f} ms")
        print(f"filter drop-downs: admin {median_ms(lambda: filter_choices(review, admin)):.0f} ms, "
              f"reviewer of one business {median_ms(lambda: filter_choices(review, reviewer)):.0f} ms")
        for who, user in [("a trainer's (their business)", trainer), ("an admin's (every business)", admin)]:
            worst = inbox(review, user)[0][0].text
            start = time.perf_counter()
            record_decision(review, user, worst, "out_of_scope")
            print(f"NLU inbox, {who} decision taking a text out: {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        with review.begin() as conn:
            refresh_pending(conn)
        print(f"NLU inbox, every pending flag recomputed (the schema 3 migration): "
              f"{time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        with review.begin() as conn:
            rebuild(conn)
        print(f"NLU inbox, rebuilt from every indexed message (the schema 2 migration): "
              f"{time.perf_counter() - start:.1f} s")
        review.dispose()
        tracker.dispose()


if __name__ == "__main__":
    main()
