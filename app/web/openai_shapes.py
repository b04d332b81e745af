"""The OpenAI chat-completion objects the API sends: one reply, or a stream of chunks as
server-sent events. The advisor's checked answer (sources, evidence, citation checks) rides along
in an extra top-level field ``advisor``, which OpenAI clients keep but do not need."""

from __future__ import annotations

import json
import time
import uuid


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def completion(cid: str, model: str, answer_json: dict) -> dict:
    return {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer_json["answer"]},
                         "finish_reason": "stop"}],
            "advisor": answer_json}


def chunk(cid: str, model: str, delta: dict, finish_reason: str | None = None, advisor: dict | None = None) -> dict:
    body = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
    if advisor is not None:
        body["advisor"] = advisor
    return body


def sse(data: dict | str) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {text}\n\n".encode("utf-8")


def sse_comment(text: str) -> bytes:
    """A comment line: clients skip it; it keeps the connection busy while a request waits."""
    return f": {text}\n\n".encode("utf-8")


def model_list(name: str) -> dict:
    return {"object": "list", "data": [{"id": name, "object": "model", "created": 0,
                                        "owned_by": "transformation-advisor"}]}
