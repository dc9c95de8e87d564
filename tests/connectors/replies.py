"""Reading the bot's replies as the simulator's customer got them."""

from __future__ import annotations

import yaml

from tests.connectors.simulator_process import ROOT


def words(message: dict) -> str:
    """What the customer reads: the text, an interactive message's body, else a media caption (or the type)."""
    if message["type"] == "text":
        return message["text"]["body"]
    if message["type"] == "interactive":
        return message["interactive"]["body"]["text"]
    content = message.get(message["type"])
    return content.get("caption", message["type"]) if isinstance(content, dict) else message["type"]


def said_by(response: str) -> set[str]:
    """Every variation's text of a domain response."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {variation["text"] for variation in domain["responses"][response]}
