"""One HTTP application: the API under /v1 and /healthz, the Gradio app mounted at /, served by
uvicorn. The server listens at once; the models load in the background (/healthz says when)."""

from __future__ import annotations

import tempfile

import gradio as gr
import uvicorn
from fastapi import FastAPI

from app.services import Services
from app.web.api import router
from app.web.context import ModelLoader, WebContext
from app.web.errors import install_error_handlers
from app.web.memory import limit_malloc_arenas
from app.web.queue import AdmissionQueue


def build_web_app(services: Services, load_models: bool = True) -> FastAPI:
    from app.web.ui.chat import build_app
    from app.web.ui.sources import CARD_CSS

    settings = services.settings
    admission = AdmissionQueue(settings.max_queue)
    loader = ModelLoader(services)
    app = FastAPI(title="Transformation Advisor API", docs_url=None, redoc_url=None,
                  openapi_url="/v1/openapi.json")
    app.state.web = WebContext(services, admission, loader)
    install_error_handlers(app)
    app.include_router(router)

    demo = build_app(services, admission)
    demo.queue(default_concurrency_limit=1)
    gr.mount_gradio_app(app, demo, path="/", footer_links=["api"], show_error=False, css=CARD_CSS,
                        max_file_size=f"{settings.max_upload_mb}mb", allowed_paths=[tempfile.gettempdir()],
                        enable_monitoring=False, ssr_mode=False, mcp_server=False)
    if load_models:
        loader.start()
    return app


def serve(services: Services, host: str | None = None, port: int | None = None) -> None:
    settings = services.settings
    host, port = host or settings.host, port or settings.port
    limit_malloc_arenas()  # before any worker thread: resident memory stays flat over weeks
    app = build_web_app(services)
    print(f"serving the chat at http://{host}:{port}/ and the API at http://{host}:{port}/v1 "
          "(models loading; GET /healthz says when they are ready)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
