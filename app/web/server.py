"""One HTTP application: the API under /v1 and /healthz, the sign-in pages (/login, /logout), the
Gradio app mounted at /, served by uvicorn. The server listens at once; the models load in the
background (/healthz says when). Sign-in (app/web/auth.py): Gradio is mounted with an
``auth_dependency`` that reads the session cookie, and a page request without a session is sent
to /login."""

from __future__ import annotations

import sys
import tempfile

import gradio as gr
import uvicorn
from fastapi import FastAPI

from app.services import Services
from app.web.api import router
from app.web.auth import SignInGate, is_loopback
from app.web.context import ModelLoader, WebContext
from app.web.login import router as login_router
from app.web.errors import install_error_handlers
from app.web.memory import limit_malloc_arenas
from app.web.queue import AdmissionQueue


def build_api_app(services: Services) -> FastAPI:
    """The HTTP application without the Gradio app: the API, the sign-in pages and the gate."""
    admission = AdmissionQueue(services.settings.max_queue)
    app = FastAPI(title="Transformation Advisor API", docs_url=None, redoc_url=None,
                  openapi_url="/v1/openapi.json")
    context = app.state.web = WebContext(services, admission, ModelLoader(services))
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(login_router)
    app.add_middleware(SignInGate, auth=context.auth)  # opens the application database (schema brought up to date)
    return app


def build_web_app(services: Services, load_models: bool = True) -> FastAPI:
    from app.web.ui.chat import build_app
    from app.web.ui.sources import CARD_CSS

    settings = services.settings
    app = build_api_app(services)
    context = app.state.web
    admission, loader, auth = context.admission, context.loader, context.auth
    demo = build_app(services, admission, auth)
    demo.queue(default_concurrency_limit=1)
    # auth_dependency: Gradio asks it on each of its requests (page, config, queue, uploads, files) and
    # passes the name to the handlers as gr.Request.username; None is 401 (never while sign-in is off).
    gr.mount_gradio_app(app, demo, path="/", footer_links=["api"], show_error=False, css=CARD_CSS,
                        max_file_size=f"{settings.max_upload_mb}mb", allowed_paths=[tempfile.gettempdir()],
                        enable_monitoring=False, ssr_mode=False, mcp_server=False,
                        auth_dependency=auth.gradio_user)
    if load_models:
        loader.start()
    return app


def serve(services: Services, host: str | None = None, port: int | None = None) -> None:
    settings = services.settings
    host, port = host or settings.host, port or settings.port
    limit_malloc_arenas()  # before any worker thread: resident memory stays flat over weeks
    app = build_web_app(services)
    if not is_loopback(host) and not app.state.web.auth.required():
        print(f"warning: serving on {host} without sign-in: anyone who can reach this address uses the app as the "
              "one local user; add a user (`advisor user add NAME --role admin`) or set auth = \"on\"",
              file=sys.stderr, flush=True)
    print(f"serving the chat at http://{host}:{port}/ and the API at http://{host}:{port}/v1 "
          "(models loading; GET /healthz says when they are ready)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
