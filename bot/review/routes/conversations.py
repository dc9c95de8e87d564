"""The conversation list and one conversation: its turns (phone numbers masked unless an admin reveals them,
which is audited), and the reviewer's marks, tags, flags and comments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect, text

from bot.review import annotations, queries
from bot.review.delivery import DeliveryLog, match_replies
from bot.review.index_refresh import refresh
from bot.review.auth import Role
from bot.review.masking import mask_text, shown_as_is
from bot.review.routes.helpers import (
    MAX_ID, Handler, audit_note, back, db, form_int, in_thread, render, requires, user,
)
from bot.review.tracker import conversation_events
from bot.review.turns import build_turns, recipient

bp = Blueprint("conversations")


async def visible(request: Request, conversation_id: int) -> queries.ConversationRow | None:
    """The conversation if the user may see it."""
    if not 0 < conversation_id <= MAX_ID:
        return None
    return await db(request, queries.conversation, user(request), conversation_id)


def with_conversation(handler: Callable[..., Awaitable[HTTPResponse]]) -> Handler:
    """A form's handler, given the conversation the URL names; 404 when the user may not see it."""
    @wraps(handler)
    async def found(request: Request, conversation_id: int) -> HTTPResponse:
        conv = await visible(request, conversation_id)
        if conv is None:
            return text("no such conversation", status=404)
        return await handler(request, conv)
    return found


@bp.get("/conversations")
async def conversation_list(request: Request) -> HTTPResponse:
    await refresh(request.app, wait=False)
    filters = queries.Filters.from_args({k: request.args.get(k) for k in request.args})
    page = await db(request, queries.list_conversations, user(request), filters)
    choices = await db(request, queries.filter_choices, user(request))
    return render(request, "conversations.html", page=page, filters=filters,
                  index_error=getattr(request.app.ctx, "index_error", ""), choices=choices,
                  page_link=lambda n: "/conversations?" + urlencode(filters.query_args(page=n)),
                  export_query=urlencode({k: v for k, v in filters.query_args().items() if k != "page"}))


@bp.get("/conversations/<conversation_id:int>")
async def conversation_detail(request: Request, conversation_id: int) -> HTTPResponse:
    conv = await visible(request, conversation_id)
    if conv is None:
        return render(request, "error.html", status=404, message="No such conversation (or not yours to see).")
    return await _conversation_page(request, conv, revealed=False)


@bp.post("/conversations/<conversation_id:int>/reveal")
@requires(Role.ADMIN)
@with_conversation
async def conversation_reveal(request: Request, conv: queries.ConversationRow) -> HTTPResponse:
    """The conversation with its phone numbers shown whole, for this one answer (an admin's audited action;
    the page's address still shows them masked)."""
    audit_note(request, f"conversation {conv.id}", "phone numbers shown")
    return await _conversation_page(request, conv, revealed=True)


async def _conversation_page(request: Request, conv: queries.ConversationRow, revealed: bool) -> HTTPResponse:
    events = await in_thread(conversation_events, request.app.ctx.tracker, conv.sender_id)
    wa_id = recipient(events)
    bot_replies = [(e.id, e.timestamp) for e in events if e.type_name == "bot"]
    deliveries = {}
    if wa_id and bot_replies:
        log: DeliveryLog = request.app.ctx.delivery
        deliveries = match_replies(bot_replies, await log.deliveries(wa_id, bot_replies[0][1] - 5,
                                                                      bot_replies[-1][1] + 600))
    notes, flagged = await db(request, annotations.notes, conv.id)
    turns = build_turns(events, deliveries, say=shown_as_is if revealed else mask_text)
    return render(request, "conversation.html", revealed=revealed, conv=conv, turns=turns, notes=notes,
                  flagged=flagged, next=request.args.get("back", "/conversations"))


@bp.post("/conversations/<conversation_id:int>/mark")
@with_conversation
async def conversation_mark(request: Request, conv: queries.ConversationRow) -> HTTPResponse:
    """Reviewed / saved for later, on or off."""
    mark, value = request.form.get("field"), request.form.get("value") == "1"
    if mark not in annotations.MARKS:
        return text("field must be reviewed or saved", status=400)
    await db(request, annotations.set_mark, conv.id, mark, value)
    audit_note(request, f"conversation {conv.id}", f"{mark} {'on' if value else 'off'}")
    return back(request, f"/conversations/{conv.id}")


@bp.post("/conversations/<conversation_id:int>/tags")
@with_conversation
async def conversation_tags(request: Request, conv: queries.ConversationRow) -> HTTPResponse:
    tag = annotations.clean_tag(request.form.get("tag"))
    if not tag:
        return text("a tag cannot be empty", status=400)
    on = request.form.get("remove") != "1"
    await db(request, annotations.set_tag, conv.id, tag, on=on)
    audit_note(request, f"conversation {conv.id}", f"tag {tag!r} {'added' if on else 'removed'}")
    return redirect(f"/conversations/{conv.id}")


@bp.post("/conversations/<conversation_id:int>/flag")
@with_conversation
async def conversation_flag(request: Request, conv: queries.ConversationRow) -> HTTPResponse:
    event_id = form_int(request, "event_id")
    if event_id is None:
        return text("event_id must be a number", status=400)
    flagged = await db(request, annotations.toggle_flag, conv.id, event_id, user(request).username)
    audit_note(request, f"conversation {conv.id}", f"message {event_id} {'flagged' if flagged else 'unflagged'}")
    return redirect(f"/conversations/{conv.id}#e{event_id}")


@bp.post("/conversations/<conversation_id:int>/comments")
@with_conversation
async def conversation_comment(request: Request, conv: queries.ConversationRow) -> HTTPResponse:
    body = (request.form.get("body") or "").strip()[:annotations.COMMENT_MAX]
    if not body:
        return text("a comment cannot be empty", status=400)
    event_id = form_int(request, "event_id")
    if request.form.get("event_id") and event_id is None:
        return text("event_id must be a number", status=400)
    await db(request, annotations.add_comment, conv.id, user(request).username, body, event_id=event_id)
    audit_note(request, f"conversation {conv.id}", f"comment of {len(body)} characters"
               + (f" on message {event_id}" if event_id else ""))
    return redirect(f"/conversations/{conv.id}#comments")
