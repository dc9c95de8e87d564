"""Run in the Rasa environment: send bot responses through the channel's own `WhatsAppOutput`.

    .venv/rasa/bin/python -m tests.connectors.rasa_output <phone_number_id:wa_id> '<json list of responses>'

The channel's settings come from the WHATSAPP_* environment, as in the Rasa server.
This is how the tests put buttons, lists, documents and images in front of the
simulator's customer before the dialogue flows that send them exist.
"""

from __future__ import annotations

import asyncio
import json
import sys

from connectors.whatsapp import WhatsAppInput


async def main(recipient: str, responses: list[dict]) -> None:
    channel = WhatsAppInput.from_credentials(None)
    output = channel.get_output_channel()
    try:
        for response in responses:
            await output.send_response(recipient, response)
    finally:
        await channel.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
