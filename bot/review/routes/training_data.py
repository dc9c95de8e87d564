"""The training data: the examples per intent and language, deleting one, and the inbox decisions taken."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text

from bot.review import queries
from bot.review.auth import Role
from bot.review.index_refresh import refresh
from bot.review.nlu_files import LANGUAGE_FILES, delete_example, known_intents, read_examples
from bot.review.routes.helpers import audit_note, back, config, db, in_thread, render, requires, user
from bot.review.schema import ALL_TENANTS

bp = Blueprint("training_data")


@bp.get("/training-data")
@requires(Role.TRAINER)
async def training_data(request: Request) -> HTTPResponse:
    intent, language = request.args.get("intent", ""), request.args.get("language", "")
    examples = [e for e in await in_thread(read_examples, config(request).nlu_dir)
                if (not intent or e.intent == intent) and (not language or e.language == language)]
    decided = await db(request, queries.decisions, user(request))
    return render(request, "training_data.html", examples=examples[:1000], count=len(examples), intent=intent,
                  language=language, intents=await in_thread(known_intents, config(request).project),
                  languages=list(LANGUAGE_FILES), decided=decided, all_tenants=ALL_TENANTS)


@bp.post("/training-data/delete")
@requires(Role.TRAINER)
async def training_data_delete(request: Request) -> HTTPResponse:
    language, intent, example = (request.form.get(k, "") for k in ("language", "intent", "text"))
    if language not in LANGUAGE_FILES:
        return text("unknown language file", status=400)
    if not await in_thread(delete_example, config(request).nlu_dir / LANGUAGE_FILES[language], intent, example):
        return text("no such example", status=404)
    audit_note(request, f"example of {intent} in {LANGUAGE_FILES[language]}", f"deleted: {example[:120]}")
    await refresh(request.app)
    return back(request, "/training-data")
