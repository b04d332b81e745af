"""The HTTP API: OpenAI-compatible chat completions (streamed or not), the advisor's own /v1/ask,
plan drafts (/v1/plans), the caller's saved conversations (/v1/conversations), the caller's
documents (/v1/documents), health, and the feedback export (admins). Answers and drafts go through
the admission queue and run in a thread of their own (app/web/pump.py); a client that leaves frees
the model.

Who calls: ``Authorization: Bearer <key>`` names a user (an API key) or an admin (the server's
``api_token``); while sign-in is on, every /v1 route needs one (401), and the admin routes need an
admin (403 for others). Every answer reads only the documents the caller may read (the shared ones
and their own: app/document_access.py). With ``"store": true`` an answer is recorded under the caller."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.answer.conversation import Conversation
from app.answer.documents import DocumentError
from app.answer.readers import Reader
from app.plan.service import PlanRequest, draft, plan_json
from app.storage.conversations import ConversationInfo, title_from
from app.storage.errors import NotFound
from app.storage.uploads import UploadRejected, accept_upload, owner_folder
from app.web.auth import Caller
from app.web.context import WebContext
from app.web.errors import APIError, describe_failure, error_body
from app.web.openai_shapes import chunk, completion, completion_id, model_list, sse, sse_comment
from app.web.pump import EventPump
from app.web.queue import QueueFull, Ticket
from app.web.requests import AskRequest, client_field, parse_ask, parse_chat, parse_json, parse_plan
from app.web.saved import export_conversation, history_from_turns, record_new_turn

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


def conversation_events(ctx: WebContext, req: AskRequest, reader: Reader):
    """A new Conversation per request, its history preloaded: follow-ups are rewritten exactly as
    in the chat, and no two requests share anything; it reads what ``reader`` may read."""
    conversation = Conversation.from_settings(ctx.documents.advisor_for(reader), ctx.services.settings, req.history)
    return conversation.stream(req.question, req.profile, req.documents or None)


@dataclass
class Waiting:
    """Still in line (sent every HEARTBEAT_S): streams tell the client, which also keeps idle
    proxies from closing the connection."""
    ahead: int


def plan_events(ctx: WebContext, req: PlanRequest, reader: Reader):
    return draft(ctx.documents.advisor_for(reader), req)


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


def answer_events(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest, reader: Reader) -> AsyncIterator:
    return queued_events(request, ticket, lambda: conversation_events(ctx, req, reader))


async def final_event(events: AsyncIterator):
    """The ``done`` event of queued events, or None when the client left."""
    async with contextlib.aclosing(events) as events:
        async for event in events:
            if not isinstance(event, Waiting) and event.kind == "done":
                return event
    return None


async def final_answer(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest,
                       reader: Reader) -> dict | None:
    done = await final_event(answer_events(request, ctx, ticket, req, reader))
    return done.answer.to_json() if done else None


async def sse_answer(request: Request, ctx: WebContext, ticket: Ticket, req: AskRequest, model: str,
                     caller: Caller, reader: Reader, client_id: int | None):
    cid = completion_id()
    try:
        async with contextlib.aclosing(answer_events(request, ctx, ticket, req, reader)) as events:
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
                    answer = event.answer.to_json()
                    final = chunk(cid, model, {}, "stop", advisor=answer)
                    stored = await remember(ctx, caller, req, answer, client_id)
                    if stored is not None:
                        final["conversation_id"] = stored
                    yield sse(final)
                    yield sse("[DONE]")
    except Exception as exc:  # the status line is already sent: the error goes in the stream
        status, code, message = describe_failure(exc)
        yield sse(error_body(status, code, message))


async def continued(ctx: WebContext, caller: Caller, req: AskRequest) -> AskRequest:
    """A request naming a stored conversation continues it: 404 at once when it is not the caller's
    (before any model time is spent); without a history of its own, its follow-up context is the
    stored turns'; without ``documents`` or ``client``, it keeps the conversation's."""
    if req.conversation_id is None:
        return req
    saved = await anyio.to_thread.run_sync(owned_conversation, ctx, caller, req.conversation_id)
    if not req.history:
        req.history = history_from_turns(saved.turns)
    if req.documents is None:
        req.documents = list(saved.info.documents)
    if req.client is None:
        req.client = saved.info.client_id
    return req


def client_in_text(value) -> int | str | None:
    """``client`` as a query parameter or form field gives it: digits are an id, else a name."""
    if not isinstance(value, str) or not value.strip():
        return None
    return int(value) if value.strip().isdecimal() else value.strip()


def client_id_of(ctx: WebContext, caller: Caller, client: int | str | None) -> int | None:
    """The id of the caller's client named by id or name; 404 for any other (another user's too)."""
    if client is None:
        return None
    rows = ctx.stores.clients.list(caller.account.id)
    found = next((c.id for c in rows if c.id == client or c.name == str(client)), None)
    if found is None:
        raise APIError(404, "no_client", client=client)
    return found


async def reader_of(ctx: WebContext, caller: Caller, client: int | str | None) -> tuple[Reader, int | None]:
    """The caller as a reader of documents, in their client's workspace when ``client`` names one."""
    def read():
        client_id = client_id_of(ctx, caller, client)
        return ctx.documents.reader(caller.account, client_id), client_id

    return await anyio.to_thread.run_sync(read)


