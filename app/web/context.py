"""What the HTTP layer shares between requests: the services, the admission queue, and the
models loading in the background (the server answers /healthz while they load)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from app.document_access import DocumentAccess
from app.services import Services
from app.settings import SHIPPED_GENERATOR, Settings
from app.storage.stores import Stores
from app.web.auth import WebAuth
from app.web.errors import APIError
from app.web.queue import AdmissionQueue

LOADING_RETRY_S = 10


def generator_display_name(settings: Settings) -> str:
    """The configured generator, as /v1/models lists it (known without loading it)."""
    if settings.generator == "openai":
        return settings.openai_model
    if settings.generator_model == SHIPPED_GENERATOR:
        return SHIPPED_GENERATOR.split(":", 1)[1]
    return settings.generator_model.rstrip("/").rsplit("/", 1)[-1]


class ModelLoader:
    """Loads the embedding model, the retriever and the generator once, in a background thread."""

    def __init__(self, services: Services):
        self.services = services
        self.state = "loading"
        self.error = ""
        self.done = threading.Event()

    def start(self) -> "ModelLoader":
        threading.Thread(target=self.load, name="advisor-load", daemon=True).start()
        return self

    def load(self) -> None:
        try:
            self.services.advisor.warm_up()
            self.state = "ready"
        except Exception as exc:  # reported by /healthz and every answer route
            self.state, self.error = "failed", str(exc) or exc.__class__.__name__
        finally:
            self.done.set()

    def require_ready(self) -> None:
        if self.state == "loading":
            raise APIError(503, "loading", headers={"Retry-After": str(LOADING_RETRY_S)}, retry=LOADING_RETRY_S)
        if self.state == "failed":
            raise APIError(503, "load_failed", detail=self.error)

    def status(self) -> dict:
        s = self.services.settings
        out = {"state": self.state, "embedding": s.embedding_model, "generator": generator_display_name(s)}
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class WebContext:
    services: Services
    admission: AdmissionQueue
    loader: ModelLoader
    model_name: str = field(init=False)

    def __post_init__(self):
        self.model_name = generator_display_name(self.services.settings)

    @cached_property
    def stores(self) -> Stores:
        """The application database's repositories: the services' own, else opened from the settings."""
        stores = getattr(self.services, "stores", None)
        return stores if stores is not None else Stores.open(self.services.settings)

    @cached_property
    def documents(self) -> DocumentAccess:
        """Who sees which documents, over these services and this database."""
        return DocumentAccess(self.services, self.stores)

    @cached_property
    def auth(self) -> WebAuth:
        return WebAuth(self.stores, self.services.settings)

    def store_status(self) -> dict:
        try:
            docs = self.services.store.documents()
            return {"reachable": True, "documents": len(docs), "chunks": sum(d.chunks for d in docs)}
        except Exception as exc:  # any failure of the store means "not reachable", with the reason
            return {"reachable": False, "error": f"{exc.__class__.__name__}: {exc}"}
