"""The shop's own settings: "mera UPI id ramesh@okaxis set karo", "GSTIN 27AAPFU0939F1ZV hai", "dukaan ka naam
Ganesh Kirana rakho", "reply Nepali me karo", "daily summary raat 9 baje bhejna" → "UPI id: (none) →
ramesh@okaxis. Pakka?" → erp_core.shop_settings.update_settings, once. The owner's alone.

A UPI id, GSTIN or time that is not valid is refused (erp_core.ids, shop_settings.parse_clock) and asked again
before the confirmation; a setting named without its value is asked for.
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.choices import payload
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.phrases import phrase
from erp_core import shop_settings
from erp_core.enums import ReplyLanguage
from erp_core.errors import DomainError
from erp_core.ids import gstin, vpa
from erp_core.permissions import Permission
from erp_core.shop_settings import ShopSettings, parse_clock

FIELDS = ("name", "address", "gstin", "upi_vpa", "reply_language", "daily_summary_time")
"""update_settings's fields, the values of the `setting` entity, in the order they are shown."""
VALUE_ENTITIES = {"upi_id": "upi_vpa", "gstin": "gstin", "reply_language": "reply_language",
                  "time": "daily_summary_time"}
"""The rule-owned entities that carry a setting's new value."""
FREE_TEXT = ("name", "address")
"""Settings whose value is whatever follows their name."""
CHECKS = {"upi_vpa": vpa.validate, "gstin": gstin.validate,
          "daily_summary_time": lambda text: parse_clock(text).strftime("%H:%M")}
"""What a new value must pass before it is confirmed; each returns the value as it will be stored."""
_AROUND_VALUE = {"hai", "है", "ko", "को", "to", "is", "as", "be", "=", ":", "-", "set", "karo", "kar", "do", "rakho",
                 "rakh", "dijiye", "kijiye", "change", "badlo", "please", "plz", "रखो", "रख", "दो", "करो", "कर",
                 "दीजिए", "राख्नुहोस्", "राख", "राखिदिनुस्", "गर्नुहोस्", "हो", "छ", "ho", "chha", "rakhnus",
                 "garnus"}
"""Words around a free-text value ("dukaan ka naam Ganesh Kirana rakho"), never part of it."""


def value_after(text: str, end: int) -> str:
    """The free-text value typed after a setting's name ending at `end`, without the verbs around it.

    >>> value_after("dukaan ka naam Ganesh Kirana rakho", 14), value_after("change the shop name to Om Stores", 23)
    ('Ganesh Kirana', 'Om Stores')
    >>> value_after("dukaan ka naam badlo", 14)
    ''
    """
    words = text[end:].split()
    while words and words[0].lower().strip(".,!") in _AROUND_VALUE:
        words.pop(0)
    while words and words[-1].lower().strip(".,!।") in _AROUND_VALUE:
        words.pop()
    return " ".join(words).strip(".,!।")


def shown(field: str, value: Any, language: str) -> str:
    """A setting's value as the person reads it: a language by its name, nothing as "(none)"."""
    if value is None or value == "":
        return phrase("not_set", language)
    if field == "reply_language":
        return phrase(f"language_{ReplyLanguage(value).value}", language)
    return str(value)


def lines(changes: dict[str, str], language: str, before: ShopSettings | None = None) -> str:
    """One line a setting: "UPI id: (none) → ramesh@okaxis", or "UPI id: ramesh@okaxis" without `before`."""
    out = []
    for field in FIELDS:
        if field in changes:
            label, new = phrase(f"setting_{field}", language), shown(field, changes[field], language)
            old = None if before is None else shown(field, getattr(before, field), language)
            out.append(f"{label}: {new}" if old is None else f"{label}: {old} → {new}")
    return "\n".join(out)


class ValidateSettingsForm(BookForm):
    intent = "shop_settings"
    permission = Permission.MANAGE_SETTINGS
    needs = ("form_settings",)

    def name(self) -> str:
        return "validate_settings_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        changes: dict[str, str | None] = dict(values["form_settings"] or {})
        asked = next((field for field, value in changes.items() if value is None), None)
        for entity in message.entities:
            kind, value = entity.get("entity"), entity.get("value")
            if kind == "setting" and value in FIELDS:
                free = value_after(message.text, entity["end"]) if value in FREE_TEXT else ""
                changes[value] = free or changes.get(value)
            elif kind in VALUE_ENTITIES:
                changes[VALUE_ENTITIES[kind]] = str(value)
        answer = message.answer(requested, "form_settings")
        if asked and changes.get(asked) is None and answer:
            changes[asked] = answer
        for field, value in list(changes.items()):
            if value is not None and field in CHECKS:
                try:
                    changes[field] = CHECKS[field](value)
                except DomainError as error:
                    turn.error(error)
                    changes[field] = None
        values["form_settings"] = changes or None

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        return bool(values[slot]) and all(value is not None for value in values[slot].values())

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        asked = next((field for field, value in (values[slot] or {}).items() if value is None), None)
        if asked is None:
            choices = [(phrase(f"setting_{field}", turn.language), payload(self.intent, setting=field)) for field in FIELDS]
            turn.dispatcher.utter_message(response="utter_ask_setting", list_button=phrase("choose", turn.language),
                                          buttons=[{"title": title, "payload": tap} for title, tap in choices])
        elif asked == "reply_language":
            turn.dispatcher.utter_message(
                response="utter_ask_setting_value", setting=phrase("setting_reply_language", turn.language),
                buttons=[{"title": shown(asked, language.value, turn.language),
                          "payload": payload(self.intent, reply_language=language.value)} for language in ReplyLanguage])
        else:
            turn.say("utter_ask_setting_value", setting=phrase(f"setting_{asked}", turn.language))
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        confirm(turn, "utter_confirm_settings",
                lines=lines(values["form_settings"], turn.language, shop_settings.shop_settings(turn.ctx)))


class ActionUpdateSettings(SubmitAction):
    def name(self) -> str:
        return "action_update_settings"

    def book(self, turn: Turn, key: str) -> None:
        changes = turn.slot("form_settings")
        after = shop_settings.update_settings(turn.ctx, **changes, idempotency_key=key)
        turn.say("utter_settings_updated",
                 lines=lines({field: getattr(after, field) for field in changes}, turn.language))
