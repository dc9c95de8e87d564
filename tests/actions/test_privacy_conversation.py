"""The privacy notice through both servers: a new number's first reply carries it, the next does not, and the
opt-in button records the reminders consent (DPDP Act; actions/privacy.py)."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from erp_core import consents
from erp_core.enums import ConsentPurpose
from tests.shop_stack import ROOT, Shop, Stack

RESPONSES = YAML(typ="safe").load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
NOTICE_HINGLISH = next(v for v in RESPONSES["utter_privacy_notice"] if not v.get("condition"))
REMINDERS_ON_EN = next(v["text"] for v in RESPONSES["utter_reminders_on"]
                       if v.get("condition") == [{"type": "slot", "name": "language", "value": "en"}])


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop()


def payloads(reply: dict) -> list[str]:
    return [b["payload"] for b in reply.get("buttons") or []]


def test_a_new_numbers_first_reply_carries_the_notice_and_the_second_does_not(shop):
    wa_id = "919755500001"
    first = shop.say(wa_id, "kitna stock hai Maggi ka?", message_id="wamid.privacy-1")
    assert first[0]["text"] == NOTICE_HINGLISH["text"]
    assert payloads(first[0]) == ["/consent_reminders_yes", "/consent_reminders_no"]
    assert first[1]["text"].startswith("Maggi Noodles 70g: ")
    [given] = consents.history(shop.ctx, wa_id)
    assert (given.purpose, given.granted, given.source) == (ConsentPurpose.TRANSACTIONAL, True,
                                                            "whatsapp message wamid.privacy-1")
    second = shop.say(wa_id, "kitna stock hai Maggi ka?")
    assert [reply["text"] for reply in second] == [first[1]["text"]]
    assert not consents.may_send(shop.ctx, wa_id, ConsentPurpose.REMINDERS)


def test_the_opt_in_button_records_the_reminders_consent(shop):
    wa_id = "919755500002"
    shop.say(wa_id, "how much sugar do we have")
    answer = shop.say(wa_id, "/consent_reminders_yes", message_id="wamid.privacy-yes")
    assert [reply["text"] for reply in answer] == [REMINDERS_ON_EN]
    assert consents.may_send(shop.ctx, wa_id, ConsentPurpose.REMINDERS)
    assert consents.current(shop.ctx, wa_id)[ConsentPurpose.REMINDERS].source == "whatsapp message wamid.privacy-yes"
    shop.say(wa_id, "/consent_reminders_no")
    assert not consents.may_send(shop.ctx, wa_id, ConsentPurpose.REMINDERS)


def test_the_shops_own_people_get_no_notice(shop):
    replies = shop.say(shop.owner(), "kitna stock hai Maggi ka?")
    assert all("/consent_reminders_yes" not in payloads(reply) for reply in replies)
