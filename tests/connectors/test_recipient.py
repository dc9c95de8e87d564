"""A response with a `to` (an action telling a customer their order left, or sending them their statement)
goes to that number, not the conversation's, through the channel's own WhatsAppOutput, outbox and delivery,
against the simulator's Graph API."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from connectors.outbound import recipient
from tests.shop_stack import ROOT

BUSINESS, OWNER, CUSTOMER = "100000000000001", "919800000001", "919800000077"


@pytest.fixture
def sim(simulator):
    simulator.reset()
    return simulator


def send_through_the_channel(sim, tmp_path, responses: list[dict], **settings: str) -> None:
    """Rasa bot responses for the owner's conversation → WhatsAppOutput (Rasa's environment) → the simulator."""
    env = {**os.environ, "WHATSAPP_ACCESS_TOKEN": "test-access-token", "WHATSAPP_API_BASE_URL": sim.graph_url,
           "WHATSAPP_APP_SECRET": "unused", "WHATSAPP_STORE_PATH": str(tmp_path / "outbox.db"),
           **{f"WHATSAPP_{name.upper()}": value for name, value in settings.items()}}
    subprocess.run([str(ROOT / ".venv" / "rasa" / "bin" / "python"), "-m", "tests.connectors.rasa_output",
                    f"{BUSINESS}:{OWNER}", json.dumps(responses)], cwd=ROOT, env=env, check=True, timeout=120)


def test_the_recipient_is_a_custom_messages_to_and_nothing_else():
    assert recipient({"custom": {"type": "text", "to": CUSTOMER, "text": "Aapka order #12 bhej diya gaya hai."}}) == CUSTOMER
    assert recipient({"custom": {"type": "document", "path": "/tmp/x.pdf"}}) is None
    assert recipient({"text": "✅ Order #12", "buttons": []}) is None


def test_a_message_with_a_to_goes_to_that_number_and_the_rest_to_the_conversation(sim, tmp_path):
    pdf = tmp_path / "statement-1.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    send_through_the_channel(sim, tmp_path, [
        {"text": "✅ Order #12: dispatched."},
        {"custom": {"type": "text", "to": CUSTOMER, "text": "🚚 Ganesh Kirana: Aapka order #12 bhej diya gaya hai."}},
        {"custom": {"type": "document", "to": CUSTOMER, "path": str(pdf), "filename": pdf.name,
                    "caption": "Ganesh Kirana: aapka khata statement"}},
        {"text": "📲 Sharma ji ko WhatsApp par bata diya."},
    ])
    to_owner = [m["message"] for m in sim.conversation(BUSINESS, OWNER)]
    to_customer = [m["message"] for m in sim.conversation(BUSINESS, CUSTOMER)]
    assert [m["text"]["body"] for m in to_owner] == ["✅ Order #12: dispatched.", "📲 Sharma ji ko WhatsApp par bata diya."]
    assert [m["type"] for m in to_customer] == ["text", "document"]
    assert to_customer[0]["text"]["body"] == "🚚 Ganesh Kirana: Aapka order #12 bhej diya gaya hai."
    assert to_customer[1]["document"]["filename"] == pdf.name and to_customer[1]["document"]["id"]
    assert {body["to"] for body in sim.sends()} == {OWNER, CUSTOMER}


def test_a_customer_outside_the_24_hour_window_gets_the_template_with_the_words(sim, tmp_path):
    sim.faults({"status": 400, "code": 131047, "message": "Re-engagement message", "times": 1, "type": "text"})
    send_through_the_channel(sim, tmp_path, [
        {"custom": {"type": "text", "to": CUSTOMER, "text": "Aapka order #12 bhej diya gaya hai."}},
    ], reengagement_template="hisaab_update")
    [delivered] = [m["message"] for m in sim.conversation(BUSINESS, CUSTOMER)]
    assert delivered["template"]["name"] == "hisaab_update"
    assert delivered["template"]["components"][0]["parameters"][0]["text"] == "Aapka order #12 bhej diya gaya hai."
    assert sim.conversation(BUSINESS, OWNER) == []