async def scoped(ctx: WebContext, reader: Reader, req: AskRequest) -> AskRequest:
    """The request's ``documents`` as doc ids: 400 at once (before the queue) when a name fits no
    document the caller may read, or several."""
    if req.documents:
        try:
            docs = await anyio.to_thread.run_sync(ctx.documents.library_for(reader).resolve, req.documents)
        except DocumentError as exc:
            raise APIError(400, "bad_documents", detail=str(exc)) from None
        req.documents = [d.doc_id for d in docs]
    return req


def owned_conversation(ctx: WebContext, caller: Caller, conversation_id: int):
    try:
        return ctx.stores.conversations.get(caller.account.id, conversation_id)
    except NotFound:  # missing or another user's: the same 404
        raise APIError(404, "no_conversation", id=conversation_id) from None


async def remember(ctx: WebContext, caller: Caller, req: AskRequest, answer: dict | None,
                   client_id: int | None = None) -> int | None:
    """Record the answered turn under the caller when asked to (a new conversation under the client
    when given), with the documents it was limited to; the conversation's id."""
    if not req.store or not answer:
        return None
    return await anyio.to_thread.run_sync(lambda: record_new_turn(
        ctx.stores.conversations, caller.account.id, req.conversation_id, req.question, answer, client_id,
        req.documents))


