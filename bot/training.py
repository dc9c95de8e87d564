"""Training the Rasa model only when its inputs change.

A model is named by the hash of everything that shapes it (`data/`,
`config.yml`, `domain.yml`, the Rasa lock file and our NLU components), and
kept in `models/` and in a machine-wide cache, so an unchanged bot is never
trained twice, even from a fresh clone.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

INPUTS = ("config.yml", "domain.yml", "requirements/rasa.lock", "data", "bot/rasa/nlu")


def rasa_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a Rasa child process: ours, with Rasa's telemetry (and its Sentry reports) off
    unless someone turned it on, since nothing here may reach the internet."""
    return {"RASA_TELEMETRY_ENABLED": "false", **os.environ, **(extra or {})}


def _copy(source: Path, target: Path) -> None:
    """Copy under a temporary name and rename, so a reader never sees half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def cache_dir() -> Path:
    return Path(os.environ.get("HISAAB_CACHE", Path.home() / ".cache" / "hisaab")).expanduser() / "models"


def _files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def model_inputs_hash(root: Path) -> str:
    """A short hash of the names and contents of every file that shapes the model."""
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def ensure_model(root: Path, force: bool = False) -> Path:
    """The model for the current inputs: from `models/`, else from the cache, else trained now."""
    name = f"{model_inputs_hash(root)}.tar.gz"
    model = root / "models" / name
    cached = cache_dir() / name
    if model.exists() and not force:
        return model
    if cached.exists() and not force:
        print(f"[train] using the cached model {name}", flush=True)
        _copy(cached, model)
        return model
    print("[train] data, config or domain changed: training the Rasa model (3-4 minutes on 2 cores)", flush=True)
    # `rasa data validate` runs in the tests (tests/data/test_nlu_data.py), so training skips Rasa's second pass
    # over the data: a minute here, most of it checking every entity annotation against a JSON schema
    subprocess.run(
        [str(root / ".venv" / "rasa" / "bin" / "rasa"), "train", "--skip-validation",
         "--fixed-model-name", name.removesuffix(".tar.gz"), "--out", "models"],
        cwd=root, env=rasa_environment(), check=True,
    )
    _copy(model, cached)
    print(f"[train] model {name} saved in models/ and {cached.parent}", flush=True)
    return model
