"""The webhook parser against hostile bodies (fuzzed in the ERP environment: connectors.events imports no Rasa).

Whatever the body, `events.parse` either raises ValueError (the channel then answers without reading it) or gives
messages and statuses whose every field has its declared type, that survive the durable inbox's JSON round trip,
and whose text is text a database stores. Each hostile value is planted in one field of a documented payload.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import events
from connectors.events import Message, Status
from tests.connectors import meta_payloads as meta
from tests.hostile_input import hostile_bodies, nested

SHAPES = [meta.TEXT, meta.BUTTON_REPLY, meta.LIST_REPLY, meta.TEMPLATE_BUTTON, meta.IMAGE, meta.DOCUMENT, meta.VOICE,
          meta.LOCATION, meta.FLOW_REPLY, meta.UNSUPPORTED, meta.USER_ID_ONLY, meta.REACTION, meta.SENT, meta.FAILED]


def _well_typed(record: Message | Status) -> None:
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if field.type in ("str", str):
            assert isinstance(value, str) and "\x00" not in value, (field.name, value)
            value.encode("utf-8")  # no lone surrogates
        if field.name == "timestamp":
            assert type(value) is int and 0 <= value <= events.LAST_TIMESTAMP
    if isinstance(record, Message) and record.location is not None:
        assert math.isfinite(record.location.latitude) and math.isfinite(record.location.longitude)
    if isinstance(record, Message):
        assert Message.from_dict(json.loads(json.dumps(record.to_dict()))) == record


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_hostile_body_is_refused_or_read_into_well_typed_messages(data):
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    body = data.draw(hostile_bodies(meta.envelope(shape)), label="body")
    try:
        webhook = events.parse(body)
    except ValueError:
        return
    for record in (*webhook.messages, *webhook.statuses):
        _well_typed(record)


@pytest.mark.parametrize("body", [
    nested(100_000), nested(100_000, "dict"),
    json.dumps(meta.envelope({**meta.TEXT, "messages": [{**meta.TEXT["messages"][0], "timestamp": 1e400}]})).encode(),
    json.dumps(meta.envelope({**meta.SENT, "statuses": [{**meta.SENT["statuses"][0], "timestamp": 1e300}]})).encode(),
    json.dumps(meta.envelope({**meta.TEXT, "messages": [{**meta.TEXT["messages"][0], "text": {"body": ["7"]}}]})).encode(),
    json.dumps(meta.envelope({**meta.TEXT, "messages": [{**meta.TEXT["messages"][0], "id": {"wamid": 1}}]})).encode(),
    json.dumps(meta.envelope({**meta.TEXT, "messages": [{**meta.TEXT["messages"][0], "from": "9198\x00"}]})).encode(),
    json.dumps(meta.envelope({**meta.LOCATION, "messages": [{**meta.LOCATION["messages"][0],
                                                             "location": {"latitude": 10**400, "longitude": 0}}]})
               ).encode(),
])
def test_bodies_that_crashed_the_parser_are_refused(body: bytes):
    """Each raised RecursionError or OverflowError (a 500, retried by Meta), or gave a message whose id, sender or
    text was not text."""
    with pytest.raises(ValueError):
        events.parse(body)
