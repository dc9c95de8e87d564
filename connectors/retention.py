"""Forgetting what the channel stored about a person (erasure) or long ago (purge): the DPDP Act's side of
`store.py` and `media.py`.

The SQLite store keeps each inbound message (sender, profile name, text, media id) and each reply
(recipient, text) for `SEEN_FOR` after it was handled, and the delivery log keeps recipients; Redis keeps
a message's payload only while it is pending, and the delivery log. Downloaded media live under
`<media_dir>/<phone_number_id>/`. These are plain functions run by `bot privacy` outside the channel's
process (SQLite in WAL mode lets both write).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from connectors.settings import WhatsAppSettings

_DELIVERY_LOG = "delivery_log"


def _sqlite(settings: WhatsAppSettings) -> sqlite3.Connection | None:
    if settings.redis_url or not settings.store_path.exists():
        return None
    return sqlite3.connect(settings.store_path, timeout=30)


def _redis(settings: WhatsAppSettings, prefix: str) -> tuple[object, str] | None:
    if not settings.redis_url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis_url), prefix + _DELIVERY_LOG


def _of_businesses(column: str, phone_number_ids: set[str] | None) -> tuple[str, list[str]]:
    """An SQL condition limiting `column` to these business numbers ("" for all), and its parameters."""
    if phone_number_ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(phone_number_ids))})", sorted(phone_number_ids)


def forget_sender(settings: WhatsAppSettings, wa_id: str, phone_number_ids: set[str] | None = None,
                  redis_prefix: str = "hisaab:wa:") -> tuple[int, list[str]]:
    """Delete `wa_id`'s messages, the replies to them and their delivery statuses (for these business numbers,
    or all); returns how many rows went and the ids of the media their messages carried."""
    db = _sqlite(settings)
    if db is None:
        return _filter_redis_log(settings, redis_prefix, lambda row: row.get("recipient_id") == wa_id and (
            phone_number_ids is None or row.get("phone_number_id") in phone_number_ids)), []
    inbox, inbox_numbers = _of_businesses("json_extract(message, '$.phone_number_id')", phone_number_ids)
    outbox, outbox_numbers = _of_businesses("json_extract(entry, '$.phone_number_id')", phone_number_ids)
    log, log_numbers = _of_businesses("phone_number_id", phone_number_ids)
    with db:
        mine = f"json_extract(message, '$.wa_id') = ?{inbox}"
        media = [row[0] for row in db.execute(
            f"SELECT json_extract(message, '$.media.id') FROM inbox WHERE {mine}", [wa_id, *inbox_numbers]) if row[0]]
        removed = db.execute(f"DELETE FROM inbox WHERE {mine}", [wa_id, *inbox_numbers]).rowcount
        removed += db.execute(f"DELETE FROM outbox WHERE json_extract(entry, '$.to') = ?{outbox}",
                              [wa_id, *outbox_numbers]).rowcount
        removed += db.execute(f"DELETE FROM delivery_log WHERE recipient_id = ?{log}", [wa_id, *log_numbers]).rowcount
    db.close()
    return removed, media


def purge_before(settings: WhatsAppSettings, cutoff_for: Callable[[str], float],
                 redis_prefix: str = "hisaab:wa:") -> int:
    """Delete handled messages, replies and delivery statuses older than their business number's cutoff
    (`cutoff_for(phone_number_id)`, a Unix time); returns how many went."""
    db = _sqlite(settings)
    if db is None:
        return _filter_redis_log(settings, redis_prefix,
                                 lambda row: (row.get("timestamp") or 0) < cutoff_for(row.get("phone_number_id") or ""))
    db.create_function("cutoff_for", 1, lambda number: cutoff_for(number or ""), deterministic=True)
    with db:
        removed = db.execute("DELETE FROM inbox WHERE done = 1 AND accepted_at < "
                             "cutoff_for(json_extract(message, '$.phone_number_id'))").rowcount
        removed += db.execute("DELETE FROM outbox WHERE state != 'pending' AND queued_at < "
                              "cutoff_for(json_extract(entry, '$.phone_number_id'))").rowcount
        removed += db.execute("DELETE FROM delivery_log WHERE recorded_at < cutoff_for(phone_number_id)").rowcount
    db.close()
    return removed


def _filter_redis_log(settings: WhatsAppSettings, prefix: str, drop: Callable[[dict], bool]) -> int:
    found = _redis(settings, prefix)
    if found is None:
        return 0
    client, key = found
    removed = 0
    for raw in client.lrange(key, 0, -1):  # type: ignore[attr-defined]
        if drop(json.loads(raw)):
            removed += client.lrem(key, 0, raw)  # type: ignore[attr-defined]
    client.close()  # type: ignore[attr-defined]
    return removed


def delete_media(media_dir: Path, phone_number_ids: Iterable[str], media_ids: list[str], paths: list[str]) -> int:
    """Delete downloaded files: by media id in these businesses' folders, and by path; returns how many."""
    files = {Path(path) for path in paths}
    names = ["".join(c for c in media_id if c.isalnum() or c in "-_.") for media_id in media_ids]
    for phone_number_id in phone_number_ids:
        folder = media_dir / "".join(c for c in phone_number_id if c.isalnum())
        for name in filter(None, names):
            files.update(folder.glob(f"{name}.*"))
    removed = 0
    for file in files:
        if file.is_file():
            file.unlink()
            removed += 1
    return removed


def purge_media(media_dir: Path, cutoff_for: Callable[[str], float]) -> int:
    """Delete downloaded files older than their business number's cutoff; returns how many."""
    removed = 0
    if not media_dir.is_dir():
        return 0
    for folder in (f for f in media_dir.iterdir() if f.is_dir()):
        cutoff = cutoff_for(folder.name)
        for file in folder.iterdir():
            if file.is_file() and file.stat().st_mtime < cutoff:
                file.unlink()
                removed += 1
    return removed
