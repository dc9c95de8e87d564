"""Users, hashed passwords, sessions and CSRF tokens for the review app.

Passwords are hashed with scrypt (stdlib `hashlib.scrypt`, a fresh salt each), sessions are
random tokens whose SHA-256 is stored server-side (a stolen database holds no usable cookie),
and each session carries its own CSRF token that every form must send back. A session ends when it
has been idle too long or reached its lifetime (`SessionPolicy`), when its user signs out, and when
their password changes (all of theirs). Adding a user, changing a role or a password is audited in the
same transaction.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from bot.review import audit
from bot.review.audit import Actor, Entry
from bot.review.schema import sessions, sign_in_failures, users

SIGN_IN_ATTEMPTS = 5
SIGN_IN_WINDOW_SECONDS = 15 * 60
"""At most SIGN_IN_ATTEMPTS wrong passwords per account and per address within the window."""
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
USERNAME = re.compile(r"^[a-z0-9_.@-]{2,64}$")
MIN_PASSWORD_LENGTH = 10
PHONE_NUMBER_ID = re.compile(r"^[0-9]{5,32}$")


class Role(str, enum.Enum):
    """What a review-app user may do: read and annotate conversations, train, or everything."""

    REVIEWER = "reviewer"
    TRAINER = "trainer"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        order = [Role.REVIEWER, Role.TRAINER, Role.ADMIN]
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    tenant: str | None
    """The business number (phone_number_id) whose conversations a non-admin may see."""

    @property
    def sees_all_tenants(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: `idle_seconds` after its last request (sliding), `lifetime_seconds` at most."""

    idle_seconds: float = 30 * 60
    lifetime_seconds: float = 12 * 3600

    @property
    def touch_seconds(self) -> float:
        """How stale `last_seen_at` may get before a request writes it again (one write a minute, at most)."""
        return min(60.0, self.idle_seconds / 10)


class AuthError(ValueError):
    """A user could not be created or signed in; the message says why."""


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash`, salt and hash in URL-safe base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.urlsafe_b64encode(salt).decode(), base64.urlsafe_b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True if `password` hashes to `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(password.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r), p=int(p),
                              dklen=32)
    return hmac.compare_digest(computed, base64.urlsafe_b64decode(digest))


def add_user(engine: Engine, username: str, password: str, role: Role, tenant: str | None,
             actor: Actor | None = None) -> User:
    """Create a user (audited as `actor`'s doing, the command line's by default); non-admins must belong to a
    business (tenant) since they see only its conversations."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AuthError("a username is 2-64 characters: lowercase letters, digits, _ . @ -")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    tenant = _checked_tenant(role, tenant)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise AuthError(f"the user {username} exists already")
        user_id = conn.execute(insert(users).values(
            username=username, password_hash=hash_password(password), role=role.value, tenant=tenant,
            created_at=time.time(),
        )).inserted_primary_key[0]
        audit.record(conn, actor or Actor.command_line(),
                     Entry("user_added", f"user {username}", summary=_role_summary(role, tenant)))
    return User(user_id, username, role, tenant)


def _checked_tenant(role: Role, tenant: str | None) -> str | None:
    """The business a user of `role` is limited to (None for an admin); AuthError when it is missing or no
    phone_number_id."""
    tenant = (tenant or "").strip() or None
    if role is Role.ADMIN:
        return None
    if not tenant:
        raise AuthError(f"a {role.value} sees the conversations of one business only: give that business's "
                        "WhatsApp phone_number_id (--tenant); only an admin sees every business")
    if not PHONE_NUMBER_ID.match(tenant):
        raise AuthError(f"{tenant!r} is not a WhatsApp phone_number_id (digits only, e.g. 100000000000001; "
                        "not the phone number itself)")
    return tenant


def _role_summary(role: Role, tenant: str | None) -> str:
    return f"{role.value} of business {tenant}" if tenant else f"{role.value} of every business"


def set_password(engine: Engine, username: str, password: str, actor: Actor | None = None) -> None:
    """A new password for `username`; every session of theirs ends (audited as `actor`'s doing)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    username = username.strip().lower()
    with engine.begin() as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=hash_password(password)))
        ended = conn.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount
        audit.record(conn, actor or Actor.command_line(),
                     Entry("password_changed", f"user {username}", summary=f"{ended} session(s) ended"))


def set_role(engine: Engine, username: str, role: Role, tenant: str | None, actor: Actor | None = None) -> User:
    """Give `username` another role (and business); it applies from their next request (audited)."""
    tenant, username = _checked_tenant(role, tenant), username.strip().lower()
    with engine.begin() as conn:
        user_id = _user_id(conn, username)
        before = conn.execute(select(users.c.role, users.c.tenant).where(users.c.id == user_id)).one()
        conn.execute(update(users).where(users.c.id == user_id).values(role=role.value, tenant=tenant))
        audit.record(conn, actor or Actor.command_line(), Entry(
            "role_changed", f"user {username}",
            summary=f"{_role_summary(Role(before.role), before.tenant)} -> {_role_summary(role, tenant)}"))
    return User(user_id, username, role, tenant)


