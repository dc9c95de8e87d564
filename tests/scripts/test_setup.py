"""scripts/setup.sh reuses environments whose inputs have not changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_setup_reuses_both_environments():
    result = subprocess.run(["bash", "scripts/setup.sh", "run"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert "building" not in result.stderr


def test_the_erp_environment_is_keyed_by_its_inputs():
    version = subprocess.run([sys.executable, "--version"], capture_output=True, text=True).stdout
    inputs = version.encode() + b"".join((ROOT / "requirements" / f).read_bytes() for f in ("erp.in", "erp.lock"))
    key = hashlib.sha256(inputs).hexdigest()[:16]
    assert (ROOT / ".venv" / "erp").resolve().name == f"erp-{key}"
    assert Path(sys.prefix).resolve() == (ROOT / ".venv" / "erp").resolve()
