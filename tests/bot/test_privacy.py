"""`bot privacy export|erase|purge|retention` against real stores: the ERP database, Rasa's SQL tracker store,
the review app's index, the WhatsApp channel's SQLite store and its media folder."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.review.indexer import sync
from bot.review.schema import conversations, inbox, messages
from bot.review.store import open_store
from bot.review.tracker import events
from connectors.events import Media, Message, Status
from connectors.metadata import ChannelMetadata
from connectors.metadata import Media as MediaMetadata
from connectors.store import SQLiteStore
from erp_core import ledger, orders, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import CUSTOMERS, DEMO_PHONE_NUMBER_ID, seed_demo
from erp_core.permissions import Actor
from tests.bot.review.tracker_events import Tracker

ROOT = Path(__file__).resolve().parents[2]
SHARMA, GUPTA = CUSTOMERS[0][1], CUSTOMERS[1][1]
DAY = 24 * 3600


class World:
    """Every store a person's data lands in, filled the way the running bot fills them."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {**os.environ, "ERP_DATABASE_URL": f"sqlite:///{tmp / 'erp.db'}",
                    "REVIEW_TRACKER_URL": f"sqlite:///{tmp / 'tracker.db'}",
                    "REVIEW_DATABASE_URL": f"sqlite:///{tmp / 'review.db'}",
                    "WHATSAPP_STORE_PATH": str(tmp / "whatsapp.db"), "WHATSAPP_MEDIA_DIR": str(tmp / "media")}
        self.db = Database(self.env["ERP_DATABASE_URL"])
        self.db.migrate()
        seed_demo(self.db)
        self.tracker = Tracker(self.env["REVIEW_TRACKER_URL"])
        self.review = open_store(self.env["REVIEW_DATABASE_URL"])
        self.media = tmp / "media" / DEMO_PHONE_NUMBER_ID
        self.media.mkdir(parents=True)

    def shop(self) -> Context:
        return Context(self.db, tenants.find_tenant(self.db, DEMO_PHONE_NUMBER_ID).id, Actor.system())

    def bot(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120)

    def conversation(self, wa_id: str, text: str, reply: str, at: float, photo: str = "") -> None:
        """A message (with a downloaded photo) and its reply in Rasa's tracker store and the channel's store."""
        sender = f"{DEMO_PHONE_NUMBER_ID}:{wa_id}"
        self.tracker.clock = at
        media = None
        if photo:
            path = self.media / f"{photo}.jpg"
            path.write_bytes(b"\xff\xd8 a receipt")
            media = MediaMetadata(id=photo, mime_type="image/jpeg", path=str(path))
        metadata = ChannelMetadata(phone_number_id=DEMO_PHONE_NUMBER_ID, wa_id=wa_id, message_id=f"wamid.{at}",
                                   profile_name="Kavita", media=media).to_dict()
        self.tracker._add(sender, "user", {"text": text, "input_channel": "whatsapp", "metadata": metadata,
                                           "parse_data": {"intent": {"name": "check_dues", "confidence": 0.4}}},
                          intent="check_dues")
        self.tracker.bot(sender, reply)

        async def store() -> None:
            whatsapp = SQLiteStore(self.tmp / "whatsapp.db")
            await whatsapp.accept(Message(id=f"wamid.{at}", type="image" if photo else "text", wa_id=wa_id,
                                          phone_number_id=DEMO_PHONE_NUMBER_ID, text=text, profile_name="Kavita",
                                          media=Media(id=photo, mime_type="image/jpeg") if photo else None))
            await whatsapp.done(f"wamid.{at}")
            await whatsapp.outbox_put(f"wamid.{at}:0", {"phone_number_id": DEMO_PHONE_NUMBER_ID, "to": wa_id,
                                                        "message": {"type": "text", "text": {"body": reply}}})
            await whatsapp.outbox_finish(f"wamid.{at}:0", "sent")
            await whatsapp.log_delivery(Status(message_id=f"wamid.out.{at}", status="read", recipient_id=wa_id,
                                               phone_number_id=DEMO_PHONE_NUMBER_ID, timestamp=int(at)))
            await whatsapp.close()

        asyncio.run(store())
        sync(self.review, self.tracker.engine)

    def tracker_texts(self, wa_id: str) -> list[str]:
        with self.tracker.engine.connect() as conn:
            rows = conn.scalars(select(events.c.data).where(events.c.sender_id == f"{DEMO_PHONE_NUMBER_ID}:{wa_id}"))
            return [json.loads(row).get("text", "") for row in rows]

    def review_texts(self) -> set[str]:
        with self.review.connect() as conn:
            return set(conn.scalars(select(messages.c.text))) | set(conn.scalars(select(inbox.c.text_key)))

    def whatsapp_rows(self, wa_id: str) -> int:
        with sqlite3.connect(self.tmp / "whatsapp.db") as db:
            return sum(db.execute(query, (wa_id,)).fetchone()[0] for query in (
                "SELECT COUNT(*) FROM inbox WHERE json_extract(message, '$.wa_id') = ?",
                "SELECT COUNT(*) FROM outbox WHERE json_extract(entry, '$.to') = ?",
                "SELECT COUNT(*) FROM delivery_log WHERE recipient_id = ?"))

    def close(self) -> None:
        self.review.dispose()
        self.tracker.engine.dispose()
        self.db.dispose()


