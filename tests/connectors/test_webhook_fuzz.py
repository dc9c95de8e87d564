"""Bad input at the WhatsApp webhook, over HTTP to the real Rasa server running the channel (the channel tests'
shared stack): malformed, wrongly encoded, deeply nested and oversized bodies, wrong content types, signed and
unsigned.

What the channel must answer:
- unsigned (or wrongly signed): 401 / 403 before the body is read, whatever it holds;
- over 1 MB: 413 (Rasa's Sanic refuses past 8 MB before reading it all);
- validly signed but unreadable: 200 with nothing done (logged). A signature proves the body came from Meta, and
  Meta retries every answer but a 200 for up to seven days: a 4xx would only bring the same unreadable bytes back
  again and again. Messages in it that can be read are answered as usual.
Never a 5xx, never a crash: afterwards the channel still answers a good message from the books.
"""

from __future__ import annotations

import itertools
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.signature import sign
from connectors.simulator import webhooks
from erp_core.demo import DEMO_PHONE_NUMBER_ID as BUSINESS
from tests.connectors.simulator_process import APP_SECRET
from tests.hostile_input import CONTENT_TYPES, hostile_bodies, raw_request

_numbers = itertools.count(919_830_000_001)
TEMPLATE = webhooks.text(BUSINESS, "919829999999", "maggi kitna hai")
"""A good text webhook; the fuzzed bodies break it (its sender never gets an answer: see the last test)."""


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(body=hostile_bodies(TEMPLATE), signed=st.sampled_from(["signed", "unsigned", "wrongly signed"]),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_hostile_webhooks_are_refused_or_ignored_never_a_5xx(stack, body, signed, content_type):
    headers = {"Content-Type": content_type}
    if signed != "unsigned":
        headers["X-Hub-Signature-256"] = sign(body, APP_SECRET if signed == "signed" else "not-the-secret")
    response = stack.post(body, headers=headers)
    expected = {"signed": 200, "unsigned": 401, "wrongly signed": 403}[signed]
    assert response.status_code == expected, (response.status_code, response.text)


def test_oversized_webhooks_are_a_413_and_the_channel_still_answers(stack):
    wa_id = str(next(_numbers))
    just_over = webhooks.text(BUSINESS, wa_id, "x" * (1024 * 1024))
    assert stack.post(just_over).status_code == 413
    url = urlsplit(stack.webhook_url)  # 10 MB announced: past Rasa's request size limit, refused before it is read
    announced = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {10 * 1024 * 1024}\r\n\r\n").encode() + b"[1,"
    assert raw_request(url.hostname, url.port, announced) == 413
    assert stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai")).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)


def test_after_the_fuzzing_a_good_message_is_answered_and_no_broken_one_reached_rasa(stack):
    wa_id = str(next(_numbers))
    assert stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai")).status_code == 200
    assert stack.wait_for_replies(BUSINESS, wa_id, 1)
    for event in stack.user_events(BUSINESS, "919829999999"):
        assert isinstance(event["text"], str) and "\x00" not in event["text"]
