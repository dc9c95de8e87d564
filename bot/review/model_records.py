"""The review app's record of its models (`review_models`): new trainings, their progress and scores, activations.

`training_jobs.Trainer` writes a training's rows; the models pages read them and record activations.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, insert, select, update

from bot.review.schema import models

ACTIVATING = "activating on the Rasa server"
"""A ready model's phase while Rasa loads it."""


def recent(engine: Engine, limit: int = 100) -> list[Any]:
    """The latest models, newest first."""
    with engine.connect() as conn:
        return conn.execute(select(models).order_by(models.c.id.desc()).limit(limit)).all()


def get(engine: Engine, model_id: int) -> Any:
    """One model's row, or None."""
    with engine.connect() as conn:
        return conn.execute(select(models).where(models.c.id == model_id)).first()


def add_training(engine: Engine, name: str, log_path: str, username: str) -> int:
    """Record a training that starts now; its id."""
    with engine.begin() as conn:
        return conn.execute(insert(models).values(
            name=name, status="training", phase="preparing the data", progress=0.0, log_path=log_path,
            created_at=time.time(), created_by=username)).inserted_primary_key[0]


def update_model(engine: Engine, model_id: int, **values: object) -> None:
    """Change a model's row (progress, phase, scores, outcome)."""
    with engine.begin() as conn:
        conn.execute(update(models).where(models.c.id == model_id).values(**values))


def fail_interrupted(engine: Engine) -> None:
    """Trainings still marked running when the app starts were cut off by its stopping: mark them failed."""
    with engine.begin() as conn:
        conn.execute(update(models).where(models.c.status == "training")
                     .values(status="failed", error="interrupted: the review app stopped", finished_at=time.time()))


def mark_activating(engine: Engine, model_id: int) -> None:
    update_model(engine, model_id, phase=ACTIVATING, error=None)


def record_activation(engine: Engine, model_id: int, error: str | None) -> None:
    """The outcome of loading the model on Rasa: activated now, or the error."""
    if error is None:
        update_model(engine, model_id, phase="ready", activated_at=time.time())
    else:
        update_model(engine, model_id, phase="ready", error=error)
