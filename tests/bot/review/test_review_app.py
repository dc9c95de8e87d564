"""The review app end to end, in Debian's Chromium, against a real Rasa server and its SQL tracker store.

Real conversations go through Rasa (and the action server, on a freshly seeded demo shop). A trainer
signs in, filters to low confidence, marks an entity in the NLU inbox by selecting text, accepts the
example (it lands in the project's hinglish.yml), trains a model in the background, activates it
on the running Rasa server, and the bot then answers that sentence with the shop's stock.

Training uses a COPY of the project (config, domain, data) in a temporary directory, never the
repository's data/, with the project's own config.yml.

Set REVIEW_SCREENSHOTS=docs/img to refresh the screenshots of docs/review.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bot.chat import send
from bot.servers import RASA_START_TIMEOUT, Server, start_action_server, start_rasa_server
from bot.training import ensure_model
from erp_core import catalog, inventory
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import seed_demo
from erp_core.messages import format_decimal
from erp_core.permissions import Actor
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[3]
OTHER_SHOP = "100000000000777"
PASSWORD = "review app test pw"
CANDIDATES = ("Maggi ke figure bhejiye", "Maggi ke packet ki taza khabar bhejo", "Maggi ki taraf dhyan do zara",
              "Maggi ke packet pe nazar maar lo", "Maggi ke packet pe nazar daalna", "Maggi ke packet ka haal sunao")
"""check_stock questions, each starting with the product, of which the project's model misreads some with low
confidence; the stack fixture takes the first it still misreads (data that teaches one moves the test on). The
first has no unit word: in one read as goods coming in, "packet" is marked as a unit too."""
PAGES = ["/", "/conversations", "/conversations/1", "/inbox", "/training-data", "/models", "/models/1/status",
         "/settings", "/audit", "/export.json", "/export.csv"]
POSTS = ["/logout", "/conversations/1/mark", "/conversations/1/tags", "/conversations/1/flag",
         "/conversations/1/comments", "/conversations/1/reveal", "/inbox/accept", "/inbox/dismiss",
         "/training-data/delete", "/models/train", "/models/1/activate"]


@dataclass
class Stack:
    url: str
    rasa_url: str
    project: Path
    ctx: Context
    shots: Path
    sentence: str
    """The check_stock question the model misreads, below 0.6."""

    @property
    def plain_word(self) -> str:
        """A word of the sentence no entity mark splits on a page, long enough to be found in no other item
        ("lo" is inside "kilo"): the longer of its last two words."""
        return max(self.sentence.split()[-2:], key=len)

    @property
    def annotated(self) -> str:
        return "[Maggi](product)" + self.sentence[len("Maggi"):]


def misread(rasa_url: str) -> str:
    """The first candidate the running model reads as something other than check_stock, below 0.6."""
    readings = {}
    for sentence in CANDIDATES:
        intent = httpx.post(f"{rasa_url}/model/parse", json={"text": sentence}, timeout=30).json()["intent"]
        if intent["name"] != "check_stock" and intent["confidence"] < 0.6:
            return sentence
        readings[sentence] = (intent["name"], round(intent["confidence"], 2))
    raise AssertionError(f"the model reads every candidate confidently: {readings}; add one it still misreads")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("review")
    project = tmp / "project"
    project.mkdir()
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    shutil.copy(ROOT / "config.yml", project / "config.yml")

    erp_url = f"sqlite:///{tmp / 'erp.db'}"
    db = Database(erp_url)
    db.migrate()
    shop = seed_demo(db)
    actions_port, rasa_port, review_port = free_port(), free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
                         f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n")
    review_env = {
        "REVIEW_DATABASE_URL": f"sqlite:///{tmp / 'review.db'}", "REVIEW_TRACKER_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "REVIEW_PROJECT_DIR": str(project), "REVIEW_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "REVIEW_MODELS_DIR": str(tmp / "models"), "REVIEW_WORK_DIR": str(tmp / "work"),
        "WHATSAPP_STORE_PATH": str(tmp / "whatsapp.db"),
    }
    for name, role, tenant in [("asha", "admin", None), ("ravi", "reviewer", OTHER_SHOP)]:
        subprocess.run([str(ROOT / ".venv" / "erp" / "bin" / "python"), "-m", "bot", "review-user", "add", name,
                        "--role", role, "--password", PASSWORD, *(["--tenant", tenant] if tenant else [])],
                       cwd=ROOT, env={**os.environ, **review_env}, check=True, capture_output=True)
    actions = start_action_server(ROOT, actions_port, env={"ERP_DATABASE_URL": erp_url})
    rasa = start_rasa_server(ROOT, ensure_model(ROOT), rasa_port, endpoints)
    review = Server("review app", [str(ROOT / ".venv" / "erp" / "bin" / "python"), "-m", "bot", "review", "--port",
                                   str(review_port)], f"http://127.0.0.1:{review_port}/health", ROOT,
                    {**os.environ, **review_env}, tmp / "review.log")
    try:
        actions.wait_ready(60)
        rasa.wait_ready(RASA_START_TIMEOUT)
        review.wait_ready(60)
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        sentence = misread(rasa_url)
        send(rasa_url, "kitna stock hai Maggi ka?")
        send(rasa_url, sentence, wa_id="919800000011")
        send(rasa_url, "namaste", wa_id="919800000099", phone_number_id=OTHER_SHOP)
        shots = Path(os.environ.get("REVIEW_SCREENSHOTS") or tmp / "shots")
        shots.mkdir(parents=True, exist_ok=True)
        yield Stack(f"http://localhost:{review_port}", rasa_url, project, Context(db, shop.id, Actor.system()),
                    shots, sentence)
    finally:
        review.stop()
        rasa.stop()
        actions.stop()
        db.dispose()


def sign_in(browser: Browser, stack: Stack, username: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(stack.url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/conversations$"))
    return page


def test_nothing_is_visible_without_signing_in(browser: Browser, stack: Stack) -> None:
    page = browser.new_page()
    for path in PAGES:
        page.goto(stack.url + path)
        expect(page).to_have_url(re.compile(r"/login\?next="))
        expect(page.locator("#login")).to_be_visible()
    page.close()
    for path in POSTS:
        assert httpx.post(stack.url + path, data={"csrf_token": "x"}).status_code == 401, path
    response = httpx.post(stack.url + "/login", data={"username": "asha", "password": PASSWORD})
    assert response.status_code == 403  # no sign-in CSRF token


def test_forms_need_the_sessions_csrf_token(browser: Browser, stack: Stack) -> None:
    page = sign_in(browser, stack, "asha")
    cookie = next(c for c in page.context.cookies() if c["name"] == "review_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    assert page.request.post(stack.url + "/conversations/1/tags", form={"tag": "x"}).status == 403
    assert page.request.post(stack.url + "/conversations/1/tags", form={"tag": "x", "csrf_token": "forged"}).status == 403
    page.close()


def test_a_reviewer_sees_only_their_business(browser: Browser, stack: Stack) -> None:
    admin = sign_in(browser, stack, "asha")
    expect(admin.locator("#total")).to_have_text("3")
    demo_link = admin.locator("#conversations a", has_text=stack.sentence).get_attribute("href")
    admin.close()
    page = sign_in(browser, stack, "ravi")
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#conversations")).to_contain_text("namaste")
    assert page.goto(stack.url + demo_link).status == 404
    assert page.goto(stack.url + "/inbox").status == 403
    assert stack.sentence not in page.request.get(stack.url + "/export.json").text()
    page.close()


@pytest.mark.timeout(1800)
def test_a_trainer_teaches_the_bot_a_sentence_it_misread(browser: Browser, stack: Stack) -> None:
    login = browser.new_page(viewport={"width": 1280, "height": 860})
    login.goto(stack.url + "/login")
    login.screenshot(path=stack.shots / "review-login.png")
    login.close()
    page = sign_in(browser, stack, "asha")

    # the conversation list, filtered to low confidence
    page.locator("details.filters summary").click()
    page.locator("input[name=low]").check()
    page.locator("input[name=threshold]").fill("0.6")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#conversations")).to_contain_text(stack.sentence)
    page.screenshot(path=stack.shots / "review-conversations.png", full_page=True)

    # the conversation: what the model made of it (not check_stock), the runner-ups and the bot's answer
    page.locator("#conversations a", has_text=stack.sentence).click()
    user_turn = page.locator(".turn.user", has_text=stack.plain_word)  # entities are marked inside the text
    expect(user_turn.locator(".intent")).not_to_contain_text("check_stock")
    expect(user_turn.locator(".runner").first).to_be_visible()
    expect(page.locator(".turn.event .action").first).to_be_visible()
    page.locator("input[name=tag]").fill("misread")
    page.get_by_role("button", name="Tag").click()
    page.locator("#mark-reviewed").click()
    expect(page.locator("#mark-reviewed")).to_have_text("✓ Reviewed")
    expect(page.locator(".toolbar")).to_contain_text("misread")
    page.screenshot(path=stack.shots / "review-conversation.png", full_page=True)

    # the NLU inbox: mark "Maggi" as a product by selecting it, pick the intent, accept
    page.get_by_role("link", name="NLU inbox").click()
    item = page.locator(".inbox-item", has_text=stack.plain_word)
    item.get_by_role("button", name="clear").click()
    example = item.locator(".example")
    example.dblclick(position={"x": 4, "y": 8})
    item.locator("select[name=entity_choice]").select_option("product")
    item.get_by_role("button", name="Mark selection").click()
    expect(example.locator("mark.entity")).to_have_text("Maggiproduct")
    item.locator("select[name=intent]").select_option("check_stock")
    item.locator("select[name=language]").select_option("hinglish")
    page.screenshot(path=stack.shots / "review-inbox.png", full_page=False)
    item.get_by_role("button", name="Accept").click()
    expect(page.locator(".notice")).to_contain_text(stack.annotated)
    expect(page.locator(".inbox-item", has_text=stack.plain_word)).to_have_count(0)
    written = (stack.project / "data" / "nlu" / "hinglish.yml").read_text(encoding="utf-8")
    section = written[written.index("- intent: check_stock"):]
    section = section[:section.index("- intent:", 5)]
    assert f"      - {stack.annotated}\n" in section
    assert stack.annotated not in (ROOT / "data" / "nlu" / "hinglish.yml").read_text()

    # train in the background and score on the held-out split; the active model (`make train`'s, which
    # learned every sentence, the held-out ones included) is not scored beside it
    page.get_by_role("link", name="Models").click()
    page.get_by_role("button", name="Train a new model").click()
    card = page.locator("#models .model").first
    expect(card.locator(".badge.status")).to_have_text("training")
    expect(card.locator(".badge.status")).to_have_text("ready", timeout=900_000)
    expect(card.locator(".accuracy")).to_have_text(re.compile(r"^\d+%$"))
    expect(card.locator(".active-accuracy")).to_have_text("not comparable: it may have learned these sentences")
    expect(page.locator("#comparison-note")).to_contain_text("never learn from")
    page.screenshot(path=stack.shots / "review-models.png", full_page=True)

    # activate it on the running Rasa server; the bot now answers the sentence from the books
    # Rasa loads it in the background (a small model may be loaded before the page shows "activating")
    card.get_by_role("button", name="Activate").click()
    expect(page.locator("#models .model").first.locator(".badge.ok")).to_have_text("active", timeout=300_000)
    replies = send(stack.rasa_url, stack.sentence, wa_id="919800000012")
    stock = format_decimal(inventory.stock_of(stack.ctx, catalog.resolve_product(stack.ctx, "Maggi").id).available)
    answer = replies[-1].get("text", "")  # a new number's first reply starts with the privacy notice
    # the reply's language is the actions' guess from the words (actions/language.py), not the NLU's
    assert answer.startswith(f"Maggi Noodles 70g: {stock} packet ") and answer.endswith((" bacha hai.", " in stock.")), \
        answer
    page.close()


def test_phone_numbers_are_masked_everywhere(browser: Browser, stack: Stack) -> None:
    """The full check of every page is tests/bot/review/test_security.py; here, on real Rasa conversations."""
    page = sign_in(browser, stack, "asha")
    expect(page.locator("#conversations")).to_contain_text("+91 98••••••11")
    expect(page.locator("body")).not_to_contain_text("919800000011")
    exported = page.request.get(stack.url + "/export.json").text()
    assert "+91 98••••••11" in exported and "919800000011" not in exported and "100000000000001" not in exported
    page.close()
