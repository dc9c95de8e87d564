"""The review app's security over HTTP and in Debian's Chromium, against its real server in the production profile:
sessions that expire and end, cookie flags, an audit row for every state change (the app's own list of routes
decides what is checked), and phone numbers masked on every page and export unless an admin reveals one
conversation's, which is audited too.

Sessions are aged by writing their times in the store, so no test waits for a clock.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser as Chromium, expect
from sqlalchemy import Engine, update

from bot.cli import main as bot_cli
from bot.review import audit, auth
from bot.review.app import STATE_CHANGING, create_app
from bot.review.config import ReviewConfig
from bot.review.nlu_files import read_examples
from bot.review.schema import sessions
from bot.review.store import open_store
from tests.bot.review.review_server import ROOT, Browser, ReviewApp, sign_in_attempt, start_review_app
from tests.bot.review.tracker_events import SHOP_A, SHOP_B, Tracker

PASSWORD = "security test pw"
WA_ID = "919812345610"
SAID = "mera number 98123 45610 hai, Pooja ka +91 70421 55309 likh lo"
"""A message holding the sender's own number and someone else's; the model read part of the first as a quantity."""
REPLY = "Pooja (+91 70421 55309) ko jod diya"
UNMASKED = ["9812345610", "98123 45610", "7042155309", "70421 55309", WA_ID, "917042155309"]
"""The people's numbers, as the tracker holds them. (The business's phone_number_id, Meta's id for its number, is
shown masked too, but stays in the business filter's option values.)"""
PHONE_LIKE = re.compile(r"\d(?: ?\d){9,}")
"""Ten digits or more, maybe with single spaces: what must never be on a masked page (a dash would take in dates
such as 2026-09-21 08:00; the numbers written with dashes are in UNMASKED)."""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewApp]:
    tmp = tmp_path_factory.mktemp("security")
    tracker = Tracker(f"sqlite:///{tmp / 'tracker.db'}")
    sender = f"{SHOP_A}:{WA_ID}"
    start = SAID.index("98123")
    tracker.user(sender, SHOP_A, SAID, "add_customer", 0.41,
                 [{"entity": "quantity", "value": "98123", "start": start, "end": start + 5}], wa_id=WA_ID)
    tracker.slot(sender, "customer_phone", "917042155309")
    tracker.bot(sender, REPLY, buttons=[{"title": "Pooja 7042155309", "payload": '/choose{"phone": "917042155309"}'}])
    tracker.user(f"{SHOP_B}:919800000022", SHOP_B, "namaste", "greet", 0.9, wa_id="919800000022")
    tracker.engine.dispose()
    store = open_store(f"sqlite:///{tmp / 'review.db'}")
    for name, role, tenant in [("asha", auth.Role.ADMIN, None), ("meera", auth.Role.TRAINER, SHOP_A),
                               ("ravi", auth.Role.REVIEWER, SHOP_B)]:
        auth.add_user(store, name, PASSWORD, role, tenant)
    store.dispose()
    app = start_review_app(tmp, HISAAB_ENV="production", REVIEW_SESSION_IDLE_MINUTES="10", REVIEW_SESSION_HOURS="2")
    try:
        asha = Browser(app.url, "asha", PASSWORD)
        deadline = time.monotonic() + 30
        while 'id="total">2<' not in asha.get("/conversations").text:  # both conversations indexed
            assert time.monotonic() < deadline, "the conversations were not indexed"
            time.sleep(0.3)
        yield app
    finally:
        app.server.stop()


@pytest.fixture
def store(app: ReviewApp) -> Iterator[Engine]:
    engine = open_store(app.env["REVIEW_DATABASE_URL"])
    yield engine
    engine.dispose()


def signed_in(app: ReviewApp, username: str) -> Browser:
    return Browser(app.url, username, PASSWORD)


def conversation_id(browser: Browser, text: str) -> int:
    """The id of the conversation whose row in the list shows `text`."""
    page = browser.get("/conversations").text
    return int(re.search(rf'href="/conversations/(\d+)">(?:(?!</a>).)*{re.escape(text)}', page, re.S).group(1))


def _age_session(store: Engine, browser: Browser, **times: float) -> None:
    token_hash = auth._token_hash(browser.cookies["review_session"])
    with store.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.token_hash == token_hash).values(**times))


def latest_audit(store: Engine, count: int = 1) -> list[tuple[str, str, str, str, str]]:
    """The newest audit rows as (actor, action, object, outcome, summary), newest first."""
    return [(r.actor, r.action, r.object, r.outcome, r.summary) for r in audit.page(store)[0][:count]]


