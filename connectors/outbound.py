"""Rasa's response shapes turned into Cloud API message bodies, within WhatsApp's limits.

`render(response)` takes one bot response as Rasa hands it to an output channel
(`text`, `buttons`, `quick_replies`, `image`, `attachment`, `custom`, and
`list_button`: the label that opens a list when the buttons do not fit) and
returns the WhatsApp messages to send, in order. This is the one place that
knows WhatsApp's limits: actions say what the options are, whatever their number
and length. Each is an `Outgoing`: the message body
without `to`, and, for a local file, the path to upload first (`POST
/{phone_number_id}/media`) and send by id. Limits are the Cloud API's own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
CAPTION_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
ROW_ID_LIMIT = 200
MAX_LIST_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
SECTION_TITLE_LIMIT = 24
LIST_BUTTON_LIMIT = 20
HEADER_LIMIT = 60
DEFAULT_LIST_BUTTON = "Choose"

_SENTENCE_END = re.compile(r"(?<=[.!?।॥])\s+")


@dataclass(frozen=True)
class Outgoing:
    message: dict[str, Any]
    """The Cloud API body without `messaging_product` and `to`."""
    upload: str = ""
    """A local file to upload; its media id goes into `message[message["type"]]["id"]`."""

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "upload": self.upload}


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at a paragraph, line, sentence or word boundary."""
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit + 1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut <= 0:
            ends = [m.start() for m in _SENTENCE_END.finditer(window)]
            cut = ends[-1] if ends else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return pieces + ([text] if text else [])


