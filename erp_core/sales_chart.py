"""A small bar chart of a shop's daily sales (the daily closing's image), drawn with Pillow: one bar a day, the
day of the month under it, the tallest bar's figure above it. Digits only, so no font beyond Pillow's own."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 320
MARGIN, LABEL = 24, 22
BAR = (37, 211, 102)
TODAY = (7, 94, 84)
INK = (60, 60, 60)


def short_money(value: Decimal) -> str:
    """12400 → "12.4k", 250000 → "2.5L", 850 → "850"."""
    if value >= 100_000:
        return f"{value / 100_000:.1f}L"
    if value >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:.0f}"


def render(days: list[tuple[date, Decimal]]) -> bytes:
    """The PNG of `days` (oldest first; the last is drawn darker: the day being closed)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    top = max((total for _, total in days), default=Decimal(0))
    plot = HEIGHT - 2 * MARGIN - LABEL
    slot = (WIDTH - 2 * MARGIN) / max(len(days), 1)
    for i, (day, total) in enumerate(days):
        height = 0 if top <= 0 else int(plot * float(total / top))
        left = MARGIN + i * slot + slot * 0.15
        right = MARGIN + (i + 1) * slot - slot * 0.15
        bottom = HEIGHT - MARGIN - LABEL
        draw.rectangle((left, bottom - max(height, 1), right, bottom), fill=TODAY if i == len(days) - 1 else BAR)
        draw.text(((left + right) / 2, bottom + 4), str(day.day), fill=INK, font=font, anchor="mt")
        if total == top and top > 0:
            draw.text(((left + right) / 2, bottom - height - 4), short_money(total), fill=INK, font=font, anchor="mb")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
