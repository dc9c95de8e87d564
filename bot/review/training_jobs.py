"""Training a new model from the app: hold out a test split, train in the background, score, activate.

The held-out split is stable: an example is held out when the hash of its text says so (about
1 in 5, only for intents with at least 5 examples), so successive models are scored on
the same sentences. Examples the trainer accepted from the inbox are never held out: what
was just taught is always learned. The new model is scored on the held-out sentences through the
Rasa server (`POST /model/test/intents`), and so is the active one, but only when its score means
something: when it was trained here (its training texts are recorded in `review_model_examples`)
and learned none of those sentences. A model trained elsewhere (`make train` trains on everything)
has seen them, and its score would flatter it: it is shown as not comparable instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString
from sqlalchemy import Engine, insert, select

from bot.review import model_records
from bot.review.nlu_files import LANGUAGE_FILES, Example, read_examples, text_key
from bot.review.rasa_api import RasaError, RasaServer
from bot.review.schema import inbox_decisions, model_examples, models
from bot.training import rasa_environment

HELD_OUT_EVERY = 5
MIN_EXAMPLES_TO_HOLD_OUT = 5
COMPONENT_DONE = ("Finished training component", "Restored component")
"""`rasa train`'s log lines for a component trained now or taken from Rasa's cache."""


def component_count(config: Path) -> int:
    """How many components and policies `config` lists (at least 1): the steps `rasa train` reports finishing."""
    loaded = YAML(typ="safe").load(config.read_text(encoding="utf-8")) or {}
    return max(len(loaded.get("pipeline") or []) + len(loaded.get("policies") or []), 1)


def is_held_out(example: Example) -> bool:
    return int(hashlib.sha1(text_key(example.plain).encode()).hexdigest(), 16) % HELD_OUT_EVERY == 0


def split_examples(examples: list[Example], keep: set[str]) -> tuple[list[Example], list[Example]]:
    """(train, held out): see the module docstring."""
    per_intent = Counter(e.intent for e in examples)
    held = [e for e in examples if per_intent[e.intent] >= MIN_EXAMPLES_TO_HOLD_OUT and is_held_out(e)
            and text_key(e.plain) not in keep]
    held_ids = {id(e) for e in held}
    return [e for e in examples if id(e) not in held_ids], held


def nlu_yaml(examples: list[Example]) -> str:
    """Rasa YAML with `examples` grouped by intent, in first-seen order."""
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example.text)
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump({"version": "3.1", "nlu": [{"intent": intent, "examples": LiteralScalarString(
        "".join(f"- {line}\n" for line in lines))} for intent, lines in by_intent.items()]}, buffer)
    return buffer.getvalue()


def comparable(active_trained_on: set[str] | None, held_out: set[str]) -> bool:
    """Whether the active model may be scored beside a new one on the `held_out` text keys: only if its
    training texts are known (None: trained outside the app) and include none of them."""
    return active_trained_on is not None and not active_trained_on & held_out


@dataclass(frozen=True)
class TrainingCopy:
    data_dir: Path
    held_out: str
    n_train: int
    n_test: int
    trained_on: frozenset[str]
    held_out_keys: frozenset[str]


def prepare_training_copy(project: Path, work_dir: Path, keep: set[str]) -> TrainingCopy:
    """A copy of data/ with the language files reduced to their training part, and the held-out YAML."""
    data_dir = work_dir / "data"
    shutil.copytree(project / "data", data_dir, ignore=shutil.ignore_patterns(*LANGUAGE_FILES.values()))
    examples = read_examples(project / "data" / "nlu")
    train, held = split_examples(examples, keep)
    (data_dir / "nlu").mkdir(parents=True, exist_ok=True)
    for language, name in LANGUAGE_FILES.items():
        part = [e for e in train if e.language == language]
        if part:
            (data_dir / "nlu" / name).write_text(nlu_yaml(part), encoding="utf-8")
    return TrainingCopy(data_dir, nlu_yaml(held) if held else "", len(train), len(held),
                        frozenset(text_key(e.plain)[:512] for e in train),
                        frozenset(text_key(e.plain)[:512] for e in held))


def record_trained_on(engine: Engine, model_id: int, keys: frozenset[str]) -> None:
    """Remember the texts a model trained here learns from."""
    with engine.begin() as conn:
        conn.execute(insert(model_examples), [{"model_id": model_id, "text_key": k} for k in sorted(keys)])


def accepted_texts(engine: Engine) -> set[str]:
    """The texts accepted from the inbox (never held out)."""
    with engine.connect() as conn:
        return set(conn.execute(select(inbox_decisions.c.text_key)
                                .where(inbox_decisions.c.decision == "accepted")).scalars())


def trained_on(engine: Engine, model_file: str | None) -> set[str] | None:
    """The texts the model in `model_file` learned, if it was trained here; None if unknown."""
    if not model_file:
        return None
    name = Path(model_file).name
    with engine.connect() as conn:
        ids = [row.id for row in conn.execute(select(models.c.id, models.c.path).where(models.c.status == "ready"))
               if row.path and Path(row.path).name == name]
        keys = set(conn.execute(select(model_examples.c.text_key).where(model_examples.c.model_id.in_(ids)))
                   .scalars()) if ids else set()
    return keys or None


class Trainer:
    """Runs one training at a time in the background and records it in `review_models`."""

    def __init__(self, engine: Engine, root: Path, project: Path, models_dir: Path, work_dir: Path,
                 rasa: RasaServer) -> None:
        """`root` holds the code and the Rasa environment; `project` the config, domain and data trained on."""
        self.engine, self.root, self.project = engine, root, project
        self.models_dir, self.work_dir, self.rasa = models_dir, work_dir, rasa
        self.task: asyncio.Task[None] | None = None
        self.starting = False
        model_records.fail_interrupted(engine)

    @property
    def busy(self) -> bool:
        return self.starting or (self.task is not None and not self.task.done())

    async def start(self, username: str) -> int:
        """Record a new training and start it; raises RuntimeError if one is running."""
        if self.busy:
            raise RuntimeError("a model is being trained already")
        self.starting = True  # until the task exists: a second click meanwhile is refused too
        try:
            name = time.strftime("review-%Y%m%d-%H%M%S", time.gmtime())
            self.work_dir.mkdir(parents=True, exist_ok=True)
            log = self.work_dir / f"{name}.log"
            model_id = await asyncio.to_thread(model_records.add_training, self.engine, name, str(log), username)
            self.task = asyncio.get_running_loop().create_task(self._run(model_id, name, log))
        finally:
            self.starting = False
        return model_id

    async def _update(self, model_id: int, **values: object) -> None:
        await asyncio.to_thread(model_records.update_model, self.engine, model_id, **values)

    async def _run(self, model_id: int, name: str, log: Path) -> None:
        work = self.work_dir / name
        try:
            keep = await asyncio.to_thread(accepted_texts, self.engine)
            copy = await asyncio.to_thread(prepare_training_copy, self.project, work, keep)
            await asyncio.to_thread(record_trained_on, self.engine, model_id, copy.trained_on)
            await self._update(model_id, n_train=copy.n_train, n_test=copy.n_test, phase="training", progress=0.05)
            await self._train(model_id, name, copy.data_dir, log)
            path = self.models_dir / f"{name}.tar.gz"
            await self._update(model_id, path=str(path), phase="evaluating on the held-out split", progress=0.9)
            values: dict[str, object] = {"status": "ready", "phase": "ready", "progress": 1.0}
            if copy.held_out:
                try:
                    values["accuracy"] = await self.rasa.intent_accuracy(copy.held_out, str(path))
                    active = (await self.rasa.status()).get("model_file")
                    values["active_name"] = Path(active).name if active else None
                    learned = await asyncio.to_thread(trained_on, self.engine, active)
                    values["active_comparable"] = comparable(learned, set(copy.held_out_keys))
                    if values["active_comparable"]:
                        values["active_accuracy"] = await self.rasa.intent_accuracy(copy.held_out)
                except RasaError as error:
                    values["error"] = f"trained, but not evaluated: {error}"
            else:
                values["error"] = "trained; too few examples to hold any out for evaluation"
            await self._update(model_id, finished_at=time.time(), **values)
        except Exception as error:  # noqa: BLE001 (any failure must end the job visibly, not silently)
            with log.open("a", encoding="utf-8") as out:
                out.write(f"\nFAILED: {error}\n")
            await self._update(model_id, status="failed", phase="failed", error=str(error)[:2000],
                               finished_at=time.time())
        finally:
            shutil.rmtree(work, ignore_errors=True)

    async def _train(self, model_id: int, name: str, data_dir: Path, log: Path) -> None:
        """`rasa train` in a child process; its output goes to the log, and each component it finishes training
        (or takes from Rasa's cache) moves the progress on."""
        command = [str(self.root / ".venv" / "rasa" / "bin" / "rasa"), "train", "--data", str(data_dir),
                   "--config", str(self.project / "config.yml"), "--domain", str(self.project / "domain.yml"),
                   "--out", str(self.models_dir), "--fixed-model-name", name]
        process = await asyncio.create_subprocess_exec(
            *command, cwd=self.root, env=rasa_environment(), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        components, trained = component_count(self.project / "config.yml"), 0
        assert process.stdout is not None
        with log.open("w", encoding="utf-8") as out:
            out.write("$ " + " ".join(command) + "\n")
            pending = ""
            while chunk := await process.stdout.read(4096):
                pending += chunk.decode("utf-8", errors="replace")
                *lines, pending = re.split(r"[\r\n]", pending)
                for line in lines:
                    if any(done in line for done in COMPONENT_DONE):
                        trained += 1
                        await self._update(model_id, progress=min(0.05 + 0.83 * trained / components, 0.88))
                    if line.strip():
                        out.write(line + "\n")
                        out.flush()
        if await process.wait() != 0:
            raise RuntimeError(f"rasa train exited with {process.returncode}; see the log")
