"""The NLU inbox over HTTP, against the review app's real server: what a trainer of one business sees, decides and
may accept, and what an accepted sentence writes into data/nlu (its phone number made up).

Users are created with the `bot review-user` command; the tracker store is Rasa's `events` table on
SQLite. No Rasa server is needed for the inbox (the end-to-end test in test_review_app.py has one).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest

from bot.cli import main as bot_cli
from erp_core.db import Database
from erp_core.tenants import add_tenant
from tests.bot.review.review_server import ROOT, Browser, ReviewApp, start_review_app
from tests.bot.review.tracker_events import SHOP_A, SHOP_B, Tracker
PASSWORD = "trainer test pw"
WITH_PHONE = "mera  number +91 70421-55309 hai, Maggi   bhejo"
"""A message with a customer's phone number (and doubled spaces, as people type)."""
TRAINING_SENTENCE = "mera number +98 76543-21098 hai, Maggi bhejo"
"""What it may enter the training data as: single spaces, the number made up in the same shape."""
OTHER_SHOPS = "Maggi ke packet dekh lo"
BOTH_SHOPS = "dal ka rate kya hai"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewApp]:
    tmp = tmp_path_factory.mktemp("trainer")
    tracker = Tracker(f"sqlite:///{tmp / 'tracker.db'}")
    tracker.user("919800000021", SHOP_A, WITH_PHONE, "nlu_fallback", 0.31)
    tracker.user("919800000021", SHOP_A, "parle g ka hisaab batao bhai", "check_dues", 0.45)
    tracker.user("919800000022", SHOP_B, OTHER_SHOPS, "add_stock", 0.4)
    tracker.action("919800000022", "action_add_stock")
    tracker.user("919800000021", SHOP_A, BOTH_SHOPS, "check_stock", 0.5)
    tracker.user("919800000022", SHOP_B, BOTH_SHOPS, "check_stock", 0.55)
    tracker.engine.dispose()
    erp = Database(f"sqlite:///{tmp / 'erp.db'}")
    erp.migrate()
    add_tenant(erp, phone_number_id=SHOP_A, name="Sharma Kirana")
    erp.dispose()
    app = start_review_app(tmp, ERP_DATABASE_URL=f"sqlite:///{tmp / 'erp.db'}")
    try:
        yield app
    finally:
        app.server.stop()


def signed_in(app: ReviewApp, username: str) -> Browser:
    return Browser(app.url, username, PASSWORD)


