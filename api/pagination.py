"""Cursor pagination: opaque cursors over ids, `limit` per page, `next_cursor` until the end."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

from api.types import Body

T = TypeVar("T")
MAX_POSITION = 2**31 - 1
"""Positions are record ids, which fit a PostgreSQL `integer`."""


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last page."""


class PageQuery(Body):
    cursor: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=50, ge=1, le=200)

    @field_validator("cursor")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        if value is not None:
            decode(value)
        return value

    @property
    def position(self) -> int | None:
        return None if self.cursor is None else decode(self.cursor)


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The position in a cursor; `ValueError` (a 422 through the schema) for one we did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, position = text.split(":")
        if version != "v1" or not position.isdigit() or int(position) > MAX_POSITION:
            raise ValueError
        return int(position)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor this API gave out") from None


def page(rows: Sequence[T], limit: int, position: Callable[[T], int]) -> Page[T]:
    """A page from `limit + 1` fetched rows: the extra row only says there is more."""
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page[T](items=items, next_cursor=encode(position(items[-1])) if more and items else None)
