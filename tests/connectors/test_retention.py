"""Forgetting a person's stored messages, replies and statuses, and purging old ones, on SQLite and on Redis."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

from connectors import retention
from connectors.events import Media, Message, Status
from connectors.settings import WhatsAppSettings
from connectors.store import RedisStore, SQLiteStore

SHOP, OTHER_SHOP, PERSON, NEIGHBOUR = "100", "200", "919800000001", "919800000002"


async def _fill(store) -> None:
    for n, (shop, wa_id) in enumerate([(SHOP, PERSON), (OTHER_SHOP, PERSON), (SHOP, NEIGHBOUR)]):
        media = Media(id=f"media-{n}", mime_type="image/jpeg") if wa_id == PERSON else None
        if isinstance(store, SQLiteStore):  # Redis keeps no handled message (its inbox is connectors.shared_inbox)
            await store.accept(Message(id=f"wamid.{n}", type="image" if media else "text", wa_id=wa_id,
                                       phone_number_id=shop, text="mera hisaab", media=media))
            await store.done(f"wamid.{n}")
        await store.outbox_put(f"wamid.{n}:0", {"phone_number_id": shop, "to": wa_id, "message": {"type": "text"}})
        await store.outbox_finish(f"wamid.{n}:0", "sent")
        await store.log_delivery(Status(f"wamid.out.{n}", "read", wa_id, shop, timestamp=int(time.time())))
    await store.close()


def test_a_person_is_forgotten_in_one_shop_and_kept_elsewhere_on_sqlite(tmp_path: Path):
    settings = WhatsAppSettings(store_path=tmp_path / "whatsapp.db", media_dir=tmp_path / "media")
    asyncio.run(_fill(SQLiteStore(settings.store_path)))
    removed, media = retention.forget_sender(settings, PERSON, {SHOP})
    assert (removed, media) == (3, ["media-0"])
    removed, media = retention.forget_sender(settings, PERSON)
    assert (removed, media) == (3, ["media-1"])
    log = asyncio.run(_delivery_log(SQLiteStore(settings.store_path)))
    assert [row["recipient_id"] for row in log] == [NEIGHBOUR]


def test_purge_keeps_what_is_younger_than_its_shops_cutoff_on_sqlite(tmp_path: Path):
    settings = WhatsAppSettings(store_path=tmp_path / "whatsapp.db", media_dir=tmp_path / "media")
    asyncio.run(_fill(SQLiteStore(settings.store_path)))
    future = time.time() + 60
    assert retention.purge_before(settings, lambda shop: future if shop == OTHER_SHOP else 0) == 3
    log = asyncio.run(_delivery_log(SQLiteStore(settings.store_path)))
    assert sorted(row["phone_number_id"] for row in log) == [SHOP, SHOP]


def test_the_redis_delivery_log_forgets_a_person_and_old_statuses(redis_url: str):
    prefix = f"test:{uuid.uuid4().hex}:"
    settings = WhatsAppSettings(redis_url=redis_url)
    asyncio.run(_fill(RedisStore(redis_url, prefix=prefix)))
    assert retention.forget_sender(settings, PERSON, {SHOP}, redis_prefix=prefix) == (1, [])
    assert retention.purge_before(settings, lambda shop: time.time() + 60 if shop == SHOP else 0,
                                  redis_prefix=prefix) == 1
    log = asyncio.run(_delivery_log(RedisStore(redis_url, prefix=prefix)))
    assert [(row["recipient_id"], row["phone_number_id"]) for row in log] == [(PERSON, OTHER_SHOP)]


def test_media_of_a_person_and_old_media_are_deleted(tmp_path: Path):
    folder = tmp_path / SHOP
    folder.mkdir()
    for name in ("media-0.jpg", "media-9.jpg", "old.jpg"):
        (folder / name).write_bytes(b"x")
    assert retention.delete_media(tmp_path, [SHOP], ["media-0"], []) == 1
    old = time.time() - 3600
    os.utime(folder / "old.jpg", (old, old))
    assert retention.purge_media(tmp_path, lambda shop: time.time() - 60) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["media-9.jpg"]


async def _delivery_log(store) -> list[dict]:
    try:
        return await store.delivery_log()
    finally:
        await store.close()

