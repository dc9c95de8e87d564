"""Rasa's endpoints.yml for one Rasa process, from the file and the environment.

The embedded default is endpoints.yml as committed (SQLite tracker store, Rasa's in-memory lock store, the action
server on localhost:5055). The scale-out profile changes it through the environment only:

- `HISAAB_TRACKER_STORE_URL`: the tracker store, a PostgreSQL URL (`postgresql://user:password@host:5432/rasa`);
  the review app, the notice worker and `bot privacy` read the same conversations through it;
- `HISAAB_LOCK_STORE_URL`: Rasa's `RedisLockStore` (`redis://[:password@]host:6379/1`), so each conversation is
  handled by one replica at a time;
- `HISAAB_ACTION_SERVER_URL`: this replica's action server (`http://127.0.0.1:5155/webhook`);
- `HISAAB_ACTIONS_TOKEN`: the secret the action server wants, sent as a header (the file names the variable; Rasa
  fills it in from its environment).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

TRACKER_STORE_URL = "HISAAB_TRACKER_STORE_URL"
LOCK_STORE_URL = "HISAAB_LOCK_STORE_URL"
ACTION_SERVER_URL = "HISAAB_ACTION_SERVER_URL"
ACTIONS_TOKEN = "HISAAB_ACTIONS_TOKEN"
"""The environment variable holding the secret the Rasa server shows the action server."""
LOCK_KEY_PREFIX = "hisaab"


def tracker_store(url: str) -> dict[str, Any]:
    """Rasa's SQL tracker store for a PostgreSQL URL (any driver named in it is Rasa's own business: psycopg2)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"{TRACKER_STORE_URL} must be a postgresql:// URL, not {parsed.get_backend_name()}")
    store: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "url": parsed.host or "localhost",
                             "port": parsed.port or 5432, "db": parsed.database or "rasa"}
    if parsed.username:
        store["username"] = parsed.username
    if parsed.password:
        store["password"] = parsed.password
    return store


def lock_store(url: str) -> dict[str, Any]:
    """Rasa's `RedisLockStore` for a redis:// URL (database number from its path, default 1)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"{LOCK_STORE_URL} must be a redis:// URL")
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname or "localhost", "port": parts.port or 6379,
                             "db": int(parts.path.strip("/") or 1), "key_prefix": LOCK_KEY_PREFIX}
    if parts.password:
        store["password"] = parts.password
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    return store


def configure(config: dict[str, Any], environment: dict[str, str]) -> dict[str, Any]:
    """`config` (endpoints.yml's content) with what the environment sets."""
    config = dict(config)
    if environment.get(ACTION_SERVER_URL):
        config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": environment[ACTION_SERVER_URL]}
    if environment.get(ACTIONS_TOKEN):
        config["action_endpoint"] = {**(config.get("action_endpoint") or {}),
                                     "headers": {"Authorization": "Bearer ${%s}" % ACTIONS_TOKEN}}
    if environment.get(TRACKER_STORE_URL):
        config["tracker_store"] = tracker_store(environment[TRACKER_STORE_URL])
    if environment.get(LOCK_STORE_URL):
        config["lock_store"] = lock_store(environment[LOCK_STORE_URL])
    return config


def endpoints_file(root: Path, endpoints: Path, rasa_port: int, environment: dict[str, str]) -> Path:
    """`endpoints` as given when the environment changes nothing, else a copy with the changes, readable only by
    this user (it may hold the tracker store's password)."""
    if not any(environment.get(name) for name in (ACTION_SERVER_URL, ACTIONS_TOKEN, TRACKER_STORE_URL,
                                                  LOCK_STORE_URL)):
        return endpoints
    yaml = YAML()
    config = configure(yaml.load(endpoints.read_text(encoding="utf-8")) or {}, environment)
    copy = root / "var" / "run" / f"endpoints-{rasa_port}.yml"
    copy.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        yaml.dump(config, out)
    return copy
