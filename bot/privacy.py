"""A person's data across every store (the DPDP Act): `bot privacy export`, `erase` and `purge`.

Personal data lives in the ERP books (`erp_core.privacy`: parties, users, consents), in Rasa's tracker
store (`conversation_logs.py`), in the review app's index (`review/forget.py`), in the WhatsApp
channel's store and its downloaded media (`connectors/retention.py`). This module finds each of them
from the project's configuration and runs the same request against all. What is kept after an erasure,
and why, is in docs/privacy.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import Engine, create_engine, inspect

from bot import conversation_logs
from bot.review.forget import forget_before, forget_conversations
from bot.review.store import open_store, review_database_url
from bot.review.tracker import tracker_store_url
from connectors import retention
from connectors.metadata import conversation_id
from connectors.settings import WhatsAppSettings
from erp_core import privacy, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.permissions import Actor
from erp_core.tenants import TenantInfo

logger = logging.getLogger(__name__)
DAY = 24 * 3600
PURGE_EVERY = DAY


@dataclass(frozen=True)
class Stores:
    """Where personal data is kept: the ERP database, and the others when they exist."""

    db: Database
    tracker: Engine | None
    review: Engine | None
    whatsapp: WhatsAppSettings


def _sqlite_missing(url: str) -> bool:
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


@contextmanager
def open_stores(root: Path, db: Database) -> Iterator[Stores]:
    """The stores the project's configuration names (endpoints.yml, credentials.yml, the environment); a
    SQLite store that was never created is left out."""
    tracker_url, review_url = tracker_store_url(root), review_database_url(root)
    tracker = None if _sqlite_missing(tracker_url) else create_engine(tracker_url)
    if tracker is not None and not inspect(tracker).has_table("events"):
        tracker.dispose()
        tracker = None
    review = None if _sqlite_missing(review_url) else open_store(review_url)
    credentials = YAML(typ="safe").load((root / "credentials.yml").read_text(encoding="utf-8")) or {}
    whatsapp = WhatsAppSettings.load(credentials.get("connectors.whatsapp.WhatsAppInput"))
    whatsapp = replace(whatsapp, store_path=root / whatsapp.store_path, media_dir=root / whatsapp.media_dir)
    try:
        yield Stores(db, tracker, review, whatsapp)
    finally:
        for engine in (tracker, review):
            if engine is not None:
                engine.dispose()


def _shops(db: Database, phone_number_id: str | None) -> list[TenantInfo]:
    if phone_number_id is None:
        return tenants.list_tenants(db)
    shop = tenants.find_tenant(db, phone_number_id)
    if shop is None:
        raise SystemExit(f"no business is registered under phone_number_id {phone_number_id}")
    return [shop]


def _number(wa_id: str) -> str:
    number = wa_id.strip().lstrip("+")
    if not number.isdigit():
        raise SystemExit(f"{wa_id!r} is not a WhatsApp number (digits with country code, e.g. 919812345678)")
    return number


def export_person(stores: Stores, wa_id: str, phone_number_id: str | None = None) -> dict[str, Any]:
    """Everything kept about `wa_id`, per shop they appear in: messages, khata, orders, consents (JSON-ready)."""
    number = _number(wa_id)
    shops = []
    for shop in _shops(stores.db, phone_number_id):
        books = privacy.person_data(Context(stores.db, shop.id, Actor.system()), number)
        said = (conversation_logs.messages(stores.tracker, conversation_id(shop.phone_number_id, number))
                if stores.tracker is not None else [])
        if books.empty and not said:
            continue
        shops.append({"shop": {"name": shop.name, "phone_number_id": shop.phone_number_id},
                      "messages": said, **books.model_dump(mode="json")})
    return {"wa_id": number, "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "shops": shops}


def erase_person(stores: Stores, wa_id: str, phone_number_id: str | None = None) -> list[str]:
    """Erase `wa_id` from the books of each shop (or the one given) they appear in and from every conversation
    store; returns what was done, one line each. Running it again finishes an interrupted erasure."""
    number = _number(wa_id)
    shops = _shops(stores.db, phone_number_id)
    done = []
    for shop in shops:
        ctx = Context(stores.db, shop.id, Actor.system())
        if privacy.person_data(ctx, number).empty:
            continue
        erased = privacy.erase_person(ctx, number)
        done.append(f"{shop.name}: {erased.parties} khata records and {erased.users} users now {erased.placeholder}, "
                    f"{erased.consents} consents, {erased.replay_records} replay records removed")
    senders = [conversation_id(shop.phone_number_id, number) for shop in shops]
    if phone_number_id is None:
        senders.append(number)  # a channel that names the conversation by the number alone (the terminal chat)
    files: list[str] = []
    if stores.tracker is not None:
        for sender in senders:
            files += conversation_logs.erase_conversation(stores.tracker, sender)
    if stores.review is not None:
        done.append(f"review app: {forget_conversations(stores.review, senders)} conversations removed")
    numbers = None if phone_number_id is None else {phone_number_id}
    rows, media_ids = retention.forget_sender(stores.whatsapp, number, numbers)
    photos = retention.delete_media(stores.whatsapp.media_dir, [shop.phone_number_id for shop in shops], media_ids,
                                    files)
    done.append(f"conversations: {len(senders)} deleted from the tracker store, {rows} WhatsApp store rows, "
                f"{photos} media files")
    return done


def retention_cutoffs(db: Database, now: float) -> tuple[dict[str, float], float]:
    """Each business number's cutoff (now minus its shop's retention), and the default's for the rest."""
    cutoffs = {shop.phone_number_id: now - privacy.conversation_retention_days(
        Context(db, shop.id, Actor.system())) * DAY for shop in tenants.list_tenants(db)}
    return cutoffs, now - privacy.DEFAULT_RETENTION_DAYS * DAY


def purge(stores: Stores, now: float | None = None) -> dict[str, int]:
    """Delete conversation logs older than each shop's retention from every store; returns counts per store."""
    cutoffs, default = retention_cutoffs(stores.db, time.time() if now is None else now)

    def for_business(phone_number_id: str) -> float:
        return cutoffs.get(phone_number_id, default)

    def for_conversation(sender_id: str) -> float:
        return for_business(sender_id.split(":", 1)[0] if ":" in sender_id else "")

    return {
        "tracker events": conversation_logs.purge_before(stores.tracker, for_conversation) if stores.tracker else 0,
        "review messages": forget_before(stores.review, for_conversation) if stores.review else 0,
        "whatsapp store rows": retention.purge_before(stores.whatsapp, for_business),
        "media files": retention.purge_media(stores.whatsapp.media_dir, for_business),
    }


def purge_daily(root: Path, db_url: str, stop: threading.Event, every: float = PURGE_EVERY) -> threading.Thread:
    """Run `purge` now and then every `every` seconds in a daemon thread until `stop` is set (`bot run`)."""

    def loop() -> None:
        while True:
            try:
                db = Database(db_url)
                try:
                    with open_stores(root, db) as stores:
                        logger.info("purged old conversation logs: %s", purge(stores))
                finally:
                    db.dispose()
            except Exception:  # noqa: BLE001 (a failed purge is retried tomorrow; the bot keeps running)
                logger.exception("purging old conversation logs failed")
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, name="privacy-purge", daemon=True)
    thread.start()
    return thread
