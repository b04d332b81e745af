"""The HTTP API: OpenAI-compatible chat completions (streamed or not), the advisor's own /v1/ask,
plan drafts (/v1/plans), health, and document management behind a bearer token. Answers and
drafts go through the admission queue and run in a thread of their own (app/web/pump.py); a
client that leaves frees the model."""

from __future__ import annotations

import contextlib
import hmac
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.answer.conversation import Conversation
from app.plan.service import PlanRequest, draft, plan_json
from app.storage.uploads import UploadRejected, accept_upload
from app.web.context import WebContext
from app.web.errors import APIError, describe_failure, error_body
from app.web.openai_shapes import chunk, completion, completion_id, model_list, sse, sse_comment
from app.web.pump import EventPump
from app.web.queue import QueueFull, Ticket
from app.web.requests import AskRequest, parse_ask, parse_chat, parse_json, parse_plan

MAX_JSON_BYTES = 1024 * 1024
HEARTBEAT_S = 10.0
MAX_FORM_FIELDS = 20  # non-file fields of an upload form; files are limited by settings.max_upload_files
MB = 1024 * 1024

router = APIRouter()


def context(request: Request) -> WebContext:
    return request.app.state.web


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise APIError(413, "body_too_large", limit=f"{limit // 1024} KB")
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise APIError(413, "body_too_large", limit=f"{limit // 1024} KB")
    return bytes(body)


def admit(ctx: WebContext) -> Ticket:
    """A place in line for the model: 503 while the models load, 429 when the line is full."""
    ctx.loader.require_ready()
    try:
        return ctx.admission.enter()
    except QueueFull as exc:
        raise APIError(429, "queue_full", headers={"Retry-After": str(exc.retry_after_s)}, waiting=exc.waiting,
                       retry=exc.retry_after_s) from None


def conversation_events(ctx: WebContext, req: AskRequest):
    """A new Conversation per request, its history preloaded: follow-ups are rewritten exactly as
    in the chat, and no two requests share anything."""
    conversation = Conversation.from_settings(ctx.services.advisor, ctx.services.settings, req.history)
    return conversation.stream(req.question, req.profile)


@dataclass
class Waiting:
    """Still in line (sent every HEARTBEAT_S): streams tell the client, which also keeps idle
    proxies from closing the connection."""
    ahead: int


def plan_events(ctx: WebContext, req: PlanRequest):
    return draft(ctx.services.advisor, req)


async def queued_events(request: Request, ticket: Ticket, make_events: Callable[[], Iterator]) -> AsyncIterator:
    """``Waiting`` while in line, then the events of ``make_events()`` (an answer's or a plan
    draft's). Stops when the client disconnects, which cancels the work between two tokens and
    hands the model to the next in line."""
    pump = None
    try:
        while not await ticket.wait_async(request.is_disconnected, timeout_s=HEARTBEAT_S):
            if ticket.released:  # the client left
                return
            yield Waiting(ticket.ahead())
        pump = EventPump(make_events, on_finish=ticket.release).start()
        async for event in pump:
            yield event
            if await request.is_disconnected():
                return
    finally:
        if pump is None:
            ticket.release()
        else:
            pump.cancel()


def answer_events(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest) -> AsyncIterator:
    return queued_events(request, ticket, lambda: conversation_events(ctx, req))


async def final_event(events: AsyncIterator):
    """The ``done`` event of queued events, or None when the client left."""
    async with contextlib.aclosing(events) as events:
        async for event in events:
            if not isinstance(event, Waiting) and event.kind == "done":
                return event
    return None


async def final_answer(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest) -> dict | None:
    done = await final_event(answer_events(request, ctx, ticket, req))
    return done.answer.to_json() if done else None


async def sse_answer(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest, model: str):
    cid = completion_id()
    try:
        async with contextlib.aclosing(answer_events(request, ctx, ticket, req)) as events:
            started = False
            async for event in events:
                if isinstance(event, Waiting):
                    yield sse_comment(f"in queue: {event.ahead} ahead")
                    continue
                if not started:
                    started = True
                    yield sse(chunk(cid, model, {"role": "assistant", "content": ""}))
                if event.kind == "token" and event.text:
                    yield sse(chunk(cid, model, {"content": event.text}))
                elif event.kind == "done":
                    yield sse(chunk(cid, model, {}, "stop", advisor=event.answer.to_json()))
                    yield sse("[DONE]")
    except Exception as exc:  # the status line is already sent: the error goes in the stream
        status, code, message = describe_failure(exc)
        yield sse(error_body(status, code, message))


