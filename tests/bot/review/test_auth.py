"""Review-app users: scrypt-hashed passwords, server-side sessions (idle timeout, lifetime), CSRF tokens, roles,
and the audit rows of user changes."""

from __future__ import annotations

import pytest

from bot.review import audit, auth
from bot.review.audit import Actor
from bot.review.auth import AuthError, Role, SessionPolicy
from bot.review.schema import sessions, users
from bot.review.store import open_store

POLICY = SessionPolicy(idle_seconds=30 * 60, lifetime_seconds=12 * 3600)


@pytest.fixture
def engine(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    yield engine
    engine.dispose()


def test_passwords_are_stored_as_salted_scrypt_hashes(engine) -> None:
    auth.add_user(engine, "Meera", "a long secret", Role.TRAINER, "100000000000001")
    with engine.connect() as conn:
        stored = conn.execute(users.select()).one().password_hash
    assert stored.startswith("scrypt$16384$8$1$") and "a long secret" not in stored
    assert auth.hash_password("a long secret") != auth.hash_password("a long secret")
    assert auth.verify_password("a long secret", stored) and not auth.verify_password("a long secreT", stored)
    assert auth.authenticate(engine, "meera", "a long secret").role is Role.TRAINER
    assert auth.authenticate(engine, "meera", "wrong password") is None
    assert auth.authenticate(engine, "nobody", "a long secret") is None


def test_users_are_checked_when_created(engine) -> None:
    with pytest.raises(AuthError, match="10 characters"):
        auth.add_user(engine, "ravi", "short", Role.ADMIN, None)
    with pytest.raises(AuthError, match="one business only.*phone_number_id.*--tenant"):
        auth.add_user(engine, "ravi", "long enough pw", Role.REVIEWER, None)
    with pytest.raises(AuthError, match="a trainer sees the conversations of one business only"):
        auth.add_user(engine, "ravi", "long enough pw", Role.TRAINER, "  ")
    with pytest.raises(AuthError, match="not a WhatsApp phone_number_id"):
        auth.add_user(engine, "ravi", "long enough pw", Role.TRAINER, "+91 98123 45678")
    admin = auth.add_user(engine, "ravi", "long enough pw", Role.ADMIN, "ignored")
    assert admin.tenant is None and admin.sees_all_tenants
    with pytest.raises(AuthError, match="exists"):
        auth.add_user(engine, "RAVI", "long enough pw", Role.ADMIN, None)


def test_a_session_cookie_maps_to_its_user_and_only_its_hash_is_stored(engine) -> None:
    user = auth.add_user(engine, "sita", "long enough pw", Role.REVIEWER, "100000000000003")
    token = auth.start_session(engine, user, POLICY)
    session = auth.load_session(engine, token, POLICY)
    assert session.user == user and len(session.csrf_token) >= 40
    with engine.connect() as conn:
        assert token not in {row.token_hash for row in conn.execute(sessions.select())}
    assert auth.load_session(engine, token + "x", POLICY) is None
    other = auth.start_session(engine, user, POLICY)
    auth.set_password(engine, "sita", "a new long password")
    assert auth.load_session(engine, token, POLICY) is None  # a new password ends every session of theirs
    assert auth.load_session(engine, other, POLICY) is None
    token = auth.start_session(engine, user, POLICY)
    auth.end_session(engine, token)
    assert auth.load_session(engine, token, POLICY) is None


def test_a_session_ends_when_idle_and_at_its_lifetime_even_when_used(engine) -> None:
    user = auth.add_user(engine, "sita", "long enough pw", Role.REVIEWER, "100000000000003")
    start = 1_000_000.0
    idle = auth.start_session(engine, user, POLICY, now=start)
    assert auth.load_session(engine, idle, POLICY, now=start + 29 * 60) is not None
    assert auth.load_session(engine, idle, POLICY, now=start + 29 * 60 + 31 * 60) is None  # 31 idle minutes
    assert auth.load_session(engine, idle, POLICY, now=start + 29 * 60 + 60) is None  # and it stays ended

    busy = auth.start_session(engine, user, POLICY, now=start)
    at = start
    while at + 20 * 60 < start + POLICY.lifetime_seconds:  # a request every 20 minutes keeps it alive...
        at += 20 * 60
        assert auth.load_session(engine, busy, POLICY, now=at) is not None, at - start
    assert auth.load_session(engine, busy, POLICY, now=start + POLICY.lifetime_seconds) is None  # ...12 hours


def test_user_changes_are_audited_with_who_did_them(engine) -> None:
    actor = Actor("cli:root", "local")
    auth.add_user(engine, "ravi", "long enough pw", Role.REVIEWER, "100000000000003", actor=actor)
    auth.set_role(engine, "ravi", Role.TRAINER, "100000000000004", actor=actor)
    assert auth.authenticate(engine, "ravi", "long enough pw").tenant == "100000000000004"
    auth.set_password(engine, "Ravi", "another long one", actor=actor)
    with pytest.raises(AuthError, match="no user nobody"):
        auth.set_role(engine, "nobody", Role.ADMIN, None, actor=actor)
    with pytest.raises(AuthError, match="one business only"):
        auth.set_role(engine, "ravi", Role.REVIEWER, None, actor=actor)
    rows, total = audit.page(engine)
    assert total == 3
    assert [(r.actor, r.address, r.action, r.object, r.outcome, r.summary) for r in reversed(rows)] == [
        ("cli:root", "local", "user_added", "user ravi", "ok", "reviewer of business 10•••••••••••03"),
        ("cli:root", "local", "role_changed", "user ravi", "ok",
         "reviewer of business 10•••••••••••03 -> trainer of business 10•••••••••••04"),
        ("cli:root", "local", "password_changed", "user ravi", "ok", "0 session(s) ended"),
    ]
    assert "another long one" not in str(rows) and "long enough pw" not in str(rows)


def test_csrf_tokens_must_match_exactly(engine) -> None:
    assert auth.csrf_ok("abc123", "abc123")
    assert not auth.csrf_ok("abc123", "abc124")
    assert not auth.csrf_ok("abc123", None)
    assert not auth.csrf_ok(None, None)
    assert not auth.csrf_ok("", "")


def test_roles_are_ordered() -> None:
    assert Role.ADMIN.allows(Role.TRAINER) and Role.TRAINER.allows(Role.REVIEWER)
    assert not Role.REVIEWER.allows(Role.TRAINER) and not Role.TRAINER.allows(Role.ADMIN)


def test_sign_in_is_throttled_per_account_and_per_address(engine) -> None:
    now = 1_000_000.0
    for attempt in range(auth.SIGN_IN_ATTEMPTS):
        assert not auth.sign_in_throttled(engine, "Asha", "10.0.0.1", now)
        auth.record_sign_in_failure(engine, "asha", "10.0.0.1", now + attempt)
    assert auth.sign_in_throttled(engine, "asha", "10.0.0.9", now + 10)      # the account, from anywhere
    assert auth.sign_in_throttled(engine, "ravi", "10.0.0.1", now + 10)      # anyone, from that address
    assert not auth.sign_in_throttled(engine, "ravi", "10.0.0.9", now + 10)
    later = now + auth.SIGN_IN_WINDOW_SECONDS + auth.SIGN_IN_ATTEMPTS
    assert not auth.sign_in_throttled(engine, "asha", "10.0.0.1", later)  # 15 minutes on, the slate is clean
