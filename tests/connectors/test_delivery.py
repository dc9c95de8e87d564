"""Outbound delivery against the simulator's Graph API answering 429, 5xx, 130429, 131056 and 131047."""

from __future__ import annotations

import httpx
import pytest

from connectors.delivery import Sender
from connectors.graph import GraphClient
from connectors.events import Media
from connectors.graph import GraphError
from connectors.media import MediaStore
from connectors.outbound import render
from connectors.ratelimit import RateLimiter
from connectors.store import SQLiteStore
from tests.connectors.simulator_process import ACCESS_TOKEN
from tests.postgres_server import free_port

pytestmark = pytest.mark.anyio

BUSINESS, CUSTOMER = "100000000000001", "919800000001"


@pytest.fixture
def sim(simulator):
    simulator.reset()
    return simulator


@pytest.fixture
def sender_factory(sim, tmp_path):
    """Senders on one outbox file, whose backoff sleeps are recorded instead of slept."""

    def make(template: str = "", base_url: str = "", max_attempts: int = 5, store_path=None):
        sleeps: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        client = GraphClient(base_url or sim.graph_url, ACCESS_TOKEN)
        store = SQLiteStore(store_path or tmp_path / "outbox.db")
        sender = Sender(client, store, RateLimiter(1000), reengagement_template=template, max_attempts=max_attempts,
                        sleep=fake_sleep)
        sender.sleeps = sleeps
        return sender

    return make


async def send_text(sender: Sender, text: str, key: str = "wamid.in/0") -> bool:
    [outgoing] = render({"text": text})
    try:
        return await sender.send(key, BUSINESS, CUSTOMER, outgoing)
    finally:
        await sender.client.close()


@pytest.mark.parametrize("fault", [
    {"status": 503, "code": 2, "message": "Service temporarily unavailable"},
    {"status": 500, "code": 131000, "message": "Something went wrong"},
    {"status": 429, "code": 80007, "message": "Rate limit issues"},
    {"status": 400, "code": 130429, "message": "Rate limit hit"},
    {"status": 400, "code": 131056, "message": "(Business Account, Consumer Account) pair rate limit hit"},
])
async def test_retryable_failures_are_retried_with_growing_jittered_backoff(sim, sender_factory, fault):
    sim.faults({**fault, "times": 3})
    sender = sender_factory()
    assert await send_text(sender, "Maggi: 48 packet bacha hai.")
    assert len(sim.sends()) == 4, "three failures and one success"
    assert [m["message"]["text"]["body"] for m in sim.conversation(BUSINESS, CUSTOMER)] == ["Maggi: 48 packet bacha hai."]
    assert len(sender.sleeps) == 3
    assert sender.sleeps == sorted(sender.sleeps) and sender.sleeps[-1] > sender.sleeps[0]
    assert 0.25 <= sender.sleeps[0] <= 0.5, "equal jitter: between half and all of the first delay"
    assert await sender.store.outbox_pending() == []


async def test_a_user_known_only_by_a_user_id_is_sent_to_as_the_recipient(sim, sender_factory):
    sender = sender_factory()
    [outgoing] = render({"text": "Maggi: 48 packet"})
    try:
        assert await sender.send("wamid.user/0", BUSINESS, "IN.1502576394655843", outgoing)
    finally:
        await sender.client.close()
    [sent] = sim.sends()
    assert sent["recipient"] == "IN.1502576394655843" and "to" not in sent
    assert [m["message"]["text"]["body"] for m in sim.conversation(BUSINESS, "IN.1502576394655843")] == [
        "Maggi: 48 packet"]


