"""WhatsApp delivery statuses from the channel's own delivery log, matched to the bot's replies."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.review.delivery import DeliveryLog, match_replies
from connectors.events import Status, WhatsAppError
from connectors.settings import WhatsAppSettings
from connectors.store import SQLiteStore

CUSTOMER, OTHER, SHOP = "919800000011", "919800000012", "100000000000001"


def test_each_reply_gets_the_furthest_status_of_the_message_sent_after_it(tmp_path: Path) -> None:
    async def write() -> None:
        store = SQLiteStore(tmp_path / "whatsapp.db")
        for status in [Status("wamid.A", "sent", CUSTOMER, SHOP, 1000), Status("wamid.A", "delivered", CUSTOMER, SHOP, 1001),
                       Status("wamid.A", "read", CUSTOMER, SHOP, 1005), Status("wamid.X", "sent", OTHER, SHOP, 1002),
                       Status("wamid.B", "sent", CUSTOMER, SHOP, 1010),
                       Status("wamid.B", "failed", CUSTOMER, SHOP, 1011, (WhatsAppError(131047, "Re-engagement message"),))]:
            await store.log_delivery(status)
        await store.close()

    asyncio.run(write())
    log = DeliveryLog.from_settings(WhatsAppSettings(store_path=Path("whatsapp.db")), tmp_path)
    deliveries = asyncio.run(log.deliveries(CUSTOMER, 990, 1100))
    assert [(d.message_id, d.status, d.error) for d in deliveries] == [
        ("wamid.A", "read", ""), ("wamid.B", "failed", "Re-engagement message")]
    matched = match_replies([(7, 999.6), (9, 1009.2), (12, 2000.0)], deliveries)
    assert {k: v.message_id for k, v in matched.items()} == {7: "wamid.A", 9: "wamid.B"}


def test_no_log_means_no_statuses(tmp_path: Path) -> None:
    log = DeliveryLog.from_settings(WhatsAppSettings(store_path=tmp_path / "absent.db"), tmp_path)
    assert asyncio.run(log.deliveries(CUSTOMER, 0, 10**10)) == []
    assert not (tmp_path / "absent.db").exists()