@pytest.fixture
def world(tmp_path):
    made = World(tmp_path)
    yield made
    made.close()


def test_export_gives_messages_khata_orders_and_consents_per_shop(world):
    world.conversation(SHARMA, "mera hisaab kitna baaki hai", "Aapka 1200 baaki hai.", time.time(), photo="m-sharma")
    assert world.bot("privacy", "retention", "--tenant", DEMO_PHONE_NUMBER_ID).stdout.strip().endswith("180 days")
    out = world.tmp / "sharma.json"
    done = world.bot("privacy", "export", "--wa-id", "+" + SHARMA, "--out", str(out))
    assert done.returncode == 0, done.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    [shop] = exported["shops"]
    assert shop["shop"]["phone_number_id"] == DEMO_PHONE_NUMBER_ID
    assert [(m["from"], m["text"]) for m in shop["messages"]] == [
        ("person", "mera hisaab kitna baaki hai"), ("shop", "Aapka 1200 baaki hai.")]
    assert shop["messages"][0]["media"].endswith("m-sharma.jpg")
    [party] = shop["parties"]
    books = world.shop()
    assert (party["name"], party["phone"]) == ("Sharma ji", SHARMA)
    assert Decimal(party["balance"]) == ledger.balance(books, party["id"]).balance
    assert [Decimal(line["debit"]) - Decimal(line["credit"]) for line in party["khata"]] == [
        line.debit - line.credit for line in ledger.statement(books, party["id"])]
    assert [o["number"] for o in party["orders"]] == [o.number for o in orders.list_orders(books, party_id=party["id"])]
    assert [u["role"] for u in shop["users"]] == ["customer"]
    nobody = json.loads(world.bot("privacy", "export", "--wa-id", "919800000099").stdout)
    assert nobody["shops"] == []


def test_erase_removes_the_person_everywhere_and_the_books_still_balance(world):
    now = time.time()
    world.conversation(SHARMA, "sharma ka number 98111 11111 hai", "Theek hai.", now - 60, photo="m-sharma")
    world.conversation(GUPTA, "gupta ka hisaab batao", "Gupta ji: 0 baaki.", now)
    refused = world.bot("privacy", "erase", "--wa-id", SHARMA)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert world.tracker_texts(SHARMA) != []

    erased = world.bot("privacy", "erase", "--wa-id", SHARMA, "--yes")
    assert erased.returncode == 0, erased.stderr
    assert world.tracker_texts(SHARMA) == []
    assert not any("sharma" in text for text in world.review_texts())
    assert world.whatsapp_rows(SHARMA) == 0
    assert not (world.media / "m-sharma.jpg").exists()
    assert json.loads(world.bot("privacy", "export", "--wa-id", SHARMA).stdout)["shops"] == []
    # the other customer is untouched, and the books balance with the amounts kept
    assert world.tracker_texts(GUPTA) == ["gupta ka hisaab batao", "Gupta ji: 0 baaki."]
    assert "gupta ka hisaab batao" in world.review_texts() and world.whatsapp_rows(GUPTA) == 3
    check = world.bot("check")
    assert check.returncode == 0 and ": ok (" in check.stdout, check.stdout
    dues = world.bot("privacy", "export", "--wa-id", GUPTA)
    assert json.loads(dues.stdout)["shops"][0]["parties"][0]["name"] == "Gupta ji"


