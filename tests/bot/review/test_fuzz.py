"""Bad input at every form of the review app, against the real server (`bot review`) on SQLite and PostgreSQL:
hostile field values (NUL, lone surrogates, very long, wrong types), raw bodies that are not the form they claim
to be, missing, wrong and hostile CSRF tokens, hostile session cookies, and bodies past the size limit.

Whatever arrives, the answer is never a 5xx; a refused form writes nothing (every table the forms write keeps its
rows, and the training data files their bytes); the server keeps serving. Derandomised with fixed example
counts, so a run is reproducible and quick.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine

from bot.review import auth
from bot.review.schema import audit_log, metadata, sign_in_failures, sync_state
from bot.review.store import open_store
from tests.bot.review.review_server import Browser, csrf_of, start_review_app
from tests.bot.review.tracker_events import SHOP_A, Tracker
from tests.hostile_input import CONTENT_TYPES, hostile_text, http_request, raw_request

PASSWORD = "fuzzing the forms pw"
FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
BOOKKEEPING = {sign_in_failures.name, sync_state.name, audit_log.name}
"""Tables a refused request may write: wrong passwords are counted (the throttle), the index keeps its cursor,
and the audit log records every attempt, refused ones too."""
_schemas = itertools.count(1)


@dataclass
class FuzzedApp:
    url: str
    store: Engine
    nlu_dir: Path
    cookies: dict[str, str]
    csrf: str
    forms: dict[str, dict[str, str]]
    """A good form per POST path (without its CSRF token)."""

    def snapshot(self) -> tuple[dict[str, int], str]:
        """Rows per table the forms write, and a hash of the training data files."""
        with self.store.connect() as conn:
            counts = {t.name: conn.scalar(select(func.count()).select_from(t))
                      for t in metadata.sorted_tables if t.name not in BOOKKEEPING}
        files = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(self.nlu_dir.glob("*.yml")))).hexdigest()
        return counts, files


def _store_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'review.db'}"
    url = request.getfixturevalue("postgres_url")
    schema = f"review_fuzz_{next(_schemas)}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def review_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzedApp]:
    """`bot review` on a store of the given backend, an admin signed in, one conversation indexed."""
    tmp = tmp_path_factory.mktemp(f"review_fuzz_{request.param}")
    tracker = Tracker(f"sqlite:///{tmp / 'tracker.db'}")
    tracker.user("919800000041", SHOP_A, "ek packet Maggi ka daam batao", "check_price", 0.31)
    tracker.bot("919800000041", "Maggi: 14 rupaye")
    tracker.engine.dispose()
    store_url = _store_url(request.param, tmp, request)
    store = open_store(store_url)
    auth.add_user(store, "asha", PASSWORD, auth.Role.ADMIN, None)
    app = start_review_app(tmp, REVIEW_DATABASE_URL=store_url)
    try:
        admin = Browser(app.url, "asha", PASSWORD)
        deadline = time.monotonic() + 30
        while not re.search(r'name="event_id" value="(\d+)"', inbox := admin.get("/inbox").text):
            assert time.monotonic() < deadline, "the message did not reach the inbox"
            time.sleep(0.5)
        event_id = re.search(r'name="event_id" value="(\d+)"', inbox).group(1)
        forms = {
            "/conversations/1/mark": {"field": "reviewed", "value": "1"},
            "/conversations/1/tags": {"tag": "price"},
            "/conversations/1/flag": {"event_id": event_id},
            "/conversations/1/comments": {"body": "asked the price", "event_id": event_id},
            "/inbox/accept": {"event_id": event_id, "intent": "check_price", "language": "hinglish",
                              "entities": '[{"start": 9, "end": 14, "entity": "product", "value": "Maggi"}]'},
            "/inbox/dismiss": {"event_id": event_id, "decision": "out_of_scope"},
            "/training-data/delete": {"language": "hinglish", "intent": "check_price", "text": "no such example"},
            "/models/1/activate": {},
        }
        yield FuzzedApp(app.url, store, app.project / "data" / "nlu", admin.cookies, csrf_of(inbox), forms)
    finally:
        app.server.stop()
        store.dispose()


def form_body(fields: dict[str, str]) -> bytes:
    """`application/x-www-form-urlencoded`, lone surrogates and all (as a browser never would)."""
    return urlencode({k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                      for k, v in fields.items()}).encode()


@st.composite
def hostile_form(draw: st.DrawFn, good: dict[str, str]) -> dict[str, str]:
    """A good form with one field given a hostile value, dropped, or joined by an unknown one."""
    form = dict(good)
    how = draw(st.sampled_from(["replace", "replace", "drop", "extra"]))
    if how == "extra" or not form:
        form[draw(hostile_text)] = draw(hostile_text)
    elif how == "drop":
        del form[draw(st.sampled_from(sorted(form)))]
    else:
        form[draw(st.sampled_from(sorted(form)))] = draw(st.one_of(
            hostile_text, st.sampled_from(["-1", "0", "99999999999999999999", "1e3", "1.5", "[]", "{}", "[{}]",
                                           "[" * 5_000 + "]" * 5_000, '[{"start": "x"}]', "//evil.example", "1" * 5_000,
                                           '[{"start": 0, "end": 99999999999999999999, "entity": "product"}]'])))
    form["next"] = draw(st.sampled_from(["/inbox", "//evil.example", "javascript:alert(1)", "\x00", ""]))
    return form


@FUZZ
@given(data=st.data())
def test_hostile_forms_are_never_a_5xx_and_a_refused_one_writes_nothing(review_app, data):
    path = data.draw(st.sampled_from(sorted(review_app.forms)), label="path")
    form = data.draw(hostile_form(review_app.forms[path]), label="form")
    csrf = data.draw(st.sampled_from(["good", "good", "good", "missing", "wrong", "hostile"]), label="csrf")
    if csrf != "missing":
        form["csrf_token"] = {"good": review_app.csrf, "wrong": review_app.csrf[:-1] + "x"}.get(csrf) or \
            data.draw(hostile_text)
    before = review_app.snapshot()
    response = httpx.post(review_app.url + path, content=form_body(form), cookies=review_app.cookies,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert response.status_code < 500, response.text
    if csrf != "good" and form.get("csrf_token") != review_app.csrf:
        assert response.status_code == 403
    if response.status_code >= 400:
        assert review_app.snapshot() == before, f"{path} refused with {response.status_code} but wrote"


@FUZZ
@given(data=st.data())
def test_raw_bodies_that_are_not_the_form_they_claim_are_never_a_5xx(review_app, data):
    path = data.draw(st.sampled_from(sorted(review_app.forms)), label="path")
    good = form_body({**review_app.forms[path], "csrf_token": review_app.csrf})
    body = data.draw(st.one_of(
        st.binary(max_size=300), st.just(good + b"&\xff\xfe=\xc3\x28"), st.just(good.replace(b"=", b"=%ff%ed%a0%80", 1)),
        st.just(b"--zzz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + review_app.csrf.encode()),
        st.just(b"&" * 10_000), st.just(b"=" * 10_000), st.just(b"a=" + b"%" * 5_000), st.just(b"%00=%00"),
    ), label="body")
    content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    before = review_app.snapshot()
    response = httpx.post(review_app.url + path, content=body, cookies=review_app.cookies,
                          headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert review_app.snapshot() == before


@FUZZ
@given(fields=st.fixed_dictionaries({"username": hostile_text, "password": hostile_text, "next": hostile_text}),
       csrf=st.one_of(st.none(), hostile_text))
def test_hostile_sign_ins_are_never_a_5xx_and_open_no_session(review_app, fields, csrf):
    """With the sign-in cookie's token (or another, or none), any username, password and `next`."""
    before = review_app.snapshot()
    form = {**fields, **({"csrf_token": csrf or "t"} if csrf is not None else {})}
    response = httpx.post(review_app.url + "/login", content=form_body(form), cookies={"review_login_csrf": "t"},
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert 400 <= response.status_code < 500, response.text
    assert review_app.snapshot() == before


@FUZZ
@given(value=st.one_of(st.binary(min_size=1, max_size=200), st.sampled_from(
    [b"\x00", b"x" * 7_000, "सत्र".encode(), b"\xed\xa0\x80", b'"quoted"', b"a;b=c", b"%00"])),
       where=st.sampled_from(["cookie", "csrf header"]))
def test_hostile_session_cookies_and_csrf_headers_are_never_a_5xx(review_app, value, where):
    url = urlsplit(review_app.url)
    session = f"review_session={review_app.cookies['review_session']}".encode()
    headers = {"Cookie": b"review_session=" + value} if where == "cookie" else \
        {"Cookie": session, "X-CSRF-Token": value}
    before = review_app.snapshot()
    for method, path in (("GET", "/conversations"), ("POST", "/conversations/1/tags")):
        status = raw_request(url.hostname, url.port, http_request(method, path, url.netloc, headers))
        assert 0 < status < 500, (method, value, status)
        assert status != 200 or method == "GET"
    assert review_app.snapshot() == before


@pytest.mark.parametrize("conversation_id", ["0", "2147483648", "99999999999999999999", "9" * 5_000])
def test_an_id_out_of_range_in_a_path_or_a_form_is_a_4xx(review_app, conversation_id):
    """Each was a 500: SQLite overflowed and PostgreSQL refused the number (and a comment's event_id was read
    with int())."""
    before = review_app.snapshot()
    posts = [(f"/conversations/{conversation_id}/tags", {"tag": "x"}), (f"/models/{conversation_id}/activate", {}),
             ("/conversations/1/flag", {"event_id": conversation_id}),
             ("/conversations/1/comments", {"body": "x", "event_id": conversation_id}),
             ("/conversations/1/comments", {"body": "x", "event_id": "seven"}),
             ("/inbox/dismiss", {"event_id": conversation_id, "decision": "deleted"})]
    for path, form in posts:
        response = httpx.post(review_app.url + path, data={**form, "csrf_token": review_app.csrf},
                              cookies=review_app.cookies)
        assert 400 <= response.status_code < 500, (path, form, response.status_code)
    for path in (f"/conversations/{conversation_id}", f"/models/{conversation_id}/status"):
        assert httpx.get(review_app.url + path, cookies=review_app.cookies).status_code == 404
    assert review_app.snapshot() == before


def test_a_body_past_the_size_limit_is_a_413_and_the_server_goes_on(review_app):
    big = form_body({"csrf_token": review_app.csrf, "body": "x" * 2_100_000})
    response = httpx.post(review_app.url + "/conversations/1/comments", content=big, cookies=review_app.cookies,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert response.status_code == 413, response.text
    assert httpx.get(review_app.url + "/conversations", cookies=review_app.cookies).status_code == 200
