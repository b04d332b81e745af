import pytest
from pydantic import ValidationError

from app.settings import Settings


def test_env_vars_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ADVISOR_CONTEXT_K", "6")
    s = Settings()
    assert s.data_dir == tmp_path and s.context_k == 6
    assert s.chroma_dir == tmp_path / "chroma"


def test_config_file_is_read_and_env_wins(monkeypatch, tmp_path):
    config = tmp_path / "advisor.toml"
    config.write_text('generator = "openai"\nopenai_base_url = "http://127.0.0.1:9999/v1"\ncontext_k = 3\n')
    monkeypatch.setenv("ADVISOR_CONFIG", str(config))
    monkeypatch.setenv("ADVISOR_CONTEXT_K", "5")
    s = Settings()
    assert s.generator == "openai" and s.openai_base_url.endswith(":9999/v1")
    assert s.context_k == 5


def test_missing_config_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        Settings()


def test_invalid_values_are_rejected(monkeypatch):
    monkeypatch.setenv("ADVISOR_GENERATOR", "gpt-cloud")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.delenv("ADVISOR_GENERATOR")
    with pytest.raises(ValidationError, match="chunk_overlap"):
        Settings(chunk_size=100, chunk_overlap=100)
    with pytest.raises(ValidationError):
        Settings(unknown_setting=1)
