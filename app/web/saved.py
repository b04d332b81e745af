"""Saved conversations as the web app and the API use them: a turn recorded (the conversation made
at its first question), the follow-up history rebuilt from the stored turns, the chat messages
to show again, and the Markdown and Word exports. Storage does the rest (app/storage/)."""

from __future__ import annotations

import re
from pathlib import Path

from app.plan.export import markdown_to_docx
from app.storage.conversations import Conversations, SavedConversation, SavedTurn
from app.storage.errors import NotFound
from ingest.language import detect_language

EXPORT_TEXT = {
    "zh": {"questions": "{n} 个问题", "sources": "来源", "updated": "更新于", "page": "第{}页"},
    "en": {"questions": "{n} questions", "sources": "Sources", "updated": "updated", "page": "p. {}"},
}


def record_turn(conversations: Conversations, user_id: int, conversation_id: int | None, question: str,
                answer: dict, client_id: int | None = None, documents: list[str] | None = None) -> int:
    """Store one question and its answer JSON; a new conversation (titled from the question, under
    ``client_id`` when given) when ``conversation_id`` is None. ``documents``: the doc ids the
    question was limited to, the conversation's scope from now on (None: the scope stays).
    Returns the conversation's id."""
    if conversation_id is None:
        conversation_id = conversations.create(user_id, client_id=client_id).id
    conversations.add_turn(user_id, conversation_id, question, answer, documents)
    return conversation_id


def record_new_turn(conversations: Conversations, user_id: int, conversation_id: int | None, question: str,
                    answer: dict, client_id: int | None = None, documents: list[str] | None = None) -> int:
    """``record_turn``, starting a new conversation when the one named is gone (deleted meanwhile)."""
    try:
        return record_turn(conversations, user_id, conversation_id, question, answer, client_id, documents)
    except NotFound:
        if conversation_id is None:
            raise
        return record_turn(conversations, user_id, None, question, answer, client_id, documents)


def history_from_turns(turns: list[SavedTurn]) -> list[dict]:
    """The Conversation history the turns make (as ``Conversation.stream`` keeps it): follow-ups
    of a reopened conversation are rewritten with its context, and one pointing back at a document
    ("这份报告…") keeps the documents the last answer was limited to."""
    history = []
    for turn in turns:
        reply = {"role": "assistant", "content": str(turn.answer.get("answer", ""))}
        used = [d.get("doc_id") for d in turn.answer.get("documents") or [] if isinstance(d, dict) and d.get("doc_id")]
        if used:
            reply["documents"] = used
        history += [{"role": "user", "content": turn.question.strip()}, reply]
    return history


def citation_line(citation: dict, lang: str) -> str:
    where = [str(citation.get("section") or "")]
    if citation.get("page"):
        where.append(EXPORT_TEXT[lang]["page"].format(citation["page"]))
    detail = ", ".join(w for w in where if w)
    return f"[{citation.get('n')}] {citation.get('title') or citation.get('source') or ''}" + \
        (f" ({detail})" if detail else "")


def conversation_markdown(saved: SavedConversation) -> str:
    """The conversation as Markdown: its title, each question as a heading, the answer, its sources."""
    info = saved.info
    lang = detect_language(" ".join(t.question for t in saved.turns) or info.title)
    t = EXPORT_TEXT[lang]
    lines = [f"# {info.title or '—'}", "",
             f"*{t['questions'].format(n=len(saved.turns))} · {t['updated']} {info.updated_at:%Y-%m-%d %H:%M} UTC*", ""]
    for turn in saved.turns:
        lines += [f"## {turn.position}. {one_line(turn.question)}", "", str(turn.answer.get("answer", "")).strip(), ""]
        citations = [c for c in turn.answer.get("citations") or [] if isinstance(c, dict)]
        if citations:
            lines += [f"**{t['sources']}**", ""] + [f"- {citation_line(c, lang)}" for c in citations] + [""]
    return "\n".join(lines).rstrip() + "\n"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def export_conversation(saved: SavedConversation, kind: str, folder: Path) -> Path:
    """The conversation as ``conversation-<id>.md`` or ``.docx`` in ``folder``."""
    markdown = conversation_markdown(saved)
    path = folder / f"conversation-{saved.info.id}.{'docx' if kind == 'docx' else 'md'}"
    if kind == "docx":
        return markdown_to_docx(markdown, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown, encoding="utf-8")
    return path
