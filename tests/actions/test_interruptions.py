"""What a message is while a form waits (actions/interruptions.py), and the ambiguity question's pure parts
(actions/ambiguity.py); the conversations themselves are in test_interruption_conversation.py."""

from __future__ import annotations

import doctest

import pytest

import actions.ambiguity
import actions.message
from actions.ambiguity import ambiguous_pair, replayed_entities
from actions.intent_names import INTENT_NAMES, intent_name
from actions.interruptions import FORMS, QUERIES, Interruption, action_named, has_flow, interruption

LANGUAGES = ("hinglish", "hi", "ne", "en", "ne_roman")


def test_doctests():
    assert doctest.testmod(actions.ambiguity).failed == 0
    assert doctest.testmod(actions.message).failed == 0


@pytest.mark.parametrize("intent, answer", [("sales_summary", "action_sales_summary"),
                                            ("check_stock", "action_check_stock"),
                                            ("profit_summary", "action_profit_summary"),
                                            ("thank", "utter_you_are_welcome")])
def test_a_question_is_answered_by_its_own_action(intent, answer):
    found = interruption(intent, 0.99, "stock_form", answers_form=False, adds_items=False)
    assert found == Interruption(intent, answer=answer)


def test_a_command_for_another_form_is_a_switch_and_the_same_form_a_correction():
    assert interruption("create_order", 0.99, "stock_form", answers_form=False, adds_items=True) == Interruption(
        "create_order", form="order_form")
    assert interruption("add_stock", 0.99, "stock_form", answers_form=False, adds_items=True) is None
    assert interruption("catalog_order", 1.0, "order_form", answers_form=False, adds_items=True) is None


def test_more_items_for_a_form_that_takes_items_are_the_forms_unless_the_nlu_is_sure():
    assert interruption("add_stock", 0.70, "order_form", answers_form=False, adds_items=True) is None
    assert interruption("check_stock", 0.95, "order_form", answers_form=False, adds_items=True) is None
    assert interruption("add_stock", 0.70, "payment_form", answers_form=False, adds_items=False) == Interruption(
        "add_stock", form="stock_form")


@pytest.mark.parametrize("intent", ["affirm", "deny", "stop", "nlu_fallback", "out_of_scope"])
def test_answers_and_unknown_messages_are_the_forms(intent):
    assert interruption(intent, 0.99, "stock_form", answers_form=False, adds_items=False) is None


def test_a_bare_name_answers_the_form_whatever_the_nlu_read():
    assert interruption("check_dues", 0.99, "payment_form", answers_form=True, adds_items=False) is None


def test_forms_and_actions_this_server_does_not_have_yet_are_not_offered():
    assert action_named("validate_no_such_form") is None
    assert not has_flow("no_such_intent")
    missing = [intent for intent, form in FORMS.items() if action_named(f"validate_{form}") is None]
    for intent in missing:
        assert interruption(intent, 0.99, "stock_form", answers_form=False, adds_items=False) is None
    assert has_flow("add_stock") and has_flow("top_products")


def test_every_intent_the_tables_know_has_a_name_in_every_language():
    for intent in {*FORMS, *QUERIES} - {"help", "greet", "thank"}:
        assert set(INTENT_NAMES[intent]) == set(LANGUAGES), intent
    assert intent_name("add_stock", "hi") == "स्टॉक एंट्री"
    assert intent_name("add_stock", "xx") == "stock entry"


def ranking(*pairs: tuple[str, float]) -> dict:
    return {"intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}]
            + [{"name": name, "confidence": confidence} for name, confidence in pairs]}


@pytest.mark.parametrize("message, pair", [
    (ranking(("top_products", 0.486), ("sales_summary", 0.478)), ("top_products", "sales_summary")),
    (ranking(("add_stock", 0.345), ("create_order", 0.279), ("write_off", 0.1)), ("add_stock", "create_order")),
    (ranking(("add_stock", 0.55), ("create_order", 0.43)), None),  # a clear lead: not ambiguous (the gap)
    (ranking(("add_stock", 0.22), ("create_order", 0.2), ("write_off", 0.19)), None),  # unsure among many
    (ranking(("out_of_scope", 0.3), ("add_stock", 0.25)), None),  # not business
    (ranking(("help", 0.3), ("check_stock", 0.28)), None),
    ({"intent": {"name": "add_stock"}, "intent_ranking": [{"name": "add_stock", "confidence": 0.5},
                                                          {"name": "create_order", "confidence": 0.45}]}, None),
])
def test_the_pair_the_model_hesitated_between(message, pair):
    assert ambiguous_pair(message) == pair


def test_the_entities_a_button_replays_keep_a_single_items_quantity_next_to_it():
    read = [{"entity": "product", "value": "sugar", "start": 0}, {"entity": "quantity", "value": "5", "start": 6},
            {"entity": "unit", "value": "kg", "start": 8}, {"entity": "period", "value": "today", "start": 11}]
    assert replayed_entities(read) == {"quantity": "5", "unit": "kg", "product": "sugar", "period": "today"}
    assert list(replayed_entities(read))[:3] == ["quantity", "unit", "product"]
    assert replayed_entities([]) == {}
