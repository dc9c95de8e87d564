"""Stock questions: "kitna stock hai Maggi ka?", "चावल कितना बचा है?", "चामल कति बाँकी छ?"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import reply_language
from actions.shop import shop_context
from erp_core import catalog, inventory
from erp_core.errors import DomainError
from erp_core.messages import format_decimal, render

NOT_REGISTERED = {
    "en": "This WhatsApp number is not registered as a shop yet.",
    "hinglish": "Yeh WhatsApp number abhi kisi dukaan ke naam registered nahi hai.",
    "hi": "यह व्हाट्सऐप नंबर अभी किसी दुकान के नाम रजिस्टर नहीं है।",
    "ne": "यो व्हाट्सएप नम्बर अझै कुनै पसलमा दर्ता भएको छैन।",
}


class ActionCheckStock(Action):
    def name(self) -> str:
        return "action_check_stock"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        language = reply_language(tracker.latest_message.get("text") or "")
        product_name = next(tracker.get_latest_entity_values("product"), None)
        if not product_name:
            dispatcher.utter_message(response="utter_ask_product")
            return []
        ctx = shop_context(tracker)
        if ctx is None:
            dispatcher.utter_message(text=NOT_REGISTERED[language])
            return []
        try:
            product = catalog.resolve_product(ctx, product_name)
            stock = inventory.stock_of(ctx, product.id)
        except DomainError as error:
            dispatcher.utter_message(text=render(error, language))
            return []
        dispatcher.utter_message(
            response=f"utter_stock_level_{language}",
            product=stock.name,
            quantity=format_decimal(stock.available),
            unit=stock.unit.value,
        )
        return []
