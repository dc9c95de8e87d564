"""Keeping the index fresh: what Rasa wrote since the last look, and the training data's texts, read in a worker
thread, one refresh at a time, at start-up, every few seconds and when a page asks."""

from __future__ import annotations

import asyncio

from sanic import Sanic

from bot.review.decisions import refresh_training_texts
from bot.review.indexer import sync
from bot.review.nlu_files import files_signature, read_examples
from bot.review.tracker import has_events_table

SYNC_EVERY = 3.0
PAGE_WAITS_FOR_SYNC = 2.0


def refresh_training_data(app: Sanic) -> None:
    """Re-read data/nlu into the index when its files changed (the inbox hides what is trained on)."""
    signature = files_signature(app.ctx.config.nlu_dir)
    if signature != app.ctx.training_signature:
        refresh_training_texts(app.ctx.engine, read_examples(app.ctx.config.nlu_dir))
        app.ctx.training_signature = signature


def refresh_index(app: Sanic) -> None:
    """Index what Rasa wrote since the last look, and notice edits of the training data."""
    if has_events_table(app.ctx.tracker):
        sync(app.ctx.engine, app.ctx.tracker)
    refresh_training_data(app)


async def refresh(app: Sanic, wait: bool = True) -> None:
    """`refresh_index` in a worker thread, one at a time. Pages that do not `wait` give a running sync
    two seconds (the first index of a large tracker store takes minutes), then show what is indexed."""
    lock: asyncio.Lock = app.ctx.sync_lock
    try:
        await asyncio.wait_for(lock.acquire(), timeout=None if wait else PAGE_WAITS_FOR_SYNC)
    except TimeoutError:
        return
    try:
        await asyncio.to_thread(refresh_index, app)
        app.ctx.index_error = ""
    finally:
        lock.release()


async def keep_index_fresh(app: Sanic) -> None:
    """Index at start-up and then every few seconds, so pages rarely have anything left to read."""
    while True:
        try:
            await refresh(app)
        except Exception as error:  # noqa: BLE001 (a tracker store hiccup must not stop the app)
            app.ctx.index_error = str(error)
        await asyncio.sleep(SYNC_EVERY)