def test_purge_deletes_logs_older_than_the_shops_retention(world):
    now = time.time()
    world.conversation(SHARMA, "purana sawaal", "purana jawab", now - 40 * DAY, photo="m-old")
    world.conversation(SHARMA, "naya sawaal", "naya jawab", now - DAY)
    with sqlite3.connect(world.tmp / "whatsapp.db") as db:
        db.execute("UPDATE inbox SET accepted_at = ? WHERE message_id = ?", (now - 40 * DAY, f"wamid.{now - 40 * DAY}"))
        db.execute("UPDATE outbox SET queued_at = ? WHERE key = ?", (now - 40 * DAY, f"wamid.{now - 40 * DAY}:0"))
        db.execute("UPDATE delivery_log SET recorded_at = ? WHERE message_id = ?",
                   (now - 40 * DAY, f"wamid.out.{now - 40 * DAY}"))
    os.utime(world.media / "m-old.jpg", (now - 40 * DAY, now - 40 * DAY))

    assert world.bot("privacy", "purge").returncode == 0
    assert world.tracker_texts(SHARMA) == ["purana sawaal", "purana jawab", "naya sawaal", "naya jawab"]

    assert world.bot("privacy", "retention", "--tenant", DEMO_PHONE_NUMBER_ID, "--days", "30").returncode == 0
    purged = world.bot("privacy", "purge")
    assert purged.returncode == 0, purged.stderr
    assert "tracker events: 2 deleted" in purged.stdout
    assert world.tracker_texts(SHARMA) == ["naya sawaal", "naya jawab"]
    assert "purana sawaal" not in world.review_texts() and "naya sawaal" in world.review_texts()
    assert world.whatsapp_rows(SHARMA) == 3
    assert not (world.media / "m-old.jpg").exists()
    with world.review.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(conversations)) == 1


def test_retention_refuses_nonsense(world):
    refused = world.bot("privacy", "retention", "--tenant", DEMO_PHONE_NUMBER_ID, "--days", "0")
    assert refused.returncode == 2 and "1 to 3650" in refused.stderr


def test_bot_run_purges_at_start_in_the_background(world, monkeypatch):
    """`bot run` starts `purge_daily`: its first purge runs at once, then it waits for the next day or the stop."""
    from bot.privacy import purge_daily

    now = time.time()
    world.conversation(GUPTA, "bahut purana sawaal", "bahut purana jawab", now - 200 * DAY)
    world.conversation(GUPTA, "aaj ka sawaal", "aaj ka jawab", now)
    for name in ("ERP_DATABASE_URL", "REVIEW_TRACKER_URL", "REVIEW_DATABASE_URL", "WHATSAPP_STORE_PATH",
                 "WHATSAPP_MEDIA_DIR"):
        monkeypatch.setenv(name, world.env[name])
    stop = threading.Event()
    thread = purge_daily(ROOT, world.env["ERP_DATABASE_URL"], stop)
    deadline = time.monotonic() + 60
    while world.tracker_texts(GUPTA) != ["aaj ka sawaal", "aaj ka jawab"] and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=30)
    assert world.tracker_texts(GUPTA) == ["aaj ka sawaal", "aaj ka jawab"]
    assert not thread.is_alive()
