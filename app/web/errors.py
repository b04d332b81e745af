"""Errors as OpenAI-style JSON, ``{"error": {"message", "type", "code"}}``, with the right status;
a catch-all handler makes sure no client ever sees a traceback (the server log keeps it)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.answer.documents import DocumentError
from app.generation.base import GenerationError
from app.storage.errors import NotFound, StorageError
from app.web.messages import ERRORS

log = logging.getLogger(__name__)

TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
         404: "not_found_error", 405: "invalid_request_error", 413: "invalid_request_error",
         422: "invalid_request_error", 429: "rate_limit_error", 500: "server_error", 502: "server_error",
         503: "service_unavailable"}


class APIError(Exception):
    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **fields):
        super().__init__(ERRORS[code].format(**fields))
        self.status = status
        self.code = code
        self.headers = headers or {}


def error_body(status: int, code: str, message: str) -> dict:
    return {"error": {"message": message, "type": TYPES.get(status, "server_error"), "code": code}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def describe_failure(exc: BaseException) -> tuple[int, str, str]:
    """Status, code and message for an exception that escaped a route."""
    if isinstance(exc, APIError):
        return exc.status, exc.code, str(exc)
    if isinstance(exc, NotFound):  # another user's row reads the same as a missing one
        return 404, "no_such", ERRORS["no_such"].format(detail=exc)
    if isinstance(exc, StorageError):
        return 400, "storage", ERRORS["storage"].format(detail=exc)
    if isinstance(exc, DocumentError):  # a document a follow-up kept was removed meanwhile
        return 400, "bad_documents", ERRORS["bad_documents"].format(detail=exc)
    if isinstance(exc, GenerationError):
        return 502, "generation", ERRORS["generation"].format(detail=exc)
    if exc.__class__.__module__.startswith(("chromadb", "httpx", "sqlite3")):
        return 503, "store", ERRORS["store"].format(detail=f"{exc.__class__.__name__}: {exc}")
    log.error("unhandled error in the HTTP API", exc_info=exc)
    return 500, "internal", ERRORS["internal"].format(kind=exc.__class__.__name__)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError):
        return error_response(exc.status, exc.code, str(exc), exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            message, code = ERRORS["not_found"].format(method=request.method, path=request.url.path), "not_found"
        elif exc.status_code == 405:
            message, code = ERRORS["method"].format(method=request.method, path=request.url.path), "method"
        else:
            message, code = str(exc.detail), "http"
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(400, "invalid", f"{where}: {first.get('msg')}" if where else str(first.get("msg")))

    @app.exception_handler(Exception)
    async def anything_else(request: Request, exc: Exception):
        status, code, message = describe_failure(exc)
        return error_response(status, code, message)