@router.post("/v1/chat/completions")
async def chat_completions(request: Request):
    ctx = context(request)
    req = parse_chat(parse_json(await read_body(request, MAX_JSON_BYTES)))
    model = req.model or ctx.model_name
    ticket = admit(ctx)
    if req.stream:
        return StreamingResponse(sse_answer(request, ctx, ticket, req, model), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    answer = await final_answer(request, ctx, ticket, req)
    return JSONResponse(completion(completion_id(), model, answer) if answer else {})


@router.post("/v1/ask")
async def ask(request: Request):
    ctx = context(request)
    req = parse_ask(parse_json(await read_body(request, MAX_JSON_BYTES)))
    ticket = admit(ctx)
    return JSONResponse(await final_answer(request, ctx, ticket, req) or {})


@router.post("/v1/plans")
async def plans(request: Request):
    """A plan draft, whole: the JSON of ``advisor plan --json``. Minutes of generation on a CPU, in
    the same queue as the answers (a client that leaves frees the model)."""
    ctx = context(request)
    body = parse_json(await read_body(request, MAX_JSON_BYTES))
    req = await anyio.to_thread.run_sync(parse_plan, body, ctx.services.settings.knowledge_dir)  # reads knowledge/
    ticket = admit(ctx)
    done = await final_event(queued_events(request, ticket, lambda: plan_events(ctx, req)))
    return JSONResponse(plan_json(done.plan) if done else {})


@router.get("/v1/models")
async def models(request: Request):
    return model_list(context(request).model_name)


@router.get("/healthz")
async def healthz(request: Request):
    ctx = context(request)
    store = await anyio.to_thread.run_sync(ctx.store_status)
    loading = ctx.loader.status()
    ready = store["reachable"] and loading["state"] == "ready"
    body = {"status": "ready" if ready else ("loading" if loading["state"] == "loading" else "unavailable"),
            "store": store, "models": loading, "queue": ctx.admission.snapshot()}
    return JSONResponse(body, status_code=200 if ready else 503)


# ---------------------------------------------------------------- documents (bearer token)
def require_token(request: Request, ctx: WebContext) -> None:
    secret = ctx.services.settings.api_token
    if secret is None or not secret.get_secret_value():
        raise APIError(403, "no_token")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken says nothing about how much of the token was right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             secret.get_secret_value().encode()):
        raise APIError(401, "bad_token", headers={"WWW-Authenticate": "Bearer"})


@router.get("/v1/documents")
async def list_documents(request: Request):
    ctx = context(request)
    require_token(request, ctx)
    docs = await anyio.to_thread.run_sync(ctx.services.store.documents)
    return {"documents": [d.__dict__ for d in docs]}


@router.post("/v1/documents")
async def upload_documents(request: Request):
    ctx = context(request)
    require_token(request, ctx)  # before the body is read: an unauthenticated upload costs nothing
    settings = ctx.services.settings
    limit = settings.max_upload_mb * MB
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MB:  # + room for the multipart framing
        raise APIError(413, "body_too_large", limit=f"{settings.max_upload_mb} MB")
    try:  # the form parser stops at the limits while it reads: more files are refused as a whole
        form = await request.form(max_files=settings.max_upload_files, max_fields=MAX_FORM_FIELDS)
    except StarletteHTTPException as exc:
        raise APIError(400, "bad_form", detail=exc.detail, max_files=settings.max_upload_files) from None
    files = [f for f in form.getlist("file") if hasattr(f, "filename")]
    if not files:
        raise APIError(400, "no_files")
    with tempfile.TemporaryDirectory(prefix="api-upload-") as tmp:
        accepted = []
        for i, upload in enumerate(files):  # every file is checked before any is ingested
            temp_path = Path(tmp) / str(i)
            with temp_path.open("wb") as out:
                await anyio.to_thread.run_sync(shutil.copyfileobj, upload.file, out)
            size = temp_path.stat().st_size
            if size > limit:
                raise APIError(413, "upload_too_large", name=upload.filename or "file", size=size / MB,
                               limit=settings.max_upload_mb)
            try:
                accepted.append(accept_upload(temp_path, upload.filename or "", settings.uploads_dir,
                                              settings.max_upload_mb))
            except UploadRejected as exc:
                raise APIError(400, "upload_refused", detail=str(exc)) from None
        results = await anyio.to_thread.run_sync(lambda: ctx.services.ingest(
            [a.path for a in accepted], source_names={a.path: a.source for a in accepted}))
    rows = [{"file": r.path.name, "status": r.status, "doc_id": r.doc_id, "chunks": r.chunks, "reason": r.reason,
             "warnings": r.warnings, "line": r.line()} for r in results]
    if all(r.status == "refused" for r in results):
        raise APIError(422, "all_refused", reasons="; ".join(r.line() for r in results))
    return {"results": rows}


@router.delete("/v1/documents/{doc:path}")
async def delete_document(doc: str, request: Request):
    ctx = context(request)
    require_token(request, ctx)
    removed = await anyio.to_thread.run_sync(ctx.services.pipeline.remove, doc)
    if not removed:
        raise APIError(404, "no_document", doc=doc)
    if "retriever" in ctx.services.__dict__:
        await anyio.to_thread.run_sync(ctx.services.retriever.refresh)
    return {"removed": removed}


# Last: anything else under /v1 is answered here in the API's error shape (the Gradio app mounted
# at / would otherwise answer with its own page).
@router.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                  include_in_schema=False)
async def unknown_route(rest: str, request: Request):
    path = request.url.path
    if any(isinstance(r, APIRoute) and r.endpoint is not unknown_route and r.path_regex.match(path)
           for r in router.routes):
        raise APIError(405, "method", method=request.method, path=path)
    raise APIError(404, "not_found", method=request.method, path=path)
