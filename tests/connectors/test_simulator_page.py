"""The simulator page in real Chromium: a customer chats with the bot through the real channel and Rasa.

The stock question goes all the way through (page → signed webhook → channel → Rasa →
actions → books → Graph API fake → page). Buttons, lists, a PDF invoice and an image
are put on the page by the channel's own `WhatsAppOutput` (run in the Rasa
environment), and tapping them sends real webhooks back through the channel.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from erp_core import catalog, inventory
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import DEMO_PHONE_NUMBER_ID as BUSINESS
from erp_core.messages import format_decimal
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant
from tests.connectors.simulator_process import ROOT

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def chat(browser, stack) -> Iterator[tuple[Page, str]]:
    """The chat page, as a customer number of its own."""
    wa_id = f"9191000{next(_numbers):05d}"
    page = browser.new_page()
    page.goto(stack.sim.url)
    page.get_by_test_id("customer").fill(wa_id)
    page.get_by_test_id("customer").dispatch_event("change")
    yield page, wa_id
    page.close()


def available(stack, name: str) -> str:
    db = Database(f"sqlite:///{stack.tmp / 'erp.db'}")
    try:
        ctx = Context(db, find_tenant(db, BUSINESS).id, Actor.system())
        return format_decimal(inventory.stock_of(ctx, catalog.resolve_product(ctx, name).id).available)
    finally:
        db.dispose()


def type_message(page: Page, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("message-input").press("Enter")


def send_through_the_channel(stack, wa_id: str, responses: list[dict]) -> None:
    """Rasa bot responses → WhatsAppOutput (Rasa's environment) → the simulator's Graph API."""
    env = {**os.environ, "WHATSAPP_ACCESS_TOKEN": "test-access-token",
           "WHATSAPP_API_BASE_URL": stack.sim.graph_url, "WHATSAPP_APP_SECRET": "unused",
           "WHATSAPP_STORE_PATH": str(stack.tmp / "output-test.db")}
    subprocess.run([str(ROOT / ".venv" / "rasa" / "bin" / "python"), "-m", "tests.connectors.rasa_output",
                    f"{BUSINESS}:{wa_id}", json.dumps(responses)], cwd=ROOT, env=env, check=True, timeout=120)


def open_in_a_new_tab(page: Page, link) -> Page:
    """The tab a `target=_blank` link opens. A click can land beside the link while the page still moves (the chat
    scrolls as messages arrive, on a busy machine later than they show), so a click that opened nothing is
    tried again, up to three times."""
    for _ in range(2):
        try:
            with page.context.expect_page(timeout=10_000) as opened:
                link.click()
            return opened.value
        except PlaywrightTimeoutError:
            continue
    with page.context.expect_page(timeout=10_000) as opened:
        link.click()
    return opened.value


def test_a_stock_question_typed_on_the_page_is_answered_from_the_books(chat, stack):
    page, wa_id = chat
    type_message(page, "kitna stock hai Maggi ka")
    answer = page.get_by_test_id("bot-message").last
    expect(answer).to_contain_text(f"Maggi Noodles 70g: {available(stack, 'Maggi Noodles 70g')} packet bacha hai.",
                                   timeout=60_000)
    expect(page.get_by_test_id("customer-message").last.get_by_test_id("ticks")).to_have_attribute(
        "data-status", "read", timeout=30_000)


def test_buttons_and_list_rows_tapped_on_the_page_reach_rasa(chat, stack):
    page, wa_id = chat
    send_through_the_channel(stack, wa_id, [
        {"text": "Kiska stock dekhna hai?", "buttons": [
            {"title": "Maggi Noodles 70g Masala", "payload": '/check_stock{"product": "Maggi"}'},
            {"title": "Cheeni", "payload": '/check_stock{"product": "cheeni"}'}]},
        {"custom": {"type": "list", "header": "Products", "body": "Ek chuniye", "button": "Products",
                    "sections": [{"title": "Kirana", "rows": [
                        {"id": '/check_stock{"product": "chawal"}', "title": "Basmati Chawal",
                         "description": "kg"},
                        {"id": '/check_stock{"product": "cheeni"}', "title": "Cheeni", "description": "kg"}]}]}},
    ])
    buttons = page.get_by_test_id("reply-button")
    expect(buttons).to_have_count(2, timeout=15_000)
    expect(buttons.first).to_have_text("Maggi Noodles 70g…")
    buttons.first.click()
    expect(page.get_by_test_id("bot-message").last).to_contain_text("Maggi Noodles 70g: ", timeout=60_000)

    page.get_by_test_id("list-open").click()
    page.get_by_test_id("list-row").filter(has_text="Basmati Chawal").click()
    expect(page.get_by_test_id("bot-message").last).to_contain_text(
        f"Basmati Chawal: {available(stack, 'Basmati Chawal')} kg", timeout=60_000)
    taps = [e for e in stack.user_events(BUSINESS, wa_id)]
    assert [e["metadata"]["message_type"] for e in taps] == ["button_reply", "list_reply"]
    assert all(e["parse_data"]["intent"]["name"] == "check_stock" for e in taps)


def test_an_invoice_pdf_and_an_image_arrive_and_open(chat, stack, tmp_path):
    from reportlab.pdfgen import canvas
    from PIL import Image

    page, wa_id = chat
    pdf = tmp_path / "INV-0042.pdf"
    drawing = canvas.Canvas(str(pdf))
    drawing.drawString(72, 720, "Tax Invoice INV-0042")
    drawing.save()
    png = tmp_path / "qr.png"
    Image.new("RGB", (64, 64), (0, 128, 105)).save(png)
    send_through_the_channel(stack, wa_id, [
        {"custom": {"type": "document", "path": str(pdf), "filename": "INV-0042.pdf", "caption": "Aapka bill"}},
        {"text": "UPI QR", "image": str(png)},
    ])
    document = page.get_by_test_id("document")
    expect(document).to_have_text("📄INV-0042.pdf", timeout=15_000)
    image = page.get_by_test_id("image")
    expect(image).to_be_visible()
    viewer = open_in_a_new_tab(page, document)
    viewer.wait_for_load_state()
    response = page.request.get(viewer.url)
    assert response.headers["content-type"] == "application/pdf" and response.body() == pdf.read_bytes()
    assert page.evaluate("document.querySelector('[data-testid=image]').naturalWidth") == 64


def test_a_receipt_photo_attached_on_the_page_reaches_rasa_with_its_file(chat, stack, tmp_path):
    from PIL import Image

    page, wa_id = chat
    photo = tmp_path / "receipt.jpg"
    Image.new("RGB", (40, 30), (250, 250, 240)).save(photo)
    page.get_by_test_id("message-input").fill("kal ka bill")
    page.get_by_test_id("attach").set_input_files(str(photo))
    # the page's customer is a customer of the shop: their photo is thanked, not read (a shop's staff get it read)
    expect(page.get_by_test_id("bot-message").last).to_contain_text("Photo mil gayi", timeout=60_000)
    [event] = stack.user_events(BUSINESS, wa_id)
    assert event["metadata"]["message_type"] == "image" and event["text"] == "/bill_photo"
    assert event["metadata"]["caption"] == "kal ka bill"
    assert Path(event["metadata"]["media_path"]).read_bytes() == photo.read_bytes()


def test_the_confirm_buttons_emoji_are_drawn_in_colour_not_as_empty_boxes(chat, stack, tmp_path):
    """✅ and ❌ on the confirm buttons need a colour emoji font (scripts/setup.sh installs Noto Color Emoji);
    without one Chromium draws an empty box in the text colour."""
    from PIL import Image

    page, wa_id = chat
    send_through_the_channel(stack, wa_id, [{"text": "Likh doon?", "buttons": [
        {"title": "✅ Haan", "payload": "/affirm"}, {"title": "❌ Nahi", "payload": "/deny"}]}])
    buttons = page.get_by_test_id("reply-button")
    expect(buttons).to_have_count(2, timeout=15_000)
    for button, colour in zip((buttons.first, buttons.last), ("green", "red")):
        shot = tmp_path / f"{colour}.png"
        button.screenshot(path=str(shot))
        pixels = [rgb for _, rgb in Image.open(shot).convert("RGB").getcolors(1 << 16)]
        if colour == "green":  # Noto's ✅ is (124, 179, 66); the button's text is blue (2, 126, 181)
            assert any(g > 150 and g > r + 40 and g > b + 80 for r, g, b in pixels), "✅ is not drawn in colour"
        else:  # Noto's ❌ is (244, 67, 54)
            assert any(r > 180 and r > g + 80 and r > b + 80 for r, g, b in pixels), "❌ is not drawn in colour"
