"""A real conversation through both servers: Rasa 3.6 (Python 3.10) and our rasa-sdk actions (Python 3.11).

The model is trained (or taken from the cache) exactly as `make run` does,
and the action server reads a freshly seeded demo shop, so the answers
must carry that shop's real stock figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat import send
from erp_core import catalog, inventory
from erp_core.context import Context
from erp_core.demo import DEMO_OWNER_WA_ID
from erp_core.messages import format_decimal
from tests.shop_stack import Stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> tuple[str, Context]:
    """The demo shop itself (the business number `send` talks to by default), and the URL of the Rasa server."""
    demo = rasa_stack.demo_shop()
    return demo.rasa_url, demo.ctx


def _available(ctx: Context, name: str) -> str:
    return format_decimal(inventory.stock_of(ctx, catalog.resolve_product(ctx, name).id).available)


def _texts(replies: list[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


@pytest.mark.parametrize("message, product, reply", [
    ("kitna stock hai Maggi ka?", "Maggi Noodles 70g", "{qty} packet bacha hai."),
    ("चावल कितना बचा है?", "Basmati Chawal", "{qty} kg बचा है।"),
    ("चामल कति बाँकी छ?", "Basmati Chawal", "{qty} kg बाँकी छ।"),
    ("how much sugar do we have", "Cheeni", "{qty} kg in stock."),
])
def test_stock_questions_are_answered_from_the_books(shop, message, product, reply):
    rasa_url, ctx = shop
    answer = _texts(send(rasa_url, message))
    assert answer == f"{product}: " + reply.format(qty=_available(ctx, product))


def test_an_unknown_product_gets_a_polite_answer(shop):
    rasa_url, _ = shop
    answer = _texts(send(rasa_url, "pista kitna bacha hai?"))
    assert "nahi mila" in answer and "pista" in answer


def test_the_shop_comes_from_the_message_metadata(shop):
    """A business number nobody registered gets no answer from the demo shop's books."""
    rasa_url, _ = shop
    answer = _texts(send(rasa_url, "kitna stock hai Maggi ka?", wa_id="919800000001", phone_number_id="999000111"))
    assert answer == "Yeh WhatsApp number abhi kisi dukaan ke naam registered nahi hai."


def test_a_sale_shows_up_in_the_next_answer(shop):
    from decimal import Decimal

    from erp_core import sales
    from erp_core.sales import LineIn

    rasa_url, ctx = shop
    before = Decimal(_available(ctx, "Maggi Noodles 70g"))
    maggi = catalog.resolve_product(ctx, "maggi")
    sales.post_sale(ctx, [LineIn(product_id=maggi.id, quantity=Decimal(2))])
    answer = _texts(send(rasa_url, "maggi kitna hai", wa_id=DEMO_OWNER_WA_ID))
    assert answer == f"Maggi Noodles 70g: {format_decimal(before - 2)} packet bacha hai."


def test_a_button_tap_keeps_the_language_of_the_conversation(shop):
    """The `language` slot is set from each message; a payload has no language and keeps it."""
    rasa_url, ctx = shop
    send(rasa_url, "चावल कितना बचा है?")
    answer = _texts(send(rasa_url, '/check_stock{"product": "maggi"}'))
    assert answer == f"Maggi Noodles 70g: {_available(ctx, 'Maggi Noodles 70g')} packet बचा है।"
