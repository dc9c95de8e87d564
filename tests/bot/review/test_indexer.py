"""The conversation index: built incrementally from Rasa's `events` table, filtered and scoped per user."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pytest
from sqlalchemy import create_engine, delete, insert, select, text, update

from bot.review import audit, auth
from bot.review.auth import Role, User
from bot.review.indexer import sync
from bot.review.decisions import record_decision, refresh_training_texts
from bot.review.queries import Filters, conversation, decision_scope, filter_choices, inbox, list_conversations
from bot.review.nlu_files import Example
from bot.review.inbox_index import ALL_TENANTS, rebuild, refresh_pending
from bot.review.schema import conversations, inbox_decisions, messages, models, settings, tenants
from bot.review.schema import inbox as inbox_table
from bot.review.store import MASK_SETTING, SCHEMA_SETTING, SCHEMA_VERSION, get_setting, open_store, set_setting
from tests.bot.review.tracker_events import DAY, SHOP_A, SHOP_B, Tracker

SHOP_C, SHOP_D = "100000000000003", "100000000000004"
ADMIN = User(1, "admin", Role.ADMIN, None)
REVIEWER_A = User(2, "asha", Role.REVIEWER, SHOP_A)
TRAINER_A = User(4, "meera", Role.TRAINER, SHOP_A)
TRAINER_B = User(3, "bina", Role.TRAINER, SHOP_B)
TRAINER_C = User(5, "chitra", Role.TRAINER, SHOP_C)
TRAINER_D = User(6, "divya", Role.TRAINER, SHOP_D)
_schemas = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def review_url(request, tmp_path) -> str:
    """A new, empty review store: a SQLite file, or a schema of its own on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    url = request.getfixturevalue("postgres_url")
    schema = f"review_{next(_schemas)}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def stores(tmp_path, review_url):
    tracker = Tracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    review = open_store(review_url)
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


