"""The review app's server keeps answering while a request waits on the database: every database call a route
makes runs in a worker thread, never on the event loop.

The server is the real one (`bot review`) in a child process in which every SQL statement waits while a file
exists (the sign-in's session lookups pass, or every statement waits, `hold_sessions`). While a signed-in page
is held there, `/health` must still answer at once; had the page queried the database on the event loop, the
loop would be stuck in that query and `/health` would time out.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.review import auth
from bot.review.store import open_store
from bot.servers import Server
from tests.bot.review.tracker_events import SHOP_A, Tracker
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "slow database pw"
HOLDING_SERVER = """
import os, sys, time
from pathlib import Path
from sqlalchemy import Engine, event

HOLD = Path(os.environ["REVIEW_TEST_HOLD"])

@event.listens_for(Engine, "before_cursor_execute")
def hold(conn, cursor, statement, parameters, context, executemany):
    while HOLD.exists() and not ("review_sessions" in statement and HOLD.read_text() == "pass sessions"):
        time.sleep(0.02)

from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""`python -c` this: `bot review` whose every SQL statement waits while the file REVIEW_TEST_HOLD exists."""


@dataclass
class App:
    url: str
    hold: Path
    cookies: dict[str, str]
    csrf: str


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("slow_db")
    project = tmp / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    tracker = Tracker(f"sqlite:///{tmp / 'tracker.db'}")
    tracker.user("919800000031", SHOP_A, "Maggi kitna bacha hai", "check_stock", 0.4)
    tracker.bot("919800000031", "Maggi: 12 packet")
    tracker.engine.dispose()
    store = open_store(f"sqlite:///{tmp / 'review.db'}")
    auth.add_user(store, "asha", PASSWORD, auth.Role.ADMIN, None)
    store.dispose()
    port = free_port()
    env = {"REVIEW_DATABASE_URL": f"sqlite:///{tmp / 'review.db'}", "REVIEW_TRACKER_URL": f"sqlite:///{tmp / 'tracker.db'}",
           "REVIEW_PROJECT_DIR": str(project), "REVIEW_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "REVIEW_MODELS_DIR": str(tmp / "models"), "REVIEW_WORK_DIR": str(tmp / "work"),
           "WHATSAPP_STORE_PATH": str(tmp / "whatsapp.db"), "REVIEW_TEST_HOLD": str(tmp / "hold")}
    server = Server("review app", [sys.executable, "-c", HOLDING_SERVER, "review", "--port", str(port)],
                    f"http://127.0.0.1:{port}/health", ROOT, {**os.environ, **env}, tmp / "review.log")
    try:
        server.wait_ready(60)
        url = f"http://127.0.0.1:{port}"
        login = httpx.get(f"{url}/login")
        signed_in = httpx.post(f"{url}/login", data={"csrf_token": _csrf(login.text), "username": "asha",
                                                     "password": PASSWORD},
                               cookies={"review_login_csrf": login.cookies["review_login_csrf"]})
        assert signed_in.status_code in (302, 303), signed_in.text
        cookies = {"review_session": signed_in.cookies["review_session"]}
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/conversations/1", cookies=cookies).status_code != 200:  # indexed
            assert time.monotonic() < deadline, "the conversation was not indexed"
            time.sleep(0.5)
        yield App(url, tmp / "hold", cookies, _csrf(httpx.get(f"{url}/conversations", cookies=cookies).text))
    finally:
        (tmp / "hold").unlink(missing_ok=True)
        server.stop()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize(("method", "path", "hold_sessions"), [
    ("GET", "/conversations", False), ("GET", "/conversations", True), ("GET", "/conversations/1", False),
    ("POST", "/conversations/1/tags", False), ("GET", "/inbox", False), ("GET", "/training-data", False),
    ("GET", "/models", False), ("GET", "/settings", False), ("GET", "/export.csv", False),
])
def test_a_request_waiting_on_the_database_does_not_stop_the_others(app: App, method: str, path: str,
                                                                    hold_sessions: bool) -> None:
    outcome: dict[str, httpx.Response] = {}

    def held_request() -> None:
        form = {"csrf_token": app.csrf, "tag": "slow"} if method == "POST" else None
        outcome["response"] = httpx.request(method, app.url + path, data=form, cookies=app.cookies, timeout=60)

    app.hold.write_text("hold everything" if hold_sessions else "pass sessions")
    waiting = threading.Thread(target=held_request)
    try:
        waiting.start()
        time.sleep(2.5)  # past the 2 s a page gives a running index refresh: the page is in its own queries now
        started = time.monotonic()
        # a loop stuck in the held query would not answer before the hold ends (never, here): the time limit
        # only leaves room for a busy machine
        assert httpx.get(app.url + "/health", timeout=10).text == "ok"
        answered_in = time.monotonic() - started
        assert waiting.is_alive(), f"{path} did not wait on the held database (the test holds nothing)"
        assert answered_in < 3.0, f"/health took {answered_in:.1f} s while {path} waited on the database"
    finally:
        app.hold.unlink(missing_ok=True)
        waiting.join(60)
    assert outcome["response"].status_code in (200, 302, 303), outcome["response"].text


def test_sign_in_stops_after_five_wrong_passwords_even_for_the_right_one(app: App) -> None:
    """Last in this module: it leaves this address throttled for fifteen minutes."""
    def sign_in(password: str) -> httpx.Response:
        login = httpx.get(f"{app.url}/login")
        return httpx.post(f"{app.url}/login", data={"csrf_token": _csrf(login.text), "username": "asha",
                                                    "password": password},
                          cookies={"review_login_csrf": login.cookies["review_login_csrf"]})

    assert [sign_in(f"guess {n}").status_code for n in range(5)] == [401] * 5
    refused = sign_in(PASSWORD)
    assert refused.status_code == 429 and "review_session" not in refused.cookies
