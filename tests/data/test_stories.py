"""Rasa test stories (tests/data/stories/*.yml), each played against the real Rasa server and action server.

The stories are in Rasa's test-story format, so `rasa test core --stories tests/data/stories`
reads them too; here each is sent turn by turn through the REST channel as a new
WhatsApp number of a copy of the demo shop, and the tracker Rasa kept must follow the story
(tests/data/stories/runner.py). A failing story prints what happened, in story form.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from erp_core.demo import CUSTOMERS
from tests.data.stories.runner import Story, load_stories, mismatch, observed_steps, play
from tests.shop_stack import Shop, Stack

_new_numbers = itertools.count(919755000001)
STORIES = [story for path in sorted((Path(__file__).parent / "stories").glob("*.yml")) for story in load_stories(path)]


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop().with_look_alikes()


def as_story(steps: list[dict]) -> str:
    out = io.StringIO()
    YAML().dump(steps, out)
    return out.getvalue()


def customer_number(story: Story) -> str:
    """A known customer's WhatsApp number, one per story (every demo customer has one)."""
    return CUSTOMERS[STORIES.index(story) % len(CUSTOMERS)][1]


@pytest.mark.parametrize("story", STORIES, ids=[s.name for s in STORIES])
def test_story(shop: Shop, story: Story):
    wa_id = {"customer": customer_number, "new customer": lambda _: str(next(_new_numbers))}.get(
        story.sender, lambda _: shop.owner())(story)
    metadata = {"phone_number_id": shop.phone_number_id, "profile_name": story.metadata.get("profile_name", "")}
    observed = play(shop.rasa_url, story, wa_id, metadata, sender=shop.sender(wa_id))
    problem = mismatch(story, observed)
    assert problem is None, f"{problem}\n\nwhat happened:\n{as_story(observed)}"


def test_a_story_that_does_not_match_is_reported():
    """The comparison itself: a wrong action, a missing turn and an extra action are each caught."""
    story = Story("stock", [{"user": "maggi kitna hai", "intent": "check_stock", "entities": [{"product": "maggi"}]},
                            {"action": "action_check_stock"}])
    happened = observed_steps([
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "maggi kitna hai",
         "parse_data": {"intent": {"name": "check_stock"}, "entities": [{"entity": "product", "value": "maggi"}]}},
        {"event": "action", "name": "action_extract_slots"},
        {"event": "action", "name": "action_check_stock"},
        {"event": "action", "name": "action_listen"},
    ])
    assert mismatch(story, happened) is None
    assert "expected action action_check_stock, Rasa ran action_low_stock" in mismatch(
        story, [happened[0], {"action": "action_low_stock"}])
    assert "ended before it" in mismatch(story, happened[:1])
    assert "also ran ['utter_goodbye']" in mismatch(story, [*happened, {"action": "utter_goodbye"}])
    assert "expected entity" in mismatch(story, [{**happened[0], "entities": []}, happened[1]])
    said = Story("said", [*story.steps, {"bot": "Maggi: 120 packet"}])
    assert mismatch(said, [*happened, {"bot": "Maggi: 120 packet"}]) is None
    assert "did not happen" in mismatch(said, [*happened, {"bot": "Maggi: 12 packet"}])
