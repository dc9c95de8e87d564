"""The held-out split models are scored on, and when the active model's score may stand beside a new one's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.review.nlu_files import Example, text_key
from bot.review.schema import models
from bot.review.store import open_store
from bot.review.training_jobs import (
    comparable, component_count, is_held_out, prepare_training_copy, record_trained_on, split_examples, trained_on,
)

WORDS = "chawal cheeni atta dal tel sabun maggi biscuit namak haldi".split()


def _examples(intent: str, count: int, offset: int = 0) -> list[Example]:
    return [Example("hinglish", intent, f"{WORDS[(n + offset) % 10]} ka {intent} {n + offset}") for n in range(count)]


def _project(tmp_path: Path, examples: list[Example]) -> Path:
    project = tmp_path / "project"
    (project / "data" / "nlu").mkdir(parents=True, exist_ok=True)
    (project / "data" / "rules.yml").write_text('version: "3.1"\nrules: []\n', encoding="utf-8")
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example.text)
    (project / "data" / "nlu" / "hinglish.yml").write_text('version: "3.1"\nnlu:\n' + "".join(
        f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {t}\n" for t in texts)
        for intent, texts in by_intent.items()), encoding="utf-8")
    return project


@pytest.fixture
def engine(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    yield engine
    engine.dispose()


def test_the_split_is_stable_and_never_holds_out_what_the_trainer_just_taught() -> None:
    examples = _examples("check_stock", 60) + _examples("greet", 4)
    train, held = split_examples(examples, keep=set())
    assert 0 < len(held) < len(examples) / 2 and all(is_held_out(e) for e in held)
    assert not {e.intent for e in held} & {"greet"}  # too few examples to spare any
    assert split_examples(list(reversed(examples)), keep=set())[1] == list(reversed(held))
    taught = text_key(held[0].plain)
    assert taught not in {text_key(e.plain) for e in split_examples(examples, keep={taught})[1]}
    assert len(train) + len(held) == len(examples)


def test_the_active_model_is_scored_beside_a_new_one_only_if_it_never_learned_the_split(tmp_path, engine) -> None:
    project = _project(tmp_path, _examples("check_stock", 40) + _examples("greet", 4, offset=3))
    first = prepare_training_copy(project, tmp_path / "first", keep=set())
    assert first.n_test == len(first.held_out_keys) > 0 and not first.trained_on & first.held_out_keys
    assert first.held_out.count("\n      - ") == first.n_test
    with engine.begin() as conn:
        model_id = conn.execute(insert(models).values(
            name="review-1", path=str(tmp_path / "models" / "review-1.tar.gz"), status="ready", log_path="x",
            created_at=0.0, created_by="meera")).inserted_primary_key[0]
    record_trained_on(engine, model_id, first.trained_on)

    # trained here on the split's other part: comparable, on the same sentences the next model is scored on
    second = prepare_training_copy(project, tmp_path / "second", keep=set())
    assert second.held_out_keys == first.held_out_keys
    assert trained_on(engine, "/app/models/review-1.tar.gz") == set(first.trained_on)
    assert comparable(trained_on(engine, "review-1.tar.gz"), set(second.held_out_keys))

    # greet reached 5 examples, so some of the sentences review-1 learned are held out now: not comparable
    grown = _project(tmp_path, _examples("check_stock", 40) + _examples("greet", 12, offset=3))
    third = prepare_training_copy(grown, tmp_path / "third", keep=set())
    assert third.held_out_keys & first.trained_on
    assert not comparable(trained_on(engine, "review-1.tar.gz"), set(third.held_out_keys))

    # a model trained elsewhere (`make train` learns every sentence): its training texts are unknown
    assert trained_on(engine, "20261120-101010-fast-fig.tar.gz") is None
    assert trained_on(engine, None) is None
    assert not comparable(None, set(second.held_out_keys))


def test_progress_counts_the_configs_components_and_policies(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n  - name: CountVectorsFeaturizer\n"
                      "policies:\n  - name: RulePolicy\n", encoding="utf-8")
    assert component_count(config) == 3
    assert component_count(Path(__file__).resolve().parents[3] / "config.yml") >= 5
    config.write_text("language: en\n", encoding="utf-8")
    assert component_count(config) == 1
