"""The bill-photo form step by step (no Rasa server), with `FormChat` playing Rasa's part and real tesseract reading
the test set's photos; the books are read back through erp_core. The same through the WhatsApp simulator and the
real servers: tests/connectors/test_photo_conversation.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions import shop as shop_module
from actions.photo_form import ActionBookBillPhoto, ActionSendBillPhoto, ValidateBillPhotoForm
from connectors.metadata import ChannelMetadata, Media
from erp_core import bill_photos, catalog, expenses, inventory, parties
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import PartyKind, PhotoState, Role
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant, add_user
from tests.actions.test_forms import FormChat, buttons

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
BUSINESS, OWNER, STAFF, CUSTOMER = "5550181", "919800001801", "919800001802", "919800001803"
D = Decimal


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, Path]]:
    folder = tmp_path_factory.mktemp("photo-forms")
    url = f"sqlite:///{folder / 'erp.db'}"
    db = Database(url)
    db.migrate()
    ctx = Context(db, add_tenant(db, phone_number_id=BUSINESS, name="Photo Kirana", gstin="27AAPFU0939F1ZV").id,
                  Actor.system())
    add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    add_user(ctx, wa_id=STAFF, role=Role.STAFF, name="counter")
    add_user(ctx, wa_id=CUSTOMER, role=Role.CUSTOMER,
             party_id=parties.add_party(ctx, kind=PartyKind.CUSTOMER, name="Sharma ji", phone=CUSTOMER).id)
    catalog.add_product(ctx, name="Moong Dal", unit="kg", selling_price=130, cost_price=110, gst_rate=12)
    catalog.add_product(ctx, name="Toor Dal", unit="kg", selling_price=150, cost_price=130, gst_rate=12)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        patch.setenv("HISAAB_DOCUMENTS_DIR", str(folder / "documents"))
        shop_module.database.cache_clear()
        yield ctx, folder
        shop_module.database.cache_clear()
    db.dispose()


def photo(books: tuple[Context, Path], name: str, media_id: str) -> Media:
    """The test set's photo as the channel downloads it (into the media folder, named by its media id)."""
    _, folder = books
    target = folder / "media" / f"{media_id}.jpg"
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(PHOTOS / name, target)
    return Media(media_id, "image/jpeg", path=str(target))


def on_hand(ctx: Context, name: str) -> Decimal:
    return inventory.stock_of(ctx, catalog.resolve_product(ctx, name).id).on_hand


def chat(wa_id: str = OWNER) -> FormChat:
    return FormChat(ValidateBillPhotoForm(), ActionBookBillPhoto(), wa_id, BUSINESS)


def test_a_supplier_bill_photo_is_shown_as_read_changed_by_chat_and_booked_once(books):
    ctx, _ = books
    talk = chat()
    said = talk.send("/bill_photo", "bill_photo", message_id="wamid.bill-1",
                     media=photo(books, "01-gst_invoice-scan.jpg", "m-bill-1"), caption="ye bill chadha do")
    assert talk.responses() == ["utter_photo_draft_purchase"] and talk.slots[REQUESTED_SLOT] == "form_confirmed"
    assert buttons(said) == ["/affirm", "/photo_change", "/stop"]
    draft = said[0]
    assert draft["party"] == "Gupta Wholesale Mart" and draft["new_party"] == " (naya supplier)"
    assert (draft["number"], draft["date"], draft["total"]) == ("GT/3377", "10/05/2026", "₹8,215")
    assert draft["lines"].splitlines()[0] == "1. Moong Dal: 50 kg × ₹120.50 = ₹6,025"
    assert "(naya)" in draft["lines"].splitlines()[2]                       # Lux Soap: a new product
    talk.send("/photo_change", "photo_change")
    assert talk.responses() == ["utter_ask_photo_change"]
    talk.send("total 9000 hai", "nlu_fallback")                             # a change that does not add up
    assert talk.said[0]["total"] == "₹9,000"
    talk.send("haan", "affirm")
    assert talk.responses() == ["utter_photo_does_not_add_up"] and talk.slots[REQUESTED_SLOT] == "form_confirmed"
    assert (talk.said[0]["figures"], on_hand(ctx, "Moong Dal")) == ("₹8,215.20", 0)
    talk.send("5th item 25", "nlu_fallback")                                  # there is no fifth line
    assert talk.responses() == ["utter_photo_no_such_line", "utter_photo_draft_purchase"]
    talk.send("3rd item hatao", "nlu_fallback")
    assert len(talk.said[0]["lines"].splitlines()) == 2
    talk.send("total 7137", "nlu_fallback")   # Moong 6,025 + Toor 347.50 and 12 % GST: 7,137.20, rounded
    talk.send("haan", "affirm", message_id="wamid.bill-yes-2")
    assert on_hand(ctx, "Moong Dal") == D(50) and on_hand(ctx, "Toor Dal") == D("2.5")
    assert talk.responses() == ["utter_photo_booked_purchase"]
    assert "Gupta Wholesale Mart ko ab kul ₹7,137 dena hai" in talk.said[0]["owed"]
    talk.send("haan", "affirm", message_id="wamid.bill-yes-2")                # the yes delivered again
    assert on_hand(ctx, "Moong Dal") == D(50)
    again = chat()
    again.send("/bill_photo", "bill_photo", media=photo(books, "01-gst_invoice-scan.jpg", "m-bill-2"))
    assert again.responses() == ["utter_photo_already_booked"] and on_hand(ctx, "Moong Dal") == D(50)


