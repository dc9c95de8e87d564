"""`X-Hub-Signature-256`: Meta signs every webhook body with the app secret (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac
from enum import Enum

HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


class Signature(Enum):
    """The outcome of checking a webhook's signature; the channel maps it to an HTTP status."""

    VALID = 200
    MISSING = 401
    WRONG = 403


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends for `body`: `sha256=` + the hex HMAC-SHA256 with the app secret."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def check(header: str | None, body: bytes, app_secret: str) -> Signature:
    """Compare the header with our own signature of the raw body, in constant time.

    Without an app secret nothing can be verified, so every body is refused.
    """
    if not header:
        return Signature.MISSING
    if not app_secret or not header.startswith(PREFIX):
        return Signature.WRONG
    return Signature.VALID if hmac.compare_digest(header.encode(), sign(body, app_secret).encode()) else Signature.WRONG
