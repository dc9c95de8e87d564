"""The review app's real server (`python -m bot review`) for HTTP and browser tests, and a signed-in user's
requests to it."""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.servers import Server
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class ReviewApp:
    url: str
    project: Path
    env: dict[str, str]
    server: Server


def start_review_app(tmp: Path, **env: str) -> ReviewApp:
    """The app on a copy of the project's data and domain, its store in `tmp`, reading the tracker store
    `tmp/tracker.db`; `env` adds to (or overrides) its environment."""
    project = tmp / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    port = free_port()
    env = {"REVIEW_DATABASE_URL": f"sqlite:///{tmp / 'review.db'}",
           "REVIEW_TRACKER_URL": f"sqlite:///{tmp / 'tracker.db'}", "REVIEW_PROJECT_DIR": str(project),
           "REVIEW_RASA_URL": f"http://127.0.0.1:{free_port()}", "REVIEW_MODELS_DIR": str(tmp / "models"),
           "REVIEW_WORK_DIR": str(tmp / "work"), "WHATSAPP_STORE_PATH": str(tmp / "whatsapp.db"), **env}
    server = Server("review app", [sys.executable, "-m", "bot", "review", "--port", str(port)],
                    f"http://127.0.0.1:{port}/health", ROOT, {**os.environ, **env}, tmp / "review.log")
    server.wait_ready(60)
    return ReviewApp(f"http://127.0.0.1:{port}", project, env, server)


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in_attempt(url: str, username: str, password: str) -> httpx.Response:
    """POST the sign-in form as a browser would (its CSRF cookie and token)."""
    login = httpx.get(f"{url}/login")
    return httpx.post(f"{url}/login", data={"csrf_token": csrf_of(login.text), "username": username,
                                            "password": password},
                      cookies={"review_login_csrf": login.cookies["review_login_csrf"]})


class Browser:
    """A signed-in user's requests. The app's cookies are Secure (localhost counts as a secure origin for
    browsers), which httpx will not send over http, so the session cookie is sent by hand."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.signed_in = sign_in_attempt(url, username, password)
        assert self.signed_in.status_code in (302, 303), self.signed_in.text
        self.cookies = {"review_session": self.signed_in.cookies["review_session"]}
        self.csrf = csrf_of(self.get("/conversations").text)

    def get(self, path: str, **headers: str) -> httpx.Response:
        return httpx.get(self.url + path, cookies=self.cookies, headers=headers)

    def post(self, path: str, **form: str) -> httpx.Response:
        return httpx.post(self.url + path, data={"csrf_token": self.csrf, **form}, cookies=self.cookies)
