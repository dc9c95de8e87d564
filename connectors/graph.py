"""A small client for the Graph API endpoints the channel uses: messages and media.

Errors come back as `GraphError` with the HTTP status and Meta's error code, so
the sender can tell a retryable failure (5xx, 429, 130429 throughput, 131056
pair rate) from the closed 24-hour window (131047) and from a permanent one.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import aiohttp

THROUGHPUT_LIMIT = 130429
PAIR_RATE_LIMIT = 131056
REENGAGEMENT_REQUIRED = 131047
RETRYABLE_CODES = frozenset({THROUGHPUT_LIMIT, PAIR_RATE_LIMIT, 1, 2, 4, 80007, 131000, 131016, 133004})
"""Rate limits plus Meta's "temporarily unavailable" family (API unknown/service, app and WABA rate limits,
131000 something went wrong, 131016 service overloaded, 133004 server temporarily unavailable)."""


def addressee(wa_id: str) -> dict[str, str]:
    """Whom a message goes to: `to` for a WhatsApp number, `recipient` for a business-scoped user id
    (`IN.1502576394655843`, a user who hides their number).

    >>> addressee("919800000001"), addressee("IN.1502576394655843")
    ({'to': '919800000001'}, {'recipient': 'IN.1502576394655843'})
    """
    return {"to": wa_id} if wa_id.isdigit() else {"recipient": wa_id}


class GraphError(Exception):
    def __init__(self, status: int, code: int = 0, message: str = "", details: str = "") -> None:
        super().__init__(f"HTTP {status}, code {code}: {message} {details}".strip())
        self.status, self.code, self.message, self.details = status, code, message, details

    @property
    def retryable(self) -> bool:
        return self.status >= 500 or self.status == 429 or self.code in RETRYABLE_CODES

    @property
    def window_closed(self) -> bool:
        return self.code == REENGAGEMENT_REQUIRED


class GraphClient:
    """One aiohttp session per client; `base_url` ends with the API version (`.../v21.0`)."""

    def __init__(self, base_url: str, access_token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _json(self, response: aiohttp.ClientResponse) -> dict[str, Any]:
        try:
            data = await response.json(content_type=None)
        except ValueError:
            data = None
        if response.status >= 400 or not isinstance(data, dict) or "error" in data:
            error = (data or {}).get("error") or {} if isinstance(data, dict) else {}
            raise GraphError(response.status if response.status >= 400 else 502, int(error.get("code") or 0),
                             error.get("message", ""), (error.get("error_data") or {}).get("details", ""))
        return data

    async def send_message(self, phone_number_id: str, message: dict[str, Any]) -> str:
        """POST /{phone_number_id}/messages; return the new message's wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        async with self.session.post(f"{self.base_url}/{phone_number_id}/messages", json=body) as response:
            data = await self._json(response)
        return data["messages"][0]["id"]

    async def mark_read(self, phone_number_id: str, message_id: str, typing: bool = True) -> None:
        """Blue ticks on the customer's message, and a typing indicator until we answer (or 25 s)."""
        body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        if typing:
            body["typing_indicator"] = {"type": "text"}
        async with self.session.post(f"{self.base_url}/{phone_number_id}/messages", json=body) as response:
            await self._json(response)

    async def upload_media(self, phone_number_id: str, path: Path, mime_type: str | None = None) -> str:
        """POST /{phone_number_id}/media (multipart); return the media id to send by."""
        mime_type = mime_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", path.read_bytes(), filename=path.name, content_type=mime_type)
        async with self.session.post(f"{self.base_url}/{phone_number_id}/media", data=form) as response:
            return (await self._json(response))["id"]

    async def media_info(self, media_id: str) -> dict[str, Any]:
        """GET /{media_id}: the short-lived download URL, mime type, sha256 and size."""
        async with self.session.get(f"{self.base_url}/{media_id}") as response:
            return await self._json(response)

    async def download(self, url: str) -> bytes:
        """GET the media URL with the bearer token (Meta refuses it without)."""
        async with self.session.get(url) as response:
            if response.status >= 400:
                raise GraphError(response.status, message="media download failed")
            return await response.read()
