"""A terminal chat with the running bot, as the demo shop's owner, through Rasa's REST channel."""

from __future__ import annotations

import httpx

from connectors.metadata import ChannelMetadata
from erp_core.demo import DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID


def send(rasa_url: str, text: str, wa_id: str = DEMO_OWNER_WA_ID,
         phone_number_id: str = DEMO_PHONE_NUMBER_ID) -> list[dict]:
    """Send one message the way the WhatsApp channel will, and return the bot's replies."""
    response = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": wa_id, "message": text,
              "metadata": ChannelMetadata(phone_number_id=phone_number_id, wa_id=wa_id).to_dict()},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def chat(rasa_url: str) -> None:
    """Read lines from the terminal until EOF or Ctrl-C and print the bot's answers."""
    print("\nYou are the owner of the demo shop. Try: kitna stock hai Maggi ka?  (Ctrl-D to stop)\n")
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            print()
            return
        if not text:
            continue
        for reply in send(rasa_url, text):
            for line in filter(None, [reply.get("text"), reply.get("image")]):
                print(f"bot> {line}")
