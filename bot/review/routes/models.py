"""Models: the list with their held-out scores, training one in the background, its progress, and activating
one on the running Rasa server (activating an older one is the rollback)."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json as json_response, redirect, text

from bot.review import model_records
from bot.review.auth import Role
from bot.review.rasa_api import RasaError
from bot.review.routes.helpers import MAX_ID, audit_note, db, in_thread, render, requires, user

bp = Blueprint("models")


@bp.get("/models")
@requires(Role.TRAINER)
async def models_page(request: Request) -> HTTPResponse:
    active, error = None, ""
    try:
        active = (await request.app.ctx.rasa.status()).get("model_file")
    except RasaError as problem:
        error = str(problem)
    rows = await db(request, model_records.recent)
    return render(request, "models.html", rows=rows, active=Path(active).name if active else None,
                  activating=model_records.ACTIVATING, rasa_error=error, busy=request.app.ctx.trainer.busy)


@bp.post("/models/train")
@requires(Role.TRAINER)
async def models_train(request: Request) -> HTTPResponse:
    try:
        model_id = await request.app.ctx.trainer.start(user(request).username)
    except RuntimeError as error:
        return text(str(error), status=409)
    audit_note(request, f"model {model_id}", "training started")
    return redirect(f"/models#m{model_id}")


def _log_tail(path: str, lines: int = 40) -> list[str]:
    log = Path(path)
    return log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:] if log.exists() else []


@bp.get("/models/<model_id:int>/status")
@requires(Role.TRAINER)
async def model_status(request: Request, model_id: int) -> HTTPResponse:
    row = await db(request, model_records.get, model_id) if 0 < model_id <= MAX_ID else None
    if row is None:
        return json_response({"error": "no such model"}, status=404)
    tail = await in_thread(_log_tail, row.log_path)
    return json_response({"status": row.status, "phase": row.phase, "progress": row.progress,
                          "accuracy": row.accuracy, "active_accuracy": row.active_accuracy,
                          "active_name": row.active_name, "active_comparable": row.active_comparable,
                          "error": row.error, "log": "\n".join(tail)})


@bp.post("/models/<model_id:int>/activate")
@requires(Role.TRAINER)
async def model_activate(request: Request, model_id: int) -> HTTPResponse:
    """Load this model on the running Rasa server (also how a rollback is done), in the background:
    Rasa takes up to a minute to load a model and keeps answering with the old one meanwhile."""
    row = await db(request, model_records.get, model_id) if 0 < model_id <= MAX_ID else None
    if row is None or row.status != "ready" or not row.path or not Path(row.path).exists():
        return text("this model is not ready to activate", status=409)
    if row.phase == model_records.ACTIVATING:
        return redirect(f"/models#m{model_id}")
    await db(request, model_records.mark_activating, model_id)
    audit_note(request, f"model {model_id}", f"activation of {row.name} asked of the Rasa server")
    request.app.add_task(activate(request.app, model_id, str(Path(row.path).resolve())))
    return redirect(f"/models#m{model_id}")


async def activate(app: Sanic, model_id: int, path: str) -> None:
    """`PUT /model` and record the outcome on the model's row."""
    error = None
    try:
        await app.ctx.rasa.activate(path)
    except RasaError as problem:
        error = f"Rasa did not load the model: {problem}"
    await in_thread(model_records.record_activation, app.ctx.engine, model_id, error)
