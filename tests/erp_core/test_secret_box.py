"""The secret box: Fernet keys from the environment (or a development key file), rotation, clear refusals."""

from __future__ import annotations

import stat

import pytest

from erp_core import secret_box
from erp_core.secret_box import KEYS_ENV, SecretBox, SecretKeyError, current_box, key_problems, new_key

OLD, NEW = new_key(), new_key()


def test_a_secret_round_trips_and_is_stored_marked_and_unreadable():
    box = SecretBox([OLD])
    stored = box.encrypt("rzp_secret_Abc123")
    assert stored.startswith("fernet:1:") and "rzp_secret_Abc123" not in stored
    assert box.encrypt("rzp_secret_Abc123") != stored  # a fresh IV each time
    assert box.decrypt(stored) == "rzp_secret_Abc123"
    assert box.decrypt(box.encrypt("नमस्ते")) == "नमस्ते"


def test_rotation_keeps_old_values_readable_until_they_are_re_encrypted():
    stored = SecretBox([OLD]).encrypt("whsec_1")
    both = SecretBox([NEW, OLD])
    assert both.decrypt(stored) == "whsec_1"  # any key decrypts
    assert SecretBox([NEW]).decrypt(both.encrypt("x")) == "x"  # the first key encrypts
    rotated = both.rotate(stored)
    assert rotated.startswith("fernet:1:") and rotated != stored
    assert SecretBox([NEW]).decrypt(rotated) == "whsec_1"
    with pytest.raises(SecretKeyError):
        SecretBox([NEW]).decrypt(stored)


def test_a_wrong_key_or_a_plain_value_is_refused_with_a_clear_error():
    stored = SecretBox([OLD]).encrypt("whsec_1")
    with pytest.raises(SecretKeyError, match="cannot be decrypted with any key in HISAAB_SECRET_KEYS"):
        SecretBox([NEW]).decrypt(stored)
    with pytest.raises(SecretKeyError, match="cannot be decrypted"):
        SecretBox([OLD]).decrypt(stored[:-4] + "AAAA")  # altered
    with pytest.raises(SecretKeyError, match="not encrypted"):
        SecretBox([OLD]).decrypt("whsec_plain")
    with pytest.raises(SecretKeyError, match="not encrypted"):
        SecretBox([OLD]).rotate("whsec_plain")


def test_malformed_keys_are_named_by_position_and_never_printed():
    assert key_problems(f"{NEW}, {OLD}") == []
    problems = key_problems(f"{NEW},not-a-fernet-key-but-long-enough-to-pass")
    assert len(problems) == 1 and "key 2 of 2 is not a Fernet key" in problems[0]
    assert "not-a-fernet-key" not in problems[0]
    assert key_problems(" , ") == [f"{KEYS_ENV} is missing"]
    with pytest.raises(SecretKeyError, match="key 1 of 1 is not a Fernet key"):
        SecretBox(["short"])


def test_keys_come_from_the_environment_first_key_encrypting():
    box = current_box({KEYS_ENV: f"{NEW},{OLD}"})
    assert SecretBox([NEW]).decrypt(box.encrypt("s")) == "s"


def test_production_without_a_key_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SecretKeyError, match="HISAAB_SECRET_KEYS is missing: in production"):
        current_box({"HISAAB_ENV": "production"})
    assert not (tmp_path / "var").exists()


def test_development_makes_a_private_key_file_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    box = current_box({})
    key_file = tmp_path / "var" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_problems(key_file.read_text().strip()) == []
    secret_box.development_key.cache_clear()  # as a new process would
    assert current_box({}).decrypt(box.encrypt("s")) == "s"
    assert list((tmp_path / "var").iterdir()) == [key_file]