def shorten(title: str, limit: int) -> str:
    """Fit a title into `limit` characters, at a word boundary where one is near, with an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit - 1]
    if " " in cut and cut.rfind(" ") >= limit // 2:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _unique(titles: list[str], limit: int) -> list[str]:
    """WhatsApp refuses two buttons with one title: number the repeats."""
    seen: dict[str, int] = {}
    result = []
    for title in titles:
        count = seen.get(title, 0)
        seen[title] = count + 1
        if count:
            suffix = f" {count + 1}"
            title = shorten(title, limit - len(suffix)).rstrip("…") + suffix
        result.append(title)
    return result


def fit_id(payload: str, limit: int) -> str:
    """A tap's id within `limit` characters. An intent payload keeps its shape and its entities, their
    longest values cut (the name a tap sends back is then matched as any typed name is):

    >>> fit_id('/check_stock{"product": "Maggi"}', 256)
    '/check_stock{"product": "Maggi"}'
    >>> fit_id('/check_stock{"product": "' + "x" * 300 + '"}', 60)
    '/check_stock{"product": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
    >>> fit_id("plain text " * 30, 20)
    'plain text plain tex'
    """
    if len(payload) <= limit:
        return payload
    match = re.fullmatch(r"(/\w+)(\{.*\})", payload, re.DOTALL)
    entities = json.loads(match.group(2)) if match else None
    if not isinstance(entities, dict) or not all(isinstance(v, str) for v in entities.values()):
        return payload[:limit]
    while entities and len(text := match.group(1) + json.dumps(entities, ensure_ascii=False)) > limit:
        longest = max(entities, key=lambda key: len(entities[key]))
        if not entities[longest]:
            return text[:limit]
        entities[longest] = entities[longest][:-1]
    return match.group(1) + json.dumps(entities, ensure_ascii=False)


def _distinct(options: list[dict[str, Any]], limit: int) -> list[tuple[str, dict[str, Any]]]:
    """(id, option) for each option whose id (fitted to `limit`) is not already taken: WhatsApp refuses a
    message with two options of one id, and two options that send the same tap are one option."""
    seen: set[str] = set()
    result = []
    for option in options:
        option_id = fit_id(str(option.get("payload") or option.get("id") or option["title"]), limit)
        if option_id not in seen:
            seen.add(option_id)
            result.append((option_id, option))
    return result


def text_messages(text: str) -> list[Outgoing]:
    return [Outgoing({"type": "text", "text": {"body": piece, "preview_url": False}}) for piece in split_text(text)]


def _body_and_preamble(text: str, limit: int) -> tuple[list[Outgoing], str]:
    """Interactive bodies are short: longer text goes first as plain text, its last piece becomes the body."""
    pieces = split_text(text, limit) or [DEFAULT_LIST_BUTTON]
    return [m for piece in pieces[:-1] for m in text_messages(piece)], pieces[-1]


def buttons_message(text: str, buttons: list[dict[str, Any]], list_button: str = "") -> list[Outgoing]:
    """Up to three reply buttons; more options become a list (opened by `list_button`), none dropped."""
    options = _distinct(buttons, BUTTON_ID_LIMIT)
    if len(options) > MAX_BUTTONS:
        rows = [{"id": option_id, "title": b["title"]} for option_id, b in options]
        return list_messages({"body": text, "button": list_button, "sections": [{"title": "", "rows": rows}]})
    preamble, body = _body_and_preamble(text, INTERACTIVE_BODY_LIMIT)
    titles = _unique([shorten(b["title"], BUTTON_TITLE_LIMIT) for _, b in options], BUTTON_TITLE_LIMIT)
    action = {"buttons": [{"type": "reply", "reply": {"id": option_id, "title": title}}
                          for (option_id, _), title in zip(options, titles)]}
    return preamble + [Outgoing({"type": "interactive",
                                 "interactive": {"type": "button", "body": {"text": body}, "action": action}})]


def list_messages(spec: dict[str, Any]) -> list[Outgoing]:
    """A list message (at most 10 rows); more rows are sent as several lists, none dropped."""
    preamble, body = _body_and_preamble(spec.get("body") or spec.get("text", ""), INTERACTIVE_BODY_LIMIT)
    rows = [{**row, "section": section.get("title", "")} for section in spec.get("sections", [])
            for row in section["rows"]]
    label = spec.get("button") or DEFAULT_LIST_BUTTON
    messages = preamble
    distinct = _distinct(rows, ROW_ID_LIMIT)
    for start in range(0, len(distinct), MAX_LIST_ROWS):
        sections: list[dict[str, Any]] = []
        for row_id, row in distinct[start:start + MAX_LIST_ROWS]:
            title = shorten(row["section"], SECTION_TITLE_LIMIT)
            if not sections or sections[-1]["title"] != title:
                sections.append({"title": title, "rows": []})
            out_row = {"id": row_id, "title": shorten(row["title"], ROW_TITLE_LIMIT)}
            if row.get("description"):
                out_row["description"] = shorten(row["description"], ROW_DESCRIPTION_LIMIT)
            sections[-1]["rows"].append(out_row)
        for section in sections:  # a section needs a title (WhatsApp refuses an untitled one beside others)
            section["title"] = section["title"] or shorten(label, SECTION_TITLE_LIMIT)
        interactive: dict[str, Any] = {
            "type": "list", "body": {"text": body},
            "action": {"button": shorten(label, LIST_BUTTON_LIMIT),
                       "sections": sections},
        }
        if spec.get("header"):
            interactive["header"] = {"type": "text", "text": shorten(spec["header"], HEADER_LIMIT)}
        if spec.get("footer"):
            interactive["footer"] = {"text": shorten(spec["footer"], HEADER_LIMIT)}
        messages.append(Outgoing({"type": "interactive", "interactive": interactive}))
    return messages


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def media_message(kind: str, source: str, caption: str = "", filename: str = "") -> Outgoing:
    """An image or document: a public URL is sent as a link, a local file is uploaded and sent by id."""
    if not source:
        raise ValueError(f"a {kind} needs a path or a link")
    media: dict[str, Any] = {"link": source} if _is_url(source) else {}
    if caption:
        media["caption"] = caption if len(caption) <= CAPTION_LIMIT else split_text(caption, CAPTION_LIMIT - 1)[0] + "…"
    if kind == "document":
        media["filename"] = filename or source.rstrip("/").rsplit("/", 1)[-1]
    return Outgoing({"type": kind, kind: media}, upload="" if _is_url(source) else source)


def template_message(name: str, language: str, components: list[dict[str, Any]] | None = None) -> Outgoing:
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return Outgoing({"type": "template", "template": template})


def custom_messages(custom: dict[str, Any]) -> list[Outgoing]:
    """The `json_message` shapes of the NLU contract: list, document, image, template (and text)."""
    kind = custom.get("type")
    if kind == "list":
        return list_messages(custom)
    if kind in ("document", "image"):
        return [media_message(kind, custom.get("path") or custom.get("link", ""), custom.get("caption", ""),
                              custom.get("filename", ""))]
    if kind == "template":
        return [template_message(custom["name"], custom.get("language", "en"), custom.get("components"))]
    if kind == "text":
        return text_messages(custom.get("text", ""))
    raise ValueError(f"unknown custom message type {kind!r}")


def render(response: dict[str, Any]) -> list[Outgoing]:
    """All WhatsApp messages for one Rasa bot response, in the order Rasa's OutputChannel sends its parts."""
    messages: list[Outgoing] = []
    buttons = response.get("buttons") or response.get("quick_replies")
    if buttons:
        messages += buttons_message(response.get("text", ""), buttons, response.get("list_button") or "")
    elif response.get("text"):
        messages += text_messages(response["text"])
    if response.get("custom"):
        messages += custom_messages(response["custom"])
    if response.get("image"):
        messages.append(media_message("image", response["image"]))
    attachment = response.get("attachment")
    if isinstance(attachment, str) and attachment:
        messages.append(media_message("document", attachment))
    elif isinstance(attachment, dict):
        messages += custom_messages({"type": "document", **attachment})
    return messages


def recipient(response: dict[str, Any]) -> str | None:
    """Whom a response is for when it is not the conversation's person: a custom message's `to` (an action
    telling a customer their order left, or sending them their statement), else None.

    >>> recipient({"custom": {"type": "text", "to": "919800000001", "text": "..."}}), recipient({"text": "hi"})
    ('919800000001', None)
    """
    to = (response.get("custom") or {}).get("to")
    return str(to) if to else None


def summary(message: dict[str, Any]) -> str:
    """The words of a message, for a template parameter or a log line."""
    kind = message.get("type", "")
    part = message.get(kind, {})
    if kind == "text":
        return part.get("body", "")
    if kind == "interactive":
        return part.get("body", {}).get("text", "")
    return part.get("caption", "") or part.get("filename", "") or kind
