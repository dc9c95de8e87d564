"""Where the review app finds everything, from the environment (nothing needs setting for `make run`)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from bot.review.auth import SessionPolicy
from bot.review.store import review_database_url
from bot.review.tracker import tracker_store_url
from connectors.metadata import production
from connectors.settings import WhatsAppSettings


@dataclass(frozen=True)
class ReviewConfig:
    root: Path
    """The repository: code and the Rasa environment."""
    project: Path
    """config.yml, domain.yml and data/ that the trainer edits and models are trained from."""
    database_url: str
    tracker_url: str
    rasa_url: str
    rasa_token: str | None
    models_dir: Path
    work_dir: Path
    whatsapp: WhatsAppSettings
    """The WhatsApp channel's settings (credentials.yml, then the environment): where its delivery log is."""
    cookie_secure: str
    """`always` (what the production profile, HISAAB_ENV=production, implies), or `auto`: Secure over HTTPS and
    on localhost (deploy behind TLS)."""
    sessions: SessionPolicy
    """REVIEW_SESSION_IDLE_MINUTES (30) and REVIEW_SESSION_HOURS (12)."""

    @property
    def nlu_dir(self) -> Path:
        return self.project / "data" / "nlu"

    @classmethod
    def from_env(cls, root: Path) -> ReviewConfig:
        project = Path(os.environ.get("REVIEW_PROJECT_DIR") or root)
        credentials = YAML(typ="safe").load((root / "credentials.yml").read_text(encoding="utf-8")) or {}
        return cls(
            root=root, project=project, database_url=review_database_url(root),
            tracker_url=tracker_store_url(project),
            rasa_url=os.environ.get("REVIEW_RASA_URL") or "http://localhost:5005",
            rasa_token=os.environ.get("RASA_AUTH_TOKEN") or None,
            models_dir=Path(os.environ.get("REVIEW_MODELS_DIR") or root / "models"),
            work_dir=Path(os.environ.get("REVIEW_WORK_DIR") or root / "var" / "review"),
            whatsapp=WhatsAppSettings.load(credentials.get("connectors.whatsapp.WhatsAppInput")),
            cookie_secure="always" if production() else os.environ.get("REVIEW_COOKIE_SECURE") or "auto",
            sessions=SessionPolicy(idle_seconds=_positive("REVIEW_SESSION_IDLE_MINUTES", 30) * 60,
                                   lifetime_seconds=_positive("REVIEW_SESSION_HOURS", 12) * 3600),
        )


def _positive(name: str, default: float) -> float:
    """A positive number from the environment variable `name`, or `default`; ValueError naming it otherwise."""
    value = os.environ.get(name) or str(default)
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not (number > 0 and math.isfinite(number)):
        raise ValueError(f"{name} must be a positive number, not {value!r}")
    return number