def test_a_fuel_receipt_with_its_caption_is_an_expense(books):
    ctx, _ = books
    talk = chat(STAFF)
    talk.send("/bill_photo", "bill_photo", media=photo(books, "25-fuel_receipt-scan.jpg", "m-fuel"),
              caption="petrol ka bill")
    assert talk.responses() == ["utter_photo_draft_expense"] and talk.said[0]["category"] == "fuel"
    assert talk.said[0]["total"] == "₹300"
    before = expenses.expense_summary(ctx, date(2026, 1, 1), date(2026, 12, 31)).total
    talk.send("haan", "affirm")
    assert talk.responses() == ["utter_photo_booked_expense"]
    after = expenses.expense_summary(ctx, date(2026, 1, 1), date(2026, 12, 31)).total
    assert after - before == D(300)


def test_a_photo_that_cannot_be_read_asks_for_a_clearer_one_and_keeps_nothing(books, tmp_path):
    ctx, _ = books
    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (900, 1200), (240, 238, 230)).save(blank)
    talk = chat()
    talk.send("/bill_photo", "bill_photo", message_id="wamid.blank", media=Media("m-blank", "image/jpeg",
                                                                                   path=str(blank)))
    assert talk.responses() == ["utter_photo_unreadable"] and talk.slots[REQUESTED_SLOT] is None
    assert bill_photos.by_message(ctx, "wamid.blank") is None
    failed = chat()
    failed.send("/bill_photo", "bill_photo", media=Media("m-lost", "image/jpeg", error="download failed"))
    assert failed.responses() == ["utter_photo_unreadable"]


def test_a_customers_photo_is_thanked_not_read(books):
    talk = chat(CUSTOMER)
    talk.send("/bill_photo", "bill_photo", media=photo(books, "07-hindi_invoice-scan.jpg", "m-customer"))
    assert talk.responses() == ["utter_photo_from_customer"]


def test_cancel_drops_the_draft_and_a_question_in_between_is_answered(books):
    ctx, _ = books
    talk = chat()
    talk.send("/bill_photo", "bill_photo", message_id="wamid.cancel-me",
              media=photo(books, "19-estimate-scan.jpg", "m-estimate"))
    assert talk.responses() == ["utter_photo_draft_purchase"]
    talk.send("Moong ka stock kitna hai", "check_stock", product="moong")
    assert talk.responses()[-1] == "utter_photo_draft_purchase"               # answered, then the draft again
    talk.send("cancel", "stop")
    assert talk.responses() == ["utter_form_cancelled"]
    assert bill_photos.by_message(ctx, "wamid.cancel-me").state is PhotoState.CANCELLED


def test_a_booked_bills_photo_is_sent_back_on_request(books):
    ctx, _ = books
    supplier = parties.resolve_party(ctx, "Gupta Wholesale Mart", PartyKind.SUPPLIER)
    metadata = ChannelMetadata(BUSINESS, OWNER, "wamid.ask-photo").to_dict()
    latest = {"text": "Gupta Wholesale ke bill ki photo bhejo", "intent": {"name": "show_bill_photo"},
              "entities": [{"entity": "supplier", "value": "Gupta Wholesale"}], "metadata": metadata}
    dispatcher = CollectingDispatcher()
    ActionSendBillPhoto().run(dispatcher, Tracker(f"{BUSINESS}:{OWNER}", {"language": "hinglish"}, latest, [],
                                                  False, None, {}, "action_listen"), {})
    [sent] = dispatcher.messages
    image = sent["custom"]
    assert image["type"] == "image" and Path(image["path"]).read_bytes() == (PHOTOS / "01-gst_invoice-scan.jpg").read_bytes()
    assert "GT/3377" in image["caption"] and bill_photos.latest_booked(ctx, supplier_id=supplier.id).invoice_no == "GT/3377"


def test_a_new_photo_while_a_draft_waits_replaces_it(books):
    ctx, _ = books
    talk = chat()
    talk.send("/bill_photo", "bill_photo", message_id="wamid.first-of-two",
              media=photo(books, "20-estimate-tilt.jpg", "m-first"))
    talk.send("/bill_photo", "bill_photo", message_id="wamid.second-of-two",
              media=photo(books, "21-estimate-perspective.jpg", "m-second"))
    assert talk.responses() == ["utter_photo_draft_purchase"]
    assert bill_photos.by_message(ctx, "wamid.first-of-two").state is PhotoState.CANCELLED
    assert talk.slots["form_document"] == bill_photos.by_message(ctx, "wamid.second-of-two").id