def test_the_session_cookie_is_httponly_samesite_and_secure_in_production(app: ReviewApp) -> None:
    signed = sign_in_attempt(app.url, "ravi", PASSWORD)
    cookie = next(v for k, v in signed.headers.multi_items() if k == "set-cookie" and v.startswith("review_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/", f"max-age={2 * 3600}"} <= flags, cookie


def test_an_idle_session_is_refused_pages_go_to_sign_in_and_json_gets_401(app: ReviewApp, store: Engine) -> None:
    ravi = signed_in(app, "ravi")
    _age_session(store, ravi, last_seen_at=time.time() - 9 * 60)
    assert ravi.get("/conversations").status_code == 200  # 9 idle minutes of 10: still signed in, and now fresh
    _age_session(store, ravi, last_seen_at=time.time() - 11 * 60)
    page = ravi.get("/conversations")
    assert page.status_code in (302, 303)
    assert page.headers["location"] == "/login?next=%2Fconversations&expired=1"
    assert "Your session has ended" in httpx.get(app.url + page.headers["location"]).text
    refused = ravi.get("/models/1/status", accept="application/json")
    assert refused.status_code == 401 and refused.json() == {"error": "your session has ended: sign in again"}
    assert ravi.post("/conversations/1/tags", tag="late").status_code == 401


def test_a_session_ends_at_its_lifetime_however_busy(app: ReviewApp, store: Engine) -> None:
    ravi = signed_in(app, "ravi")
    _age_session(store, ravi, expires_at=time.time() - 1)
    assert ravi.get("/conversations").status_code in (302, 303)


def test_signing_out_ends_the_session_and_a_new_password_ends_them_all(app: ReviewApp, store: Engine,
                                                                       monkeypatch, capsys) -> None:
    first, second, third = (signed_in(app, "meera") for _ in range(3))
    assert first.post("/logout").status_code in (302, 303)
    assert first.get("/conversations").status_code in (302, 303)
    assert second.get("/conversations").status_code == 200
    for name, value in app.env.items():
        monkeypatch.setenv(name, value)
    assert bot_cli(["review-user", "password", "meera", "--password", PASSWORD]) == 0
    assert "their sessions are ended" in capsys.readouterr().out
    assert [b.get("/conversations").status_code for b in (second, third)] == [302, 302]
    actor, action, obj, outcome, summary = latest_audit(store)[0]
    assert (actor.startswith("cli:"), action, obj, outcome, summary) == (
        True, "password_changed", "user meera", "ok", "2 session(s) ended")


def test_every_state_changing_route_writes_an_audit_row(app: ReviewApp, store: Engine, monkeypatch) -> None:
    """Every POST/PUT/PATCH/DELETE route the app has, asked by a reviewer of another business (refused or not,
    nothing of shop A changes), leaves a row naming it; sign-in attempts are checked below."""
    for name, value in app.env.items():
        monkeypatch.setenv(name, value)
    listing = create_app(ReviewConfig.from_env(ROOT), name="route_listing")
    routes = {(route.name.split(".", 1)[1], "/" + re.sub(r"<[^>]+>", "1", route.path))
              for route in listing.router.routes if route.methods & STATE_CHANGING}
    listing.ctx.engine.dispose()
    assert {"signin.logout", "conversations.conversation_reveal", "models.models_train"} <= {n for n, _ in routes}
    for name, path in sorted(routes - {("signin.login", "/login")}):
        ravi = signed_in(app, "ravi")
        response = ravi.post(path)
        assert response.status_code < 500, (path, response.text)
        actor, action, _, outcome, _ = latest_audit(store)[0]
        assert (actor, action) == ("ravi", name), f"{path} wrote no audit row"
        assert outcome == "ok" if response.status_code < 400 else outcome == f"refused ({response.status_code})"


def test_sign_in_attempts_are_audited_under_known_names_only(app: ReviewApp, store: Engine) -> None:
    assert sign_in_attempt(app.url, "asha", "not the password").status_code == 401
    assert sign_in_attempt(app.url, "my secret pw 9812345610", PASSWORD).status_code == 401  # a password, misplaced
    assert sign_in_attempt(app.url, "Asha", PASSWORD).status_code in (302, 303)
    assert latest_audit(store, 3) == [
        ("asha", "signin.login", "user asha", "ok", "as admin"),
        ("(unknown user)", "signin.login", "user (unknown user)", "refused: wrong password", ""),
        ("asha", "signin.login", "user asha", "refused: wrong password", ""),
    ]
    assert all(row.address == "127.0.0.1" for row in audit.page(store)[0][:3])


def test_state_changes_are_audited_with_what_they_did_and_no_phone_number(app: ReviewApp, store: Engine) -> None:
    asha, meera = signed_in(app, "asha"), signed_in(app, "meera")
    conv = conversation_id(asha, "Pooja")
    assert asha.post(f"/conversations/{conv}/tags", tag="call 9812345610").status_code in (302, 303)
    assert asha.post(f"/conversations/{conv}/mark", field="reviewed", value="1").status_code in (302, 303)
    assert asha.post(f"/conversations/{conv}/comments", body="Pooja is +91 70421 55309").status_code in (302, 303)
    assert asha.post("/models/1/activate").status_code == 409
    example = read_examples(app.project / "data" / "nlu")[0]
    deleted = meera.post("/training-data/delete", language=example.language, intent=example.intent,
                         text=example.plain)
    assert deleted.status_code in (302, 303), deleted.text
    assert latest_audit(store, 5) == [
        ("meera", "training_data.training_data_delete", f"example of {example.intent} in {example.language}.yml",
         "ok", f"deleted: {example.plain[:120]}"),
        ("asha", "models.model_activate", "model 1", "refused (409)", ""),
        ("asha", "conversations.conversation_comment", f"conversation {conv}", "ok", "comment of 24 characters"),
        ("asha", "conversations.conversation_mark", f"conversation {conv}", "ok", "reviewed on"),
        ("asha", "conversations.conversation_tags", f"conversation {conv}", "ok", "tag 'call 98••••••10' added"),
    ]
    said = [" ".join((r.actor, r.object, r.outcome, r.summary)) for r in audit.page(store)[0]]
    assert not [line for line in said if PHONE_LIKE.search(line)]


def test_only_an_admin_reveals_a_conversations_numbers_and_it_is_audited(app: ReviewApp, store: Engine) -> None:
    asha, meera, ravi = signed_in(app, "asha"), signed_in(app, "meera"), signed_in(app, "ravi")
    conv = conversation_id(asha, "Pooja")
    masked = asha.get(f"/conversations/{conv}").text
    assert "+91 98••••••10" in masked and not [n for n in UNMASKED if n in masked]
    assert 'id="reveal"' in masked and 'id="reveal"' not in meera.get(f"/conversations/{conv}").text
    assert meera.post(f"/conversations/{conv}/reveal").status_code == 403  # a trainer of that very business
    assert ravi.post(f"/conversations/{conv}/reveal").status_code == 403
    revealed = asha.post(f"/conversations/{conv}/reveal")
    assert revealed.status_code == 200 and WA_ID in revealed.text and "+91 70421 55309" in revealed.text
    assert latest_audit(store)[0] == ("asha", "conversations.conversation_reveal", f"conversation {conv}", "ok",
                                      "phone numbers shown")
    assert "+91 98••••••10" in asha.get(f"/conversations/{conv}").text  # the next look is masked again
    assert ravi.get("/audit").status_code == 403 and meera.get("/audit").status_code == 403
    log = asha.get("/audit").text
    assert "conversations.conversation_reveal" in log and "phone numbers shown" in log


def test_lists_and_exports_show_masked_numbers(app: ReviewApp) -> None:
    asha = signed_in(app, "asha")
    for path in ("/conversations", "/export.json", "/export.csv", "/settings", "/audit"):
        body = asha.get(path).text
        assert not [n for n in UNMASKED if n in body], path
    exported = json.loads(asha.get("/export.json").text)
    pooja = next(c for c in exported if c["messages"][0]["text"].startswith("mera"))
    assert pooja["sender_id"] == "10•••••••••••01:+91 98••••••10"
    assert pooja["messages"][0]["text"] == "mera number 98••• •••10 hai, Pooja ka +91 70••• •••09 likh lo"


def test_a_conversation_page_in_chromium_shows_no_unmasked_number(app: ReviewApp, browser: Chromium,
                                                                  store: Engine) -> None:
    url = app.url.replace("127.0.0.1", "localhost")  # a secure origin for the Secure cookie
    page = browser.new_page()
    page.goto(url + "/login")
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#conversations")).to_contain_text("+91 98••••••10")
    page.locator("#conversations a", has_text="Pooja").click()
    expect(page.locator(".turn.user")).to_contain_text("•••10 hai, Pooja ka +91 70••• •••09 likh lo")
    for shown in (page.locator("body").inner_text(), page.content()):
        assert not PHONE_LIKE.search(shown.replace(page.url, "")), PHONE_LIKE.search(shown)
        assert not [n for n in [*UNMASKED, SHOP_A] if n in shown]
    page.get_by_role("button", name="Show phone numbers").click()
    expect(page.locator(".turn.user")).to_contain_text("45610 hai, Pooja ka +91 70421 55309 likh lo")
    expect(page.locator("h1")).to_have_text(f"{SHOP_A}:{WA_ID}")
    assert latest_audit(store)[0][:2] == ("asha", "conversations.conversation_reveal")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#audit tbody tr").first).to_contain_text("conversations.conversation_reveal")
    page.close()