def review_user(app: ReviewApp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                *args: str) -> tuple[int, str]:
    """`bot review-user ...` against the app's store: its exit code and what it printed."""
    for name, value in app.env.items():
        monkeypatch.setenv(name, value)
    code = bot_cli(["review-user", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def inbox_items(browser: Browser) -> dict[str, int]:
    """The inbox page's examples (as shown) and the event ids their forms name."""
    page = browser.get("/inbox")
    assert page.status_code == 200
    items = re.findall(r'<p class="example"[^>]*>([^<]*)</p>.*?name="event_id" value="(\d+)"', page.text, re.S)
    return {html.unescape(text): int(event_id) for text, event_id in items}


def test_adding_a_trainer_needs_their_business(app: ReviewApp, monkeypatch, capsys) -> None:
    code, said = review_user(app, monkeypatch, capsys, "add", "meera", "--role", "trainer", "--password", PASSWORD)
    assert code == 2 and "one business only" in said and "--tenant" in said and "admin" in said
    code, said = review_user(app, monkeypatch, capsys, "add", "meera", "--role", "trainer", "--password", PASSWORD,
                             "--tenant", "+91 98123 45678")
    assert code == 2 and "not a WhatsApp phone_number_id" in said
    code, said = review_user(app, monkeypatch, capsys, "add", "asha", "--role", "admin", "--password", PASSWORD,
                             "--tenant", SHOP_A)
    assert code == 2 and "an admin sees every business" in said
    code, said = review_user(app, monkeypatch, capsys, "add", "meera", "--role", "trainer", "--password", PASSWORD,
                             "--tenant", SHOP_A)
    assert code == 0 and f"added review user meera as trainer for business {SHOP_A} (Sharma Kirana)" in said
    code, said = review_user(app, monkeypatch, capsys, "add", "bina", "--role", "trainer", "--password", PASSWORD,
                             "--tenant", SHOP_B)
    assert code == 0 and f"warning: no business is registered under phone_number_id {SHOP_B}" in said
    assert review_user(app, monkeypatch, capsys, "add", "asha", "--role", "admin", "--password", PASSWORD)[0] == 0
    code, said = review_user(app, monkeypatch, capsys, "list")
    assert f"meera\ttrainer\t{SHOP_A}" in said and "asha\tadmin\t(all businesses)" in said


def test_a_trainer_sees_and_decides_only_their_business_messages(app: ReviewApp) -> None:
    meera, bina, asha = signed_in(app, "meera"), signed_in(app, "bina"), signed_in(app, "asha")
    assert set(inbox_items(meera)) == {TRAINING_SENTENCE, "parle g ka hisaab batao bhai", BOTH_SHOPS}
    assert set(inbox_items(bina)) == {OTHER_SHOPS, BOTH_SHOPS}
    assert set(inbox_items(asha)) == {TRAINING_SENTENCE, "parle g ka hisaab batao bhai", OTHER_SHOPS, BOTH_SHOPS}
    other = inbox_items(bina)[OTHER_SHOPS]
    assert meera.post("/inbox/accept", event_id=str(other), intent="check_stock", language="hinglish").status_code == 404
    assert meera.post("/inbox/dismiss", event_id=str(other), decision="deleted").status_code == 404
    parle = inbox_items(meera)["parle g ka hisaab batao bhai"]
    assert meera.post("/inbox/dismiss", event_id=str(parle), decision="out_of_scope").status_code in (302, 303)
    assert "parle g" not in meera.get("/inbox").text
    assert "parle g ka hisaab batao bhai" in asha.get("/training-data").text  # the decision is listed...
    assert "parle g ka hisaab batao bhai" not in bina.get("/training-data").text  # ...to its own business only


def test_a_trainers_dismissal_is_for_their_business_and_an_admins_for_every_business(app: ReviewApp) -> None:
    meera, bina, asha = signed_in(app, "meera"), signed_in(app, "bina"), signed_in(app, "asha")
    both = inbox_items(meera)[BOTH_SHOPS]
    assert meera.post("/inbox/dismiss", event_id=str(both), decision="deleted").status_code in (302, 303)
    assert BOTH_SHOPS not in inbox_items(meera)
    assert BOTH_SHOPS in inbox_items(bina) and BOTH_SHOPS in inbox_items(asha)  # still open for shop B
    assert "meera" not in bina.get("/training-data").text  # shop A's decision is not listed to shop B
    both = inbox_items(asha)[BOTH_SHOPS]
    assert asha.post("/inbox/dismiss", event_id=str(both), decision="out_of_scope").status_code in (302, 303)
    assert BOTH_SHOPS not in inbox_items(bina) and BOTH_SHOPS not in inbox_items(asha)
    listed = bina.get("/training-data").text
    assert BOTH_SHOPS in listed and "asha" in listed and "for every business" in listed


def _drop_down(browser: Browser, name: str) -> set[str]:
    page = browser.get("/conversations").text
    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S).group(1)
    return set(re.findall(r"<option[^>]*>([^<]+)</option>", select)) - {"any"}


def test_the_intent_and_action_drop_downs_offer_only_the_users_business(app: ReviewApp) -> None:
    meera, bina, asha = signed_in(app, "meera"), signed_in(app, "bina"), signed_in(app, "asha")
    assert _drop_down(meera, "intent") == {"nlu_fallback", "check_dues", "check_stock"}
    assert _drop_down(bina, "intent") == {"add_stock", "check_stock"}
    assert _drop_down(asha, "intent") == {"nlu_fallback", "check_dues", "check_stock", "add_stock"}
    assert (_drop_down(meera, "action"), _drop_down(bina, "action")) == (set(), {"action_add_stock"})
    assert _drop_down(asha, "action") == {"action_add_stock"}


def test_accepting_writes_the_real_sentence_without_its_phone_number(app: ReviewApp) -> None:
    meera = signed_in(app, "meera")
    page = meera.get("/inbox").text
    assert "70421" not in page and "55309" not in page and "made-up one" in page
    event_id = inbox_items(meera)[TRAINING_SENTENCE]
    start = TRAINING_SENTENCE.index("Maggi")
    entities = [{"start": start, "end": start + 5, "entity": "product"}]
    accepted = meera.post("/inbox/accept", event_id=str(event_id), intent="check_stock", language="hinglish",
                          entities=json.dumps(entities))
    assert accepted.status_code in (302, 303), accepted.text
    written = (app.project / "data" / "nlu" / "hinglish.yml").read_text(encoding="utf-8").splitlines()
    before = (ROOT / "data" / "nlu" / "hinglish.yml").read_text(encoding="utf-8").splitlines()
    assert [line for line in written if line not in before] == [
        "      - mera number +98 76543-21098 hai, [Maggi](product) bhejo"]
    assert TRAINING_SENTENCE not in inbox_items(meera)
