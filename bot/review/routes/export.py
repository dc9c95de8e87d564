"""The conversations the list's filters select, with their messages, as JSON or CSV (phone numbers masked)."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json as json_response, text
from sqlalchemy import Engine

from bot.review import queries
from bot.review.auth import User
from bot.review.index_refresh import refresh
from bot.review.masking import mask_id, mask_text
from bot.review.routes.helpers import db, user

bp = Blueprint("export")

CSV_COLUMNS = ["conversation", "sender_id", "tenant", "channel", "reviewed", "tags", "timestamp", "kind", "text",
               "intent", "confidence"]


@bp.get("/export.json", name="export_json")
async def export_json(request: Request) -> HTTPResponse:
    return await export(request, "json")


@bp.get("/export.csv", name="export_csv")
async def export_csv(request: Request) -> HTTPResponse:
    return await export(request, "csv")


async def export(request: Request, fmt: str) -> HTTPResponse:
    """The conversations the filters select, with their messages, as JSON or CSV."""
    await refresh(request.app, wait=False)
    filters = queries.Filters.from_args({k: request.args.get(k) for k in request.args})
    rows = await db(request, export_rows, user(request), filters)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    if fmt == "json":
        response = json_response(rows, dumps=lambda v: json.dumps(v, ensure_ascii=False, indent=1))
    else:
        response = text(to_csv(rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="conversations-{stamp}.{fmt}"'
    return response


def export_rows(engine: Engine, user: User, filters: queries.Filters) -> list[dict[str, Any]]:
    """Each conversation `user` may see that `filters` select, newest first, with its messages, phone numbers
    masked."""
    return [{
        "id": conv.id, "sender_id": mask_id(conv.sender_id), "tenant": mask_id(conv.tenant), "channel": conv.channel,
        "first_at": conv.first_at, "last_at": conv.last_at, "reviewed": conv.reviewed,
        "tags": conv.tags,
        "messages": [{"timestamp": m.timestamp, "kind": m.kind, "text": mask_text(m.text), "intent": m.intent,
                      "confidence": m.confidence} for m in queries.conversation_messages(engine, conv.id)],
    } for conv in queries.iter_conversations(engine, user, filters)]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One line per message, with its conversation's columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for conv in rows:
        for message in conv["messages"]:
            writer.writerow([conv["id"], conv["sender_id"], conv["tenant"], conv["channel"], conv["reviewed"],
                             " ".join(conv["tags"]), message["timestamp"], message["kind"], message["text"],
                             message["intent"] or "", "" if message["confidence"] is None
                             else f"{message['confidence']:.4f}"])
    return buffer.getvalue()
