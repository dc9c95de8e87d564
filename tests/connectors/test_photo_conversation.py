"""A photo of a bill becomes an entry, end to end through the WhatsApp simulator and the real servers (Rasa with
the WhatsApp channel, the action server, tesseract): the owner sends a supplier's bill, the webhook is delivered
twice, the bot says it is reading and shows the draft once; *Book it* (also delivered twice) books it once: the
stock and the payable are in the books. A receipt with the caption "petrol ka bill" is an expense; an unreadable
photo gets a clear ask in the owner's language; the booked bill's photo comes back when asked for."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from connectors.simulator import webhooks
from erp_core import catalog, consents, expenses, inventory, purchase_reports, tenants
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import ConsentPurpose, Role
from erp_core.models import BillPhoto, PurchaseBill
from erp_core.permissions import Actor
from tests.connectors.replies import said_by, words

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
_businesses = itertools.count(100000000000951)
D = Decimal


class Shop:
    """A shop of its own in the stack's books, its owner already past the privacy notice."""

    def __init__(self, stack) -> None:
        self.stack, self.business = stack, str(next(_businesses))
        self.db = Database(f"sqlite:///{stack.tmp / 'erp.db'}")
        tenant = tenants.add_tenant(self.db, phone_number_id=self.business, name="Durga Kirana",
                                    gstin="27AAPFU0939F1ZV")
        self.ctx = Context(self.db, tenant.id, Actor.system())
        self.owner = f"9198001{self.business[-5:]}"
        tenants.add_user(self.ctx, wa_id=self.owner, role=Role.OWNER, name="owner")
        consents.record(self.ctx, self.owner, ConsentPurpose.TRANSACTIONAL, True, "cli")
        for name, unit in (("Toor Dal", "kg"), ("Basmati Rice", "kg"), ("Parle-G 250g", "pcs")):
            catalog.add_product(self.ctx, name=name, unit=unit, selling_price=100, cost_price=80, gst_rate=5)

    def post(self, kind: str, content: dict, message_id: str, times: int = 1) -> None:
        """The webhook of one message, delivered `times` times (Meta retries; the channel must not repeat)."""
        payload = webhooks.message_payload(self.business, self.owner, kind, content, message_id=message_id)
        for _ in range(times):
            assert self.stack.post(payload).status_code == 200

    def photo(self, name: str, message_id: str, caption: str = "", times: int = 1) -> None:
        data = (PHOTOS / name).read_bytes() if (PHOTOS / name).exists() else Path(name).read_bytes()
        media_id = self.stack.sim.upload(data, Path(name).name, "image/jpeg")
        content = {"mime_type": "image/jpeg", "sha256": "", "id": media_id, **({"caption": caption} if caption else {})}
        self.post("image", content, message_id, times)

    def tap(self, payload: str, title: str, message_id: str, times: int = 1) -> None:
        self.post("interactive", {"type": "button_reply", "button_reply": {"id": payload, "title": title}},
                  message_id, times)

    def replies(self, count: int) -> list[dict]:
        return self.stack.wait_for_replies(self.business, self.owner, count, timeout=90)

    def close(self) -> None:
        self.db.dispose()


@pytest.fixture
def shop(stack) -> Iterator[Shop]:
    found = Shop(stack)
    yield found
    found.close()


def button_ids(message: dict) -> list[str]:
    return [button["reply"]["id"] for button in message["interactive"]["action"]["buttons"]]


def test_a_photographed_supplier_bill_is_drafted_once_and_booked_once_with_stock_and_payable(shop):
    shop.photo("03-gst_invoice-perspective.jpg", "wamid.photo-bill-1", caption="ye bill chadha do", times=2)
    reading, draft = shop.replies(2)
    assert words(reading) in said_by("utter_reading_bill")
    body = words(draft)
    assert "Shiv Shakti Traders" in body and "BT/9831" in body and "₹4,717" in body
    assert "Toor Dal: 20.5 kg × ₹139 = ₹2,849.50" in body and "Red Label Tea 500g (naya)" in body
    assert button_ids(draft) == ["/affirm", "/photo_change", "/stop"]
    shop.tap("/affirm", "✅ Chadha do", "wamid.photo-yes-1", times=2)
    booked = shop.replies(3)[-1]
    assert "Shiv Shakti Traders ka bill BT/9831 chadh gaya: ₹4,717" in words(booked)
    assert "Shiv Shakti Traders ko ab kul ₹4,717 dena hai" in words(booked)
    with shop.ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(PurchaseBill)) == 1
        assert session.scalar(select(func.count()).select_from(BillPhoto)) == 1
    assert inventory.stock_of(shop.ctx, catalog.resolve_product(shop.ctx, "Toor Dal").id).on_hand == D("20.5")
    owed = {row.name: row.owed for row in purchase_reports.payables(shop.ctx)}
    assert owed == {"Shiv Shakti Traders": D("4717.00")}
    assert check_tenant(shop.db, shop.ctx.tenant_id).problems == []
    assert len(shop.stack.replies(shop.business, shop.owner)) == 3, "nothing said twice"

    shop.post("text", {"body": "Shiv Shakti Traders wale bill ki photo bhejo"}, "wamid.photo-ask")
    sent = shop.replies(4)[-1]
    assert sent["type"] == "image" and "BT/9831" in sent["image"]["caption"]


def test_a_fuel_receipt_is_an_expense_and_an_unreadable_photo_is_asked_again_in_hindi(shop, tmp_path):
    shop.photo("26-fuel_receipt-tilt.jpg", "wamid.photo-fuel", caption="petrol ka bill")
    draft = shop.replies(2)[-1]
    assert "₹1,500" in words(draft) and "fuel" in words(draft)
    shop.tap("/affirm", "✅ Chadha do", "wamid.photo-fuel-yes")
    assert words(shop.replies(3)[-1]) == "✅ Kharcha likh diya: fuel ₹1,500."
    assert expenses.expense_summary(shop.ctx, date(2026, 1, 1), date(2026, 12, 31)).total == D(1500)

    shop.post("text", {"body": "नमस्ते जी"}, "wamid.photo-hello")
    shop.replies(4)
    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (1000, 1400), (236, 232, 220)).save(blank)
    shop.photo(str(blank), "wamid.photo-blank")
    asked = shop.replies(6)[-1]
    assert words(asked) == "यह फ़ोटो साफ़ पढ़ नहीं पाया। पूरा बिल सीधा रखकर, अच्छी रोशनी में, पास से फ़ोटो खींचकर फिर भेजिए।"