def test_the_filter_drop_downs_offer_only_what_the_users_business_saw(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    tracker.user("919800000001", SHOP_A, "dhanyavaad", "thank", 0.9)
    sync(review, tracker.engine)
    shop_a, shop_b, admin = (filter_choices(review, user) for user in (REVIEWER_A, TRAINER_B, ADMIN))
    assert (shop_a["intents"], shop_a["actions"]) == (["check_dues", "check_stock", "thank"], ["action_check_stock"])
    assert (shop_b["intents"], shop_b["actions"]) == (["nlu_fallback"], ["action_default_fallback"])
    assert (admin["intents"], admin["actions"]) == (["check_dues", "check_stock", "nlu_fallback", "thank"],
                                                    ["action_check_stock", "action_default_fallback"])
    assert (shop_a["tenants"], shop_b["tenants"]) == ([SHOP_A], [SHOP_B])
    nobody = filter_choices(review, User(9, "nobody", Role.REVIEWER, "100000000000999"))
    assert (nobody["intents"], nobody["actions"], nobody["tenants"]) == ([], [], [])


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


def _inbox_rows(review) -> list[tuple]:
    with review.connect() as conn:
        return [tuple(r) for r in conn.execute(select(inbox_table).order_by(inbox_table.c.tenant_id,
                                                                            inbox_table.c.text_key))]


def test_the_inbox_is_kept_per_business_and_across_businesses_for_admins(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    tracker.user("919800000004", SHOP_B, "parle g ka hisaab", "check_dues", 0.61)
    sync(review, tracker.engine, batch=2)
    admin = {i.text_key: i for i in inbox(review, ADMIN)[0]}
    assert (admin["parle g ka hisaab"].count, admin["parle g ka hisaab"].confidence) == (3, 0.52)
    latest = admin["parle g ka hisaab"]
    assert (latest.text, latest.event_id, latest.language) == ("parle g ka hisaab", 8, "hinglish")
    assert [(i.text_key, i.count, i.confidence) for i in inbox(review, TRAINER_B)[0]] == [
        ("maggi ke packet dekh lo", 1, 0.4), ("parle g ka hisaab", 1, 0.61)]
    shop_a = inbox(review, REVIEWER_A)[0]
    assert [(i.text_key, i.count, i.confidence, i.text) for i in shop_a] == [
        ("parle g ka hisaab", 2, 0.52, "Parle G  ka hisaab"), ("kitna stock hai maggi ka?", 1, 0.98,
                                                               "kitna stock hai Maggi ka?")]
    assert inbox(review, User(9, "nobody", Role.TRAINER, "100000000000999")) == ([], 0)
    page_two, total = inbox(review, ADMIN, page=2, page_size=2)
    assert ([i.text_key for i in page_two], total) == (["kitna stock hai maggi ka?"], 3)


def test_decisions_and_training_data_take_texts_out_of_the_inbox_and_back(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    sync(review, tracker.engine)
    record_decision(review, TRAINER_B, "Maggi ke packet dekh lo", "out_of_scope")
    assert [i.text_key for i in inbox(review, ADMIN)[0]] == ["parle g ka hisaab", "kitna stock hai maggi ka?"]
    assert inbox(review, TRAINER_B) == ([], 0)
    trained = [Example("hinglish", "check_dues", "parle g ka hisaab"),
               Example("hinglish", "check_stock", "Maggi ke packet dekh lo")]
    refresh_training_texts(review, trained)
    assert [i.text_key for i in inbox(review, ADMIN)[0]] == ["kitna stock hai maggi ka?"]
    tracker.user("919800000005", SHOP_B, "PARLE G ka hisaab", "check_dues", 0.2)  # trained text: stays out
    tracker.user("919800000005", SHOP_B, "dal ka rate", "check_stock", 0.3)  # new text: comes in
    sync(review, tracker.engine)
    assert [i.text_key for i in inbox(review, TRAINER_B)[0]] == ["dal ka rate"]
    refresh_training_texts(review, [])  # both left the training data: the undecided one is back
    assert [(i.text_key, i.count) for i in inbox(review, TRAINER_B)[0]] == [("parle g ka hisaab", 1),
                                                                            ("dal ka rate", 1)]
    assert [i.text_key for i in inbox(review, ADMIN)[0]] == ["parle g ka hisaab", "dal ka rate",
                                                             "kitna stock hai maggi ka?"]


def _keys(review, user: User) -> list[str]:
    items, total = inbox(review, user)
    assert total == len(items)
    return [i.text_key for i in items]


def _assert_consistent(review) -> None:
    """The stored inbox (counts and pending flags) equals one counted from scratch from the indexed messages, the
    training data and the decisions."""
    stored = _inbox_rows(review)
    with review.connect() as conn:
        recount = conn.begin()
        rebuild(conn, batch=2)
        rebuilt = [tuple(r) for r in conn.execute(select(inbox_table).order_by(inbox_table.c.tenant_id,
                                                                               inbox_table.c.text_key))]
        recount.rollback()
    assert rebuilt == stored


def _decisions_seen_by(review, user: User) -> set[tuple[str, str]]:
    with review.connect() as conn:
        return {(r.author, r.text_key) for r in conn.execute(select(inbox_decisions)
                                                             .where(decision_scope(conn, user)))}


def test_a_trainers_decision_is_for_their_business_and_an_admins_for_every_business(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    tracker.user("919800000004", SHOP_B, "parle g ka hisaab", "check_dues", 0.61)
    tracker.user("919800000009", None, "dal ka rate", "check_stock", 0.3)  # a conversation of no business
    tracker.user("919800000004", SHOP_B, "dal ka rate", "check_stock", 0.35)
    sync(review, tracker.engine)
    record_decision(review, TRAINER_B, "Parle G ka hisaab", "out_of_scope")
    assert _keys(review, TRAINER_B) == ["dal ka rate", "maggi ke packet dekh lo"]
    assert _keys(review, TRAINER_A) == ["parle g ka hisaab", "kitna stock hai maggi ka?"]
    assert "parle g ka hisaab" in _keys(review, ADMIN)  # still open for shop A
    record_decision(review, TRAINER_A, "parle g ka hisaab", "deleted")
    assert "parle g ka hisaab" not in _keys(review, ADMIN)  # every business that sent it decided
    record_decision(review, TRAINER_B, "dal ka rate", "deleted")
    assert _keys(review, TRAINER_B) == ["maggi ke packet dekh lo"]
    assert _keys(review, ADMIN) == ["dal ka rate", "maggi ke packet dekh lo", "kitna stock hai maggi ka?"]
    _assert_consistent(review)

    tracker.user("919800000004", SHOP_B, "parle g ka hisaab", "check_dues", 0.1)  # decided for B: stays out
    tracker.user("919800000010", SHOP_C, "parle g ka hisaab", "check_dues", 0.5)  # not decided for C: comes in
    sync(review, tracker.engine)
    assert _keys(review, TRAINER_B) == ["maggi ke packet dekh lo"]
    assert _keys(review, TRAINER_C) == ["parle g ka hisaab"]
    assert _keys(review, ADMIN)[:2] == ["parle g ka hisaab", "dal ka rate"]
    _assert_consistent(review)

    record_decision(review, ADMIN, "parle g ka hisaab", "out_of_scope")
    record_decision(review, ADMIN, "dal ka rate", "deleted")
    assert inbox(review, TRAINER_C) == ([], 0)
    tracker.user("919800000011", SHOP_D, "PARLE G ka hisaab", "check_dues", 0.2)  # a business to come, too
    sync(review, tracker.engine)
    assert inbox(review, TRAINER_D) == ([], 0)
    assert _keys(review, ADMIN) == ["maggi ke packet dekh lo", "kitna stock hai maggi ka?"]
    _assert_consistent(review)

    assert _decisions_seen_by(review, TRAINER_A) == {("meera", "parle g ka hisaab"), ("admin", "parle g ka hisaab")}
    assert _decisions_seen_by(review, TRAINER_B) == {("bina", "parle g ka hisaab"), ("bina", "dal ka rate"),
                                                     ("admin", "parle g ka hisaab"), ("admin", "dal ka rate")}
    assert _decisions_seen_by(review, TRAINER_C) == {("admin", "parle g ka hisaab")}
    assert len(_decisions_seen_by(review, ADMIN)) == 5


def test_the_incremental_inbox_equals_one_counted_from_scratch(stores) -> None:
    tracker, review = stores
    _seed(tracker)
    tracker.user("919800000004", SHOP_B, "parle g ka hisaab", "check_dues", 0.61)
    tracker.user("919800000005", SHOP_A, "/greet", "greet", 1.0)
    tracker.user("919800000005", SHOP_A, "", None, None)
    refresh_training_texts(review, [Example("hinglish", "check_stock", "kitna stock hai [Maggi](product) ka?")])
    for _ in range(3):
        sync(review, tracker.engine, batch=1)
    incremental = _inbox_rows(review)
    assert len(incremental) == 3 + 2 + 2 and {row[1] for row in incremental} == {
        "kitna stock hai maggi ka?", "maggi ke packet dekh lo", "parle g ka hisaab"}
    with review.begin() as conn:
        rebuild(conn, batch=2)
    assert _inbox_rows(review) == incremental


def _release_3_tables(conn) -> None:
    """Sessions and settings as releases 1 to 3 had them: no last-seen time, no audit log."""
    conn.execute(text("ALTER TABLE review_sessions DROP COLUMN last_seen_at"))
    conn.execute(text("DROP TABLE review_audit"))


def _release_2_decisions_table(conn, tenant_column: bool) -> None:
    """The decisions table as releases 1 (no `tenant_id`) and 2 had it: keyed by the text alone."""
    conn.execute(text("DROP TABLE review_inbox_decisions"))
    conn.execute(text("CREATE TABLE review_inbox_decisions (text_key VARCHAR(512) NOT NULL PRIMARY KEY, "
                      "decision VARCHAR(16) NOT NULL, text TEXT NOT NULL, intent VARCHAR(255), "
                      "language_file VARCHAR(32), author VARCHAR(64) NOT NULL, decided_at FLOAT NOT NULL"
                      + (", tenant_id INTEGER)" if tenant_column else ")")))


def _old_decision(conn, key: str, author: str, tenant_id: int | None = None) -> None:
    tenant = {"tenant_id": tenant_id} if tenant_id is not None else {}
    conn.execute(text(f"INSERT INTO review_inbox_decisions (text_key, decision, text, author, decided_at"
                      f"{', tenant_id' if tenant else ''}) VALUES (:key, 'out_of_scope', :text, :author, :at"
                      f"{', :tenant_id' if tenant else ''})"),
                 {"key": key, "text": key, "author": author, "at": DAY, **tenant})


def test_a_store_from_the_first_release_is_migrated(stores, review_url) -> None:
    tracker, review = stores
    _seed(tracker)
    sync(review, tracker.engine)
    record_decision(review, ADMIN, "Maggi ke packet dekh lo", "out_of_scope")
    expected = _inbox_rows(review)
    with review.begin() as conn:  # back to the first release's schema
        conn.execute(text("DROP TABLE review_inbox"))
        conn.execute(text("DROP TABLE review_model_examples"))
        for table, column in [("review_models", "active_name"), ("review_models", "active_comparable")]:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        _release_2_decisions_table(conn, tenant_column=False)
        _release_3_tables(conn)
        _old_decision(conn, "maggi ke packet dekh lo", "asha")
        conn.execute(delete(settings))
    review.dispose()
    migrated = open_store(review_url)
    try:
        assert _inbox_rows(migrated) == expected
        assert get_setting(migrated, SCHEMA_SETTING, "") == str(SCHEMA_VERSION)
        with migrated.connect() as conn:
            assert conn.execute(select(models.c.active_comparable)).all() == []
            assert conn.execute(select(inbox_decisions.c.tenant_id, inbox_decisions.c.text_key)).all() == [
                (ALL_TENANTS, "maggi ke packet dekh lo")]
        open_store(review_url).dispose()  # opening it again changes nothing
        assert _inbox_rows(migrated) == expected
    finally:
        migrated.dispose()


def test_a_schema_2_store_keeps_each_decision_for_the_business_it_was_recorded_for(stores, review_url) -> None:
    tracker, review = stores
    _seed(tracker)
    tracker.user("919800000004", SHOP_B, "parle g ka hisaab", "check_dues", 0.61)
    sync(review, tracker.engine)
    with review.begin() as conn:  # release 2: decisions keyed by text, each hiding its text from every business
        shop_b = conn.execute(select(tenants.c.id).where(tenants.c.phone_number_id == SHOP_B)).scalar_one()
        _release_2_decisions_table(conn, tenant_column=True)
        _release_3_tables(conn)
        _old_decision(conn, "parle g ka hisaab", "bina", tenant_id=shop_b)
        _old_decision(conn, "maggi ke packet dekh lo", "asha")  # recorded for no business
        conn.execute(update(inbox_table).where(inbox_table.c.text_key.in_(["parle g ka hisaab",
                                                                            "maggi ke packet dekh lo"]))
                     .values(pending=False))
    set_setting(review, SCHEMA_SETTING, "2")
    review.dispose()
    migrated = open_store(review_url)
    try:
        assert get_setting(migrated, SCHEMA_SETTING, "") == str(SCHEMA_VERSION)
        with migrated.connect() as conn:
            assert {(r.tenant_id, r.text_key, r.author) for r in conn.execute(select(inbox_decisions))} == {
                (shop_b, "parle g ka hisaab", "bina"), (ALL_TENANTS, "maggi ke packet dekh lo", "asha")}
        # shop B's decision no longer hides the text from shop A
        assert _keys(migrated, TRAINER_A) == ["parle g ka hisaab", "kitna stock hai maggi ka?"]
        assert _keys(migrated, TRAINER_B) == []
        assert _keys(migrated, ADMIN) == ["parle g ka hisaab", "kitna stock hai maggi ka?"]
        _assert_consistent(migrated)
        record_decision(migrated, TRAINER_A, "parle g ka hisaab", "deleted")  # a second business's decision on it
        assert _keys(migrated, ADMIN) == ["kitna stock hai maggi ka?"]
        expected = _inbox_rows(migrated)
        open_store(review_url).dispose()  # opening it again changes nothing
        assert _inbox_rows(migrated) == expected
        _assert_consistent(migrated)
    finally:
        migrated.dispose()


def test_a_schema_3_store_gets_the_audit_log_and_its_sessions_end(stores, review_url) -> None:
    """Release 3's sessions had no last-seen time (they would never go idle) and its masking could be switched
    off: after the migration, everyone signs in again and masking is on."""
    _, review = stores
    user = auth.add_user(review, "asha", "long enough pw", Role.ADMIN, None)
    policy = auth.SessionPolicy()
    token = auth.start_session(review, user, policy)
    with review.begin() as conn:
        _release_3_tables(conn)
        conn.execute(insert(settings).values(key=MASK_SETTING, value="0"))
    set_setting(review, SCHEMA_SETTING, "3")
    review.dispose()
    migrated = open_store(review_url)
    try:
        assert get_setting(migrated, SCHEMA_SETTING, "") == str(SCHEMA_VERSION)
        assert get_setting(migrated, MASK_SETTING, "gone") == "gone"
        assert auth.load_session(migrated, token, policy) is None
        assert auth.load_session(migrated, auth.start_session(migrated, user, policy), policy).user == user
        auth.set_password(migrated, "asha", "another long pw")
        assert [row.action for row in audit.page(migrated)[0]] == ["password_changed"]
        open_store(review_url).dispose()  # opening it again changes nothing
    finally:
        migrated.dispose()
