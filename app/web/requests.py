"""Request bodies of the API, checked field by field so that a bad request gets one sentence that
names the field, never a validation dump: the OpenAI chat format, the advisor's own /v1/ask, and
/v1/plans (checked by the plan's own rules, app/plan/service.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.answer.conversation import parse_history
from app.answer.profile import EnterpriseProfile
from app.plan.service import PlanInputError, PlanRequest, plan_request
from app.selfcheck.answers import SelfCheckError, parse_answers
from app.web.errors import APIError

MAX_QUESTION_CHARS = 4000
MAX_DOCUMENTS = 50  # names in one request's ``documents``
CHAT_ROLES = {"system", "developer", "user", "assistant"}  # system/developer: the advisor has its own
PLAN_FIELDS = ("goal", "profile", "lang", "selfcheck", "client")


@dataclass
class AskRequest:
    question: str
    history: list[dict]
    profile: EnterpriseProfile | None
    model: str = ""
    stream: bool = False
    store: bool = False  # record the turn under the caller (``"store": true``)
    conversation_id: int | None = None  # the stored conversation it continues (implies store)
    documents: list[str] | None = None  # names or ids to answer from (empty: all; None: not given)
    client: int | str | None = None  # the caller's client workspace (its id or name): its documents too


def parse_json(raw: bytes) -> dict:
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise APIError(400, "bad_json", detail=str(exc).split(":")[0]) from None
    if not isinstance(body, dict):
        raise APIError(400, "not_object")
    return body


def message_text(content, i: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and p.get("type") == "text"
                                         and isinstance(p.get("text"), str) for p in content):
        return "".join(p["text"] for p in content)
    raise APIError(400, "bad_message", i=i)


def parse_profile(data) -> EnterpriseProfile | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise APIError(400, "bad_profile", detail="must be an object like {\"tier\": \"sme\", \"industry\": …}")
    known = {"tier", "industry", "headcount", "digital_level", "pain_points"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise APIError(400, "bad_profile", detail=f"unknown field {unknown[0]!r}; known: {', '.join(sorted(known))}")
    try:
        return EnterpriseProfile(tier=data.get("tier"), industry=str(data.get("industry") or ""),
                                 headcount=None if data.get("headcount") is None else int(data["headcount"]),
                                 digital_level=int(data.get("digital_level") or 0),
                                 pain_points=str(data.get("pain_points") or ""))
    except (TypeError, ValueError) as exc:
        raise APIError(400, "bad_profile", detail=str(exc)) from None


def checked_question(text: str) -> str:
    question = text.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise APIError(400, "question_too_long", n=len(question), limit=MAX_QUESTION_CHARS)
    return question


def parse_documents(body: dict, req: AskRequest) -> AskRequest:
    """``documents``: names or ids of the documents to answer from (resolved by the API route)."""
    documents = body.get("documents")
    if documents is None:
        return req
    if (not isinstance(documents, list) or len(documents) > MAX_DOCUMENTS
            or not all(isinstance(d, str) and d.strip() for d in documents)):
        raise APIError(400, "bad_field", field="documents",
                       kind=f"a list of at most {MAX_DOCUMENTS} document names or ids (strings)")
    req.documents = [d.strip() for d in documents]
    return req


def client_field(value) -> int | str | None:
    """``client``: one of the caller's client workspaces, by id or name (looked up by the API route)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (isinstance(value, str) and not value.strip()):
        raise APIError(400, "bad_field", field="client", kind="one of your clients' id (a whole number) or name")
    return value.strip() if isinstance(value, str) else value


def parse_client(body: dict, req: AskRequest) -> AskRequest:
    req.client = client_field(body.get("client"))
    return req


def parse_storing(body: dict, req: AskRequest) -> AskRequest:
    """``store`` (true/false) and ``conversation_id`` (a stored conversation's id, which it continues)."""
    store = body.get("store", False)
    if not isinstance(store, bool):
        raise APIError(400, "bad_field", field="store", kind="true or false")
    conversation_id = body.get("conversation_id")
    if conversation_id is not None and (not isinstance(conversation_id, int) or isinstance(conversation_id, bool)):
        raise APIError(400, "bad_field", field="conversation_id", kind="a conversation's id (a whole number)")
    req.store = store or conversation_id is not None
    req.conversation_id = conversation_id
    return req


def parse_chat(body: dict) -> AskRequest:
    """OpenAI ``/v1/chat/completions``: the last user message is the question, the user and
    assistant messages before it are the conversation."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise APIError(400, "no_messages")
    turns = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise APIError(400, "bad_message", i=i)
        if message["role"] not in CHAT_ROLES:
            raise APIError(400, "unknown_role", i=i, role=message["role"])
        text = message_text(message.get("content"), i)
        if message["role"] in ("user", "assistant"):
            turns.append({"role": message["role"], "content": text})
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise APIError(400, "no_user_message")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise APIError(400, "bad_field", field="stream", kind="true or false")
    model = body.get("model", "")
    if not isinstance(model, str):
        raise APIError(400, "bad_field", field="model", kind="a string")
    req = AskRequest(checked_question(turns[-1]["content"]), parse_history(turns[:-1]),
                     parse_profile(body.get("profile")), model, stream)
    return parse_client(body, parse_documents(body, parse_storing(body, req)))


def parse_ask(body: dict) -> AskRequest:
    """``/v1/ask``: ``{question, history?, profile?, documents?, client?}``; history as ``advisor ask --history``
    takes it."""
    question = body.get("question")
    if not isinstance(question, str) or not question.strip():
        raise APIError(400, "no_question")
    try:
        history = parse_history(body.get("history") or [])
    except ValueError as exc:
        raise APIError(400, "bad_history", detail=str(exc)) from None
    req = AskRequest(checked_question(question), history, parse_profile(body.get("profile")))
    return parse_client(body, parse_documents(body, parse_storing(body, req)))


def parse_plan(body: dict, knowledge_dir: Path) -> PlanRequest:
    """``/v1/plans``: ``{goal, profile?, lang?, selfcheck?, client?}``; ``selfcheck`` holds the answers
    as the self-check's YAML file does (``client`` is the route's, ``client_field``). Input that is
    JSON but cannot make a plan is 422, every problem of the plan's fields in one message."""
    unknown = [key for key in body if key not in PLAN_FIELDS]
    if unknown:
        raise APIError(422, "bad_plan", detail=f"unknown field {unknown[0]!r}; known: {', '.join(PLAN_FIELDS)}")
    answers = None
    if body.get("selfcheck") is not None:
        try:
            answers = parse_answers(body["selfcheck"], knowledge_dir)
        except SelfCheckError as exc:
            raise APIError(422, "bad_selfcheck", detail="; ".join(exc.problems)) from None
    try:
        return plan_request(body.get("goal"), body.get("profile"), body.get("lang"), answers, knowledge_dir)
    except PlanInputError as exc:
        raise APIError(422, "bad_plan", detail="; ".join(exc.problems)) from None