def _user_id(conn: Connection, username: str) -> int:
    user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
    if user_id is None:
        raise AuthError(f"no user {username}")
    return user_id


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(row) for row in conn.execute(select(users).order_by(users.c.username))]


def _user(row) -> User:  # type: ignore[no-untyped-def]
    return User(row.id, row.username, Role(row.role), row.tenant)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The user if the password matches; the same work is done for unknown names (no user enumeration)."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username.strip().lower())).first()
    if row is None:
        verify_password(password, _DUMMY_HASH)
        return None
    return _user(row) if verify_password(password, row.password_hash) else None


_DUMMY_HASH = hash_password(secrets.token_hex(8))


def known_username(engine: Engine, username: str) -> str | None:
    """The username as stored if such a user exists (what a failed sign-in is audited under: never what was
    typed, which may be a password typed in the wrong field)."""
    with engine.connect() as conn:
        return conn.execute(select(users.c.username).where(users.c.username == username.strip().lower())).scalar()


def _failure_keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.strip().lower()}", f"address:{address}"


def sign_in_throttled(engine: Engine, username: str, address: str, now: float | None = None) -> bool:
    """Whether the account or the address has had SIGN_IN_ATTEMPTS wrong passwords within the window."""
    since = (time.time() if now is None else now) - SIGN_IN_WINDOW_SECONDS
    with engine.connect() as conn:
        counts = conn.execute(select(func.count()).select_from(sign_in_failures)
                              .where(sign_in_failures.c.key.in_(_failure_keys(username, address)),
                                     sign_in_failures.c.at > since)
                              .group_by(sign_in_failures.c.key)).scalars().all()
    return any(count >= SIGN_IN_ATTEMPTS for count in counts)


def record_sign_in_failure(engine: Engine, username: str, address: str, now: float | None = None) -> None:
    """Count a wrong password against the account and the address (and forget failures past the window)."""
    at = time.time() if now is None else now
    with engine.begin() as conn:
        conn.execute(delete(sign_in_failures).where(sign_in_failures.c.at <= at - SIGN_IN_WINDOW_SECONDS))
        conn.execute(insert(sign_in_failures), [{"key": key, "at": at} for key in _failure_keys(username, address)])


def _token_hash(token: str) -> str:
    return hashlib.sha256(_as_sent(token)).hexdigest()


def start_session(engine: Engine, user: User, policy: SessionPolicy, now: float | None = None) -> str:
    """A new session for `user`; returns the cookie value (only its hash is stored)."""
    token, now = secrets.token_urlsafe(32), time.time() if now is None else now
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(insert(sessions).values(token_hash=_token_hash(token), user_id=user.id,
                                             csrf_token=secrets.token_urlsafe(32),
                                             expires_at=now + policy.lifetime_seconds, last_seen_at=now))
    return token


def load_session(engine: Engine, token: str | None, policy: SessionPolicy, now: float | None = None) -> Session | None:
    """The live session behind a cookie value, or None: a session idle for `policy.idle_seconds` or past its
    lifetime is ended. Using it keeps it alive (its last-seen time is written once in `touch_seconds`)."""
    if not token:
        return None
    now, key = time.time() if now is None else now, _token_hash(token)
    with engine.connect() as conn:
        row = conn.execute(
            select(sessions.c.csrf_token, sessions.c.expires_at, sessions.c.last_seen_at, users)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == key)
        ).first()
    if row is None:
        return None
    if row.expires_at <= now or row.last_seen_at + policy.idle_seconds <= now:
        end_session(engine, token)
        return None
    if now - row.last_seen_at >= policy.touch_seconds:
        with engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.token_hash == key).values(last_seen_at=now))
    return Session(_user(row), row.csrf_token)


def end_session(engine: Engine, token: str | None) -> None:
    """Sign a browser out: its session is deleted."""
    if token:
        with engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))


def csrf_ok(expected: str | None, sent: str | None) -> bool:
    """Constant-time check of a form's CSRF token against the session's (or the sign-in cookie's)."""
    return bool(expected) and bool(sent) and hmac.compare_digest(expected.encode(), _as_sent(sent))


def _as_sent(value: str) -> bytes:
    """A cookie, header or form value as bytes, even one that is not UTF-8 (Sanic hands those on with lone
    surrogates in place of the bad bytes): it then matches no token we issued, and raises nothing."""
    return value.encode("utf-8", "surrogatepass")