@router.post("/v1/chat/completions")
async def chat_completions(request: Request):
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    req = await continued(ctx, caller, parse_chat(parse_json(await read_body(request, MAX_JSON_BYTES))))
    reader, client_id = await reader_of(ctx, caller, req.client)
    req = await scoped(ctx, reader, req)
    model = req.model or ctx.model_name
    ticket = admit(ctx)
    if req.stream:
        return StreamingResponse(sse_answer(request, ctx, ticket, req, model, caller, reader, client_id),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    answer = await final_answer(request, ctx, ticket, req, reader)
    if not answer:
        return JSONResponse({})
    body = completion(completion_id(), model, answer)
    stored = await remember(ctx, caller, req, answer, client_id)
    if stored is not None:
        body["conversation_id"] = stored
    return JSONResponse(body)


@router.post("/v1/ask")
async def ask(request: Request):
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    req = await continued(ctx, caller, parse_ask(parse_json(await read_body(request, MAX_JSON_BYTES))))
    reader, client_id = await reader_of(ctx, caller, req.client)
    req = await scoped(ctx, reader, req)
    ticket = admit(ctx)
    answer = await final_answer(request, ctx, ticket, req, reader)
    stored = await remember(ctx, caller, req, answer, client_id)
    return JSONResponse(dict(answer, conversation_id=stored) if stored is not None else (answer or {}))


@router.post("/v1/plans")
async def plans(request: Request):
    """A plan draft, whole: the JSON of ``advisor plan --json``. Minutes of generation on a CPU, in
    the same queue as the answers (a client that leaves frees the model)."""
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    body = parse_json(await read_body(request, MAX_JSON_BYTES))
    client = client_field(body.pop("client", None))
    req = await anyio.to_thread.run_sync(parse_plan, body, ctx.services.settings.knowledge_dir)  # reads knowledge/
    reader, _ = await reader_of(ctx, caller, client)
    ticket = admit(ctx)
    done = await final_event(queued_events(request, ticket, lambda: plan_events(ctx, req, reader)))
    return JSONResponse(plan_json(done.plan) if done else {})


@router.get("/v1/models")
async def models(request: Request):
    ctx = context(request)
    await ctx.auth.caller(request)
    return model_list(ctx.model_name)


@router.get("/healthz")
async def healthz(request: Request):
    ctx = context(request)
    store = await anyio.to_thread.run_sync(ctx.store_status)
    loading = ctx.loader.status()
    ready = store["reachable"] and loading["state"] == "ready"
    body = {"status": "ready" if ready else ("loading" if loading["state"] == "loading" else "unavailable"),
            "store": store, "models": loading, "queue": ctx.admission.snapshot()}
    return JSONResponse(body, status_code=200 if ready else 503)


# ---------------------------------------------------------------- saved conversations (the caller's own)
def conversation_row(info: ConversationInfo) -> dict:
    return {"id": info.id, "title": info.title, "created": int(info.created_at.timestamp()),
            "updated": int(info.updated_at.timestamp())}


@router.get("/v1/conversations")
async def list_conversations(request: Request, search: str = ""):
    """The caller's conversations, the most recently active first (``?search=`` words)."""
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    rows = await anyio.to_thread.run_sync(lambda: ctx.stores.conversations.list(caller.account.id, search[:200]))
    return {"object": "list", "data": [conversation_row(info) for info in rows]}


@router.get("/v1/conversations/{conversation_id:int}")
async def get_conversation(conversation_id: int, request: Request):
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    saved = await anyio.to_thread.run_sync(owned_conversation, ctx, caller, conversation_id)
    return dict(conversation_row(saved.info), client_id=saved.info.client_id, documents=list(saved.info.documents),
                turns=[{"position": t.position, "question": t.question, "answer": t.answer,
                        "created": int(t.created_at.timestamp())} for t in saved.turns])


@router.patch("/v1/conversations/{conversation_id:int}")
async def rename_conversation(conversation_id: int, request: Request):
    """``{"title": …}``"""
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    body = parse_json(await read_body(request, MAX_JSON_BYTES))
    title = body.get("title")
    if not isinstance(title, str) or not title_from(title, 200):
        raise APIError(400, "bad_title")
    await anyio.to_thread.run_sync(owned_conversation, ctx, caller, conversation_id)
    info = await anyio.to_thread.run_sync(ctx.stores.conversations.rename, caller.account.id, conversation_id, title)
    return conversation_row(info)


@router.delete("/v1/conversations/{conversation_id:int}")
async def delete_conversation(conversation_id: int, request: Request):
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    await anyio.to_thread.run_sync(owned_conversation, ctx, caller, conversation_id)
    await anyio.to_thread.run_sync(ctx.stores.conversations.delete, caller.account.id, conversation_id)
    return {"deleted": conversation_id}


EXPORT_TYPES = {"markdown": "text/markdown; charset=utf-8",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@router.get("/v1/conversations/{conversation_id:int}/export")
async def export_conversation_file(conversation_id: int, request: Request, format: str = "markdown"):
    """The conversation as Markdown or Word (``?format=markdown|docx``)."""
    ctx = context(request)
    caller = await ctx.auth.caller(request)
    if format not in EXPORT_TYPES:
        raise APIError(400, "bad_format", formats=", ".join(EXPORT_TYPES))
    saved = await anyio.to_thread.run_sync(owned_conversation, ctx, caller, conversation_id)
    folder = Path(tempfile.mkdtemp(prefix="conversation-"))
    path = await anyio.to_thread.run_sync(export_conversation, saved, "docx" if format == "docx" else "md", folder)
    return FileResponse(path, media_type=EXPORT_TYPES[format], filename=path.name,
                        background=BackgroundTask(shutil.rmtree, folder, True))


# ---------------------------------------------------------------- feedback (admin)
FEEDBACK_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                    "eval": "application/x-ndjson"}


def parse_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise APIError(400, "bad_date", field=field) from None


@router.get("/v1/feedback")
async def export_feedback(request: Request, format: str = "csv", since: str = "", until: str = "",
                          document: str = ""):
    """Everyone's feedback as CSV or JSONL, or the thumbs-down answers as an eval question file
    (``advisor eval answers --questions``); ``since``/``until`` (dates, UTC, both included), ``document``."""
    ctx = context(request)
    await ctx.auth.admin(request)
    if format not in FEEDBACK_FORMATS:
        raise APIError(400, "bad_format", formats=", ".join(FEEDBACK_FORMATS))
    filters = {"since": parse_day(since, "since"), "until": parse_day(until, "until"), "document": document or None}
    feedback = ctx.stores.feedback
    with tempfile.TemporaryDirectory(prefix="feedback-") as tmp:
        path = Path(tmp) / f"feedback.{format}"
        write = {"csv": feedback.export_csv, "jsonl": feedback.export_jsonl,
                 "eval": feedback.export_eval_questions}[format]
        await anyio.to_thread.run_sync(lambda: write(path, **filters))
        content = path.read_bytes()
    name = "feedback-questions.jsonl" if format == "eval" else path.name
    return Response(content, media_type=FEEDBACK_FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------- documents (the caller's; admins: all)
async def document_caller(ctx: WebContext, request: Request) -> Caller:
    """Who may use the document routes: any user's key (their own documents) or an admin. Without
    sign-in nobody is a user: only the server's ``api_token`` (an admin) may, as before."""
    caller = await ctx.auth.caller(request)
    return await ctx.auth.admin(request) if caller.via == "open" else caller


@router.get("/v1/documents")
async def list_documents(request: Request, client: str = ""):
    """The documents the caller may read: shared ones and their own (``?client=``: with that
    client's); an admin's list is every document with its owners."""
    ctx = context(request)
    caller = await document_caller(ctx, request)
    if caller.admin:
        docs = await anyio.to_thread.run_sync(ctx.documents.everything)
    else:
        docs = await anyio.to_thread.run_sync(
            lambda: ctx.documents.visible(caller.account, client_id_of(ctx, caller, client_in_text(client))))
    return {"documents": [d.to_json(for_admin=caller.admin) for d in docs]}


@router.post("/v1/documents")
async def upload_documents(request: Request):
    """Ingest the uploaded files: an admin's (without ``client``) are shared; anyone else's, or an
    upload with a ``client`` field (one of the caller's clients, by id or name), are the caller's own."""
    ctx = context(request)
    caller = await document_caller(ctx, request)  # before the body is read: an unauthenticated upload costs nothing
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
    client_id = await anyio.to_thread.run_sync(client_id_of, ctx, caller, client_in_text(form.get("client")))
    shared = caller.admin and client_id is None
    folder = "" if shared else owner_folder(caller.account.id, client_id)
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
                                              settings.max_upload_mb, folder))
            except UploadRejected as exc:
                raise APIError(400, "upload_refused", detail=str(exc)) from None
        results = await anyio.to_thread.run_sync(
            lambda: ctx.documents.add(caller.account, accepted, client_id, shared=shared))
    rows = [{"file": r.path.name, "status": r.status, "doc_id": r.doc_id, "chunks": r.chunks, "reason": r.reason,
             "warnings": r.warnings, "line": r.line()} for r in results]
    if all(r.status == "refused" for r in results):
        raise APIError(422, "all_refused", reasons="; ".join(r.line() for r in results))
    return {"results": rows, "shared": shared}


@router.delete("/v1/documents/{doc:path}")
async def delete_document(doc: str, request: Request):
    """An admin deletes any document; anyone else one of their own (another's is 404, as a missing one)."""
    ctx = context(request)
    caller = await document_caller(ctx, request)
    if caller.admin:
        removed = await anyio.to_thread.run_sync(ctx.documents.remove_any, doc)
    else:
        try:
            removed = await anyio.to_thread.run_sync(ctx.documents.remove_own, caller.account, doc)
        except DocumentError as exc:
            if exc.kind == "ambiguous":
                raise APIError(400, "bad_documents", detail=str(exc)) from None
            removed = []
    if not removed:
        raise APIError(404, "no_document", doc=doc)
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
