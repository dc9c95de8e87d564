"""The channel's settings, from credentials.yml with the environment as a fallback."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0"
DEFAULT_MAX_SEND_RATE = 80.0
"""Meta's default throughput per business number: 80 messages per second."""

MAX_WEBHOOK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class WhatsAppSettings:
    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    max_send_rate: float = DEFAULT_MAX_SEND_RATE
    redis_url: str = ""
    """Inbox, outbox and delivery log in Redis when set (shared by every replica); in SQLite (`store_path`)
    otherwise."""
    claim_after: float = 30.0
    """With Redis: seconds a conversation's entry may sit idle before another replica takes it over (its replica
    died); the owner refreshes it every third of this while it works."""
    store_path: Path = Path("var/whatsapp.db")
    media_dir: Path = Path("var/media")
    reengagement_template: str = ""
    """An approved template sent when 131047 says the 24-hour window has closed ("" = none)."""
    reengagement_template_language: str = "en"

    @classmethod
    def load(cls, credentials: dict[str, Any] | None = None, environ: dict[str, str] | None = None
             ) -> WhatsAppSettings:
        """Each setting from credentials.yml if given there, else from `WHATSAPP_<NAME>`, else the default."""
        credentials, environ = credentials or {}, os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, default in cls.__dataclass_fields__.items():
            value = credentials.get(name)
            if value in (None, ""):
                value = environ.get(f"WHATSAPP_{name.upper()}")
            if value in (None, ""):
                continue
            values[name] = type(default.default)(value) if not isinstance(default.default, str) else str(value)
        return cls(**values)
