"""Secrets at rest: the shops' Razorpay keys and webhook secrets, encrypted with a key the database never sees.

Keys come from `HISAAB_SECRET_KEYS`, comma-separated Fernet keys: the first
encrypts, any of them decrypts (`MultiFernet`), so a key is rotated by putting
a new one first, restarting, re-encrypting (`bot secrets rotate`) and then
dropping the old one. In development, without that variable, a key is made
once and kept in `var/secret.key` (mode 0600); in production
(`HISAAB_ENV=production`) a missing key is an error.

A stored value is `fernet:1:` followed by the Fernet token, so a plain value
(written before encryption, or around the ERP) is told apart and refused.
"""

from __future__ import annotations

import binascii
import os
import tempfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_ENV = "HISAAB_SECRET_KEYS"
PREFIX = "fernet:1:"
"""Marks an encrypted value and its format's version."""
DEVELOPMENT_KEY_FILE = Path("var") / "secret.key"
"""The development key, relative to the working directory like the default database `var/erp.db`."""


class SecretKeyError(RuntimeError):
    """The keys are missing or malformed, or a stored secret cannot be read with them."""


def new_key() -> str:
    """A fresh random Fernet key (32 bytes, url-safe base64)."""
    return Fernet.generate_key().decode()


def key_problems(value: str) -> list[str]:
    """What is wrong with a `HISAAB_SECRET_KEYS` value, naming keys by position (never printing one)."""
    keys = [key.strip() for key in value.split(",")]
    if not any(keys):
        return [f"{KEYS_ENV} is missing"]
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, binascii.Error):
            problems.append(f"{KEYS_ENV}: key {position} of {len(keys)} is not a Fernet key "
                            "(32 url-safe base64-encoded bytes; `python -m bot secrets new-key` makes one)")
    return problems


def is_encrypted(stored: str) -> bool:
    """Whether a stored value is one this module encrypted (plain legacy values are not)."""
    return stored.startswith(PREFIX)


class SecretBox:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        problems = key_problems(",".join(keys))
        if problems:
            raise SecretKeyError("; ".join(problems))
        self._fernet = MultiFernet([Fernet(key.strip()) for key in keys])

    def encrypt(self, plain: str) -> str:
        """The value to store for `plain`."""
        return PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, stored: str) -> str:
        """The plain secret of a stored value; `SecretKeyError` for a plain value or one no key opens."""
        try:
            return self._fernet.decrypt(_token(stored)).decode()
        except InvalidToken:
            raise _unreadable() from None

    def rotate(self, stored: str) -> str:
        """The same secret encrypted with the first key: a new value to store."""
        try:
            return PREFIX + self._fernet.rotate(_token(stored)).decode()
        except InvalidToken:
            raise _unreadable() from None


def _token(stored: str) -> bytes:
    if not is_encrypted(stored):
        raise SecretKeyError("a stored secret is not encrypted: it was written around the ERP "
                             "(migration 0005 encrypted the secrets stored before it)")
    return stored[len(PREFIX):].encode()


def _unreadable() -> SecretKeyError:
    return SecretKeyError(f"a stored secret cannot be decrypted with any key in {KEYS_ENV}: "
                          "is the key that encrypted it missing (or the value altered)?")


def current_box(environ: Mapping[str, str] | None = None) -> SecretBox:
    """The box for this process: `HISAAB_SECRET_KEYS`, else (not in production) the development key file."""
    environ = os.environ if environ is None else environ
    value = environ.get(KEYS_ENV, "").strip()
    if value:
        return _box(value)
    if environ.get("HISAAB_ENV", "development") == "production":  # as connectors.metadata.production()
        raise SecretKeyError(f"{KEYS_ENV} is missing: in production the key that encrypts stored secrets comes "
                             "from the environment (`python -m bot secrets new-key` makes one)")
    return _box(development_key(DEVELOPMENT_KEY_FILE.resolve()))


@lru_cache(maxsize=8)
def _box(value: str) -> SecretBox:
    return SecretBox(value.split(","))


@lru_cache(maxsize=8)
def development_key(path: Path) -> str:
    """The key kept in `path`, made on first use (readable by this user only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(new_key() + "\n")
            os.link(scratch, path)  # atomic: a process that loses the race reads the winner's key
        except FileExistsError:
            pass
        finally:
            os.unlink(scratch)
    return path.read_text().strip()
