"""Follow-up questions: keep the recent turns of one conversation, turn a follow-up into a
standalone search query before retrieval, and give the answer prompt a short, trimmed window of
the history. One Conversation per chat session; sessions never share one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Literal

from app.advisor import Advisor, Event
from app.profile import EnterpriseProfile
from ingest.language import detect_language
from prompts import load_prompt

RewriteMode = Literal["llm", "rule", "off"]
REWRITE_MAX_TOKENS = 64


def parse_history(data) -> list[dict]:
    """History from JSON: a list of {"role", "content"} messages, or a list of earlier user
    questions (strings)."""
    if not isinstance(data, list):
        raise ValueError("history must be a JSON list of messages or of earlier questions")
    turns = []
    for item in data:
        if isinstance(item, str):
            turns.append({"role": "user", "content": item})
        elif isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("content"), str):
            turns.append({"role": item["role"], "content": item["content"]})
        else:
            raise ValueError("each history item must be a string or {\"role\": \"user\"|\"assistant\", \"content\": …}")
    return turns


def strip_citations(text: str) -> str:
    return re.sub(r"\[\d+(?:[,，]\s*\d+)*\]", "", text)


def format_history(turns: list[dict], lang: str, char_budget: int) -> str:
    """The most recent turns that fit ``char_budget`` characters, oldest first; long answers are
    cut, so a long conversation is trimmed, never an error."""
    label = {"zh": {"user": "用户", "assistant": "顾问"}, "en": {"user": "User", "assistant": "Adviser"}}[lang]
    lines: list[str] = []
    used = 0
    for turn in reversed(turns):
        content = " ".join(strip_citations(turn["content"]).split())
        room = char_budget - used
        if room < 20:
            break
        if len(content) > room:
            content = content[: room - 1] + "…"
        lines.append(f"{label[turn['role']]}：{content}" if lang == "zh" else f"{label[turn['role']]}: {content}")
        used += len(content)
    return "\n".join(reversed(lines))


@dataclass
class Conversation:
    advisor: Advisor
    max_turns: int = 3  # question-answer pairs kept for prompts
    char_budget: int = 600
    history: list[dict] = field(default_factory=list)
    rewrite_mode: RewriteMode = "llm"

    def recent(self) -> list[dict]:
        return self.history[-2 * self.max_turns:]

    def standalone_query(self, question: str) -> str:
        """The question as a standalone search query; a first question is never rewritten."""
        question = question.strip()
        user_turns = [t["content"] for t in self.history if t["role"] == "user"]
        if not user_turns or self.rewrite_mode == "off":
            return question
        if self.rewrite_mode == "rule":
            return f"{user_turns[-1].strip()} {question}"
        lang = detect_language(question)
        prompt = load_prompt("rewrite", lang).text.format(
            history=format_history(self.recent(), lang, self.char_budget), question=question)
        pieces = self.advisor.generator.stream([{"role": "user", "content": prompt}], REWRITE_MAX_TOKENS)
        rewritten = "".join(pieces).strip().splitlines()
        rewritten = rewritten[0].strip().strip("\"“”'") if rewritten else ""
        for prefix in ("改写后的问题：", "改写后的问题:", "Rewritten question:"):
            rewritten = rewritten.removeprefix(prefix).strip()
        # A rewrite in another language or an answer instead of a question is worse than none.
        if not rewritten or detect_language(rewritten) != lang or len(rewritten) > 4 * len(question) + 80:
            return f"{user_turns[-1].strip()} {question}"
        return rewritten

    def stream(self, question: str, profile: EnterpriseProfile | None = None) -> Iterator[Event]:
        lang = detect_language(question)
        query = self.standalone_query(question)
        history = format_history(self.recent(), lang, self.char_budget) if self.history else ""
        if history:
            history = ("此前的对话：\n" if lang == "zh" else "Earlier in this conversation:\n") + history
        for event in self.advisor.stream(question, profile, history=history, search_query=query):
            if event.kind == "done":
                self.history += [{"role": "user", "content": question.strip()},
                                 {"role": "assistant", "content": event.answer.answer}]
            yield event