async def test_the_graph_fake_refuses_a_user_id_in_to_and_a_number_in_recipient(sim):
    for addressed in ({"to": "IN.1502576394655843"}, {"recipient": "919800000001"}, {},
                      {"to": "919800000001", "recipient": "IN.1502576394655843"}):
        answer = httpx.post(f"{sim.graph_url}/{BUSINESS}/messages", headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
                            json={"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}, **addressed})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == 131009, addressed


async def test_giving_up_after_the_retries_is_logged_with_the_error(sim, sender_factory, caplog):
    sim.faults({"status": 503, "code": 2, "message": "Service temporarily unavailable", "times": 100})
    sender = sender_factory(max_attempts=4)
    assert not await send_text(sender, "kuch bhi")
    assert len(sim.sends()) == 4 and len(sender.sleeps) == 3
    [failed] = await sender.store.delivery_log()
    assert (failed["message_id"], failed["status"], failed["error_code"]) == ("wamid.in/0", "failed", 2)
    assert await sender.store.outbox_pending() == []
    assert "giving up on reply wamid.in/0" in caplog.text and "kuch bhi" in caplog.text


async def test_a_permanent_error_is_not_retried(sim, sender_factory):
    sim.faults({"status": 400, "code": 131026, "message": "Message undeliverable", "times": 100})
    sender = sender_factory()
    assert not await send_text(sender, "hello")
    assert len(sim.sends()) == 1 and sender.sleeps == []
    assert (await sender.store.delivery_log())[0]["error_code"] == 131026


async def test_a_closed_24_hour_window_falls_back_to_the_configured_template(sim, sender_factory):
    sim.faults({"status": 400, "code": 131047, "message": "Re-engagement message", "times": 1, "type": "text"})
    sender = sender_factory(template="hisaab_update")
    assert await send_text(sender, "Aapka bill\nTotal ₹500")
    [delivered] = sim.conversation(BUSINESS, CUSTOMER)
    template = delivered["message"]["template"]
    assert template["name"] == "hisaab_update" and template["language"] == {"code": "en"}
    assert template["components"][0]["parameters"][0]["text"] == "Aapka bill Total ₹500"
    assert sender.sleeps == []


async def test_a_closed_window_without_a_template_is_a_logged_failure(sim, sender_factory):
    sim.faults({"status": 400, "code": 131047, "message": "Re-engagement message", "times": 100})
    sender = sender_factory()
    assert not await send_text(sender, "hello")
    assert (await sender.store.delivery_log())[0]["error_code"] == 131047
    assert sim.conversation(BUSINESS, CUSTOMER) == []


async def test_network_errors_are_retried_then_logged(sender_factory):
    sender = sender_factory(base_url=f"http://127.0.0.1:{free_port()}/v21.0", max_attempts=3)
    assert not await send_text(sender, "hello")
    assert len(sender.sleeps) == 2
    assert (await sender.store.delivery_log())[0]["status"] == "failed"


async def test_a_reply_pending_at_a_crash_is_sent_after_the_restart_once(sim, sender_factory, tmp_path):
    crashed = sender_factory()
    [outgoing] = render({"text": "yeh reply crash se pehle queue hua"})
    entry = {"phone_number_id": BUSINESS, "to": CUSTOMER, **outgoing.to_dict()}
    assert await crashed.store.outbox_put("wamid.crash/0", entry)  # stored, then the process died
    await crashed.store.close()

    restarted = sender_factory()
    assert await restarted.recover() == 1
    assert not await restarted.send("wamid.crash/0", BUSINESS, CUSTOMER, outgoing), "the replay is not sent again"
    await restarted.client.close()
    assert [m["message"]["text"]["body"] for m in sim.conversation(BUSINESS, CUSTOMER)] == [
        "yeh reply crash se pehle queue hua"]


async def test_a_local_pdf_is_uploaded_and_sent_by_id(sim, sender_factory, tmp_path):
    pdf = tmp_path / "INV-0042.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% invoice\n")
    [outgoing] = render({"custom": {"type": "document", "path": str(pdf), "filename": "INV-0042.pdf",
                                    "caption": "Aapka bill"}})
    sender = sender_factory()
    assert await sender.send("wamid.doc/0", BUSINESS, CUSTOMER, outgoing)
    await sender.client.close()
    [delivered] = sim.conversation(BUSINESS, CUSTOMER)
    document = delivered["message"]["document"]
    assert document["filename"] == "INV-0042.pdf" and document["caption"] == "Aapka bill" and "link" not in document
    assert httpx.get(f"{sim.url}/sim/media/{document['id']}").content == pdf.read_bytes()


async def test_media_sent_by_a_customer_is_downloaded_with_the_token_into_the_business_folder(sim, tmp_path):
    photo = b"\xff\xd8\xff\xe0 a receipt photo"
    media_id = sim.upload(photo, "receipt.jpg", "image/jpeg")
    client = GraphClient(sim.graph_url, ACCESS_TOKEN)
    try:
        path = await MediaStore(tmp_path / "media", client).fetch(BUSINESS, Media(media_id, "image/jpeg"))
    finally:
        await client.close()
    assert path == tmp_path / "media" / BUSINESS / f"{media_id}.jpg" and path.read_bytes() == photo


async def test_the_simulator_refuses_media_without_the_token(sim, tmp_path):
    media_id = sim.upload(b"data", "x.jpg", "image/jpeg")
    client = GraphClient(sim.graph_url, "wrong-token")
    with pytest.raises(GraphError) as error:
        await MediaStore(tmp_path, client).fetch(BUSINESS, Media(media_id, "image/jpeg"))
    await client.close()
    assert error.value.code == 190


async def test_a_sent_reply_is_recorded_even_when_the_store_is_away_for_a_moment(sim, sender_factory):
    """Redis restarting just after a reply went out: the record waits, so a replay of its message sends nothing."""
    sender = sender_factory()
    finish, failures = sender.store.outbox_finish, iter([ConnectionError("Redis is restarting")] * 2)

    async def away_twice(key: str, state: str) -> None:
        if (failure := next(failures, None)) is not None:
            raise failure
        await finish(key, state)

    sender.store.outbox_finish = away_twice
    [outgoing] = render({"text": "sirf ek baar"})
    assert await sender.send("wamid.away/0", BUSINESS, CUSTOMER, outgoing)
    assert len(sender.sleeps) == 2 and await sender.store.outbox_state("wamid.away/0") == "sent"
    assert not await sender.send("wamid.away/0", BUSINESS, CUSTOMER, outgoing, replay=True)
    await sender.client.close()
    assert [m["message"]["text"]["body"] for m in sim.conversation(BUSINESS, CUSTOMER)] == ["sirf ek baar"]
