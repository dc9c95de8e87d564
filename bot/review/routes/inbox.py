"""The NLU inbox: the messages not yet in the training data nor decided on, and a trainer's decisions on them
(accept into data/nlu, out of scope, delete)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect, text

from bot.review import decisions, queries
from bot.review.auth import Role
from bot.review.index_refresh import refresh
from bot.review.masking import synthetic_phone_numbers, training_sentence
from bot.review.nlu_files import LANGUAGE_FILES, EntitySpan, TrainingDataError, known_entities, known_intents
from bot.review.routes.helpers import Handler, audit_note, config, db, form_int, in_thread, render, requires, user

bp = Blueprint("inbox")


@bp.get("/inbox")
@requires(Role.TRAINER)
async def inbox_page(request: Request) -> HTTPResponse:
    await refresh(request.app, wait=False)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    items, total = await db(request, queries.inbox, user(request), page=page)
    project = config(request).project
    return render(request, "inbox.html", items=items, total=total, page=page,
                  pages=max(1, -(-total // queries.PAGE_SIZE)), intents=await in_thread(known_intents, project),
                  entities=await in_thread(known_entities, project), languages=list(LANGUAGE_FILES),
                  sentence=training_sentence, notice=request.args.get("notice", ""))


def with_message(handler: Callable[..., Awaitable[HTTPResponse]]) -> Handler:
    """A decision's handler, given the user message the form names; 404 when the user may not see it."""
    @wraps(handler)
    async def found(request: Request) -> HTTPResponse:
        event_id = form_int(request, "event_id")
        message = None if event_id is None else await db(request, queries.inbox_message, user(request), event_id)
        if message is None:
            return text("no such message", status=404)
        return await handler(request, message)
    return found


@bp.post("/inbox/accept")
@requires(Role.TRAINER)
@with_message
async def inbox_accept(request: Request, message: Any) -> HTTPResponse:
    form = request.form
    intent = (form.get("new_intent") or "").strip() or (form.get("intent") or "").strip()
    language = form.get("language", "")
    if language not in LANGUAGE_FILES:
        return text(f"language must be one of {', '.join(LANGUAGE_FILES)}", status=400)
    try:
        # the spans index the sentence the inbox showed, rebuilt from the stored message (never from the
        # browser): phone numbers made up, so neither they nor their masked form are learned
        spans = [EntitySpan(int(s["start"]), int(s["end"]), str(s["entity"]),
                            synthetic_phone_numbers(str(s.get("value") or "")) or None)
                 for s in json.loads(form.get("entities") or "[]")]
        example = await db(request, decisions.accept, user(request), message.text, intent, language, spans,
                           config(request).project)
    except (TrainingDataError, ValueError, KeyError, TypeError) as error:
        return text(f"not accepted: {error}", status=400)
    audit_note(request, f"message {message.event_id}", f"accepted as {intent} into {LANGUAGE_FILES[language]}")
    await refresh(request.app)
    return redirect("/inbox?" + urlencode({"notice": f"Added to {LANGUAGE_FILES[language]} as {intent}: {example}"}))


@bp.post("/inbox/dismiss")
@requires(Role.TRAINER)
@with_message
async def inbox_dismiss(request: Request, message: Any) -> HTTPResponse:
    """Delete a message from the inbox, or mark it out of scope (both are remembered)."""
    decision = request.form.get("decision")
    if decision not in ("deleted", "out_of_scope"):
        return text("decision must be deleted or out_of_scope", status=400)
    await db(request, decisions.record_decision, user(request), message.text, decision)
    audit_note(request, f"message {message.event_id}", decision.replace("_", " "))
    return redirect("/inbox")
