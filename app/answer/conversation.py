"""Follow-up questions: keep the recent turns of one conversation, turn a follow-up into a
standalone search query before retrieval, and give the answer prompt a short, trimmed window of
the history. One Conversation per chat session; sessions never share one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Literal, Sequence

from app.answer.advisor import Advisor
from app.answer.citations import MARKER
from app.answer.documents import THIS_DOCUMENT
from app.answer.policy import AnswerPolicy
from app.answer.profile import EnterpriseProfile
from app.answer.state import Event
from ingest.language import detect_language
from ingest.text import NUMBER, content_words, tokenize
from prompts import load_prompt, load_table

if TYPE_CHECKING:
    from app.settings import Settings

RewriteMode = Literal["llm", "rule", "off"]
DEFAULT_POLICY = AnswerPolicy()


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
    return MARKER.sub("", text)


QUESTION_SHAPE = re.compile(r"[?？]\s*$|^(?:what|which|who|when|where|why|how|is|are|do|does|did|can|could|should|will)\b|"
                            r"什么|哪|谁|几|多少|怎么|怎样|如何|是否|吗|呢|有没有|能否|可否", re.I)


# Words that point back ("其中数字化基础占多少分"): the rewrite replaces them with what they point at.
POINTER_WORD = re.compile(r"其中|其余|其他|它们?|这些?|那些?|该|此")


def rewrite_problem(rewritten: str, question: str, history_text: str, policy: AnswerPolicy = DEFAULT_POLICY) -> str:
    """Why a model-written rewrite cannot be used, or ''. It must be a question in the follow-up's
    language that adds no figure and (almost) no word absent from the history and the follow-up:
    a rewrite that answers or invents steers retrieval away."""
    if not rewritten:
        return "empty"
    if detect_language(rewritten) != detect_language(question):
        return "another language"
    if not QUESTION_SHAPE.search(rewritten):
        return "not a question"
    allowed = f"{history_text}\n{question}".lower()
    new_numbers = [n for n in NUMBER.findall(rewritten) if n not in allowed]
    if new_numbers:
        return "adds figures: " + ", ".join(new_numbers)
    new_words = [w for w in tokenize(rewritten) if len(w) > 1 and w not in allowed]
    if len(set(new_words)) > policy.rewrite_max_new_words:
        return "adds words: " + ", ".join(sorted(set(new_words))[:6])
    # "And of small and micro firms?" rewritten as a question about large firms lost what it asks
    dropped = sorted(w for w in content_words(question) if len(w) > 1 and not POINTER_WORD.fullmatch(w)
                     and w.lower() not in rewritten.lower())
    if dropped:
        return "drops the follow-up's words: " + ", ".join(dropped[:6])
    return ""


# A Chinese follow-up that points back at a document ("它对中小企业有什么要求？") …
DOCUMENT_PRONOUN = re.compile(r"它们?|该(?:文件|指南|政策|通知|方案|标准)|这(?:个|份|项|部)(?:文件|指南|政策|通知|方案|标准)")
TITLE = re.compile(r"《[^》]{2,40}》")


def resolve_document(question: str, previous_questions: list[str]) -> str | None:
    """… is about the one document the previous question named: the pronoun becomes its title
    (no model involved: the 1.5B model's rewrite once named another document). None when the
    follow-up names a document itself, points at none, or the previous question named none or several."""
    if TITLE.search(question) or not DOCUMENT_PRONOUN.search(question) or not previous_questions:
        return None
    titles = list(dict.fromkeys(TITLE.findall(previous_questions[-1])))
    if len(titles) != 1:
        return None
    return DOCUMENT_PRONOUN.sub(titles[0], question, count=1)


def points_back(question: str) -> bool:
    """The question points at a document without naming it ("它", "这份报告", "this report"; not the
    它 of 其它, "other")."""
    return bool(DOCUMENT_PRONOUN.search(question.replace("其它", "其他")) or THIS_DOCUMENT.search(question))


def rule_rewrite(question: str, previous_questions: list[str]) -> str:
    """The follow-up with the subject carried over: the previous question, then the follow-up."""
    return f"{previous_questions[-1].strip()} {question.strip()}"


def format_history(turns: list[dict], lang: str, char_budget: int) -> str:
    """The most recent turns that fit ``char_budget`` characters, oldest first; long answers are
    cut, so a long conversation is trimmed, never an error."""
    notes = load_table("answer_notes", lang)
    label = {"user": notes["user_label"], "assistant": notes["assistant_label"]}
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
    last_rewrite_problem: str = ""

    @classmethod
    def from_settings(cls, advisor: Advisor, settings: Settings, history: Iterable[dict] = (),
                      rewrite_mode: RewriteMode | None = None) -> Conversation:
        """A conversation as the settings size it (``history_turns``, ``history_char_budget``,
        ``rewrite_mode``), with a copy of ``history`` preloaded; ``rewrite_mode`` overrides the setting."""
        return cls(advisor, settings.history_turns, settings.history_char_budget, history=list(history),
                   rewrite_mode=rewrite_mode or settings.rewrite_mode)

    def recent(self) -> list[dict]:
        return self.history[-2 * self.max_turns:]

    def standalone_query(self, question: str) -> str:
        """The question as a standalone search query; a first question is never rewritten."""
        question = question.strip()
        user_turns = [t["content"] for t in self.history if t["role"] == "user"]
        if not user_turns or self.rewrite_mode == "off":
            return question
        resolved = resolve_document(question, user_turns)
        if resolved:
            return resolved
        if self.rewrite_mode == "rule":
            return rule_rewrite(question, user_turns)
        lang = detect_language(question)
        history = format_history(self.recent(), lang, self.char_budget)
        prompt = load_prompt("rewrite", lang).text.format(history=history, question=question)
        pieces = self.advisor.generator.stream([{"role": "user", "content": prompt}], self.advisor.policy.rewrite_max_tokens)
        lines = "".join(pieces).strip().splitlines()
        rewritten = lines[0].strip().strip("\"“”'") if lines else ""
        for prefix in ("改写后的问题：", "改写后的问题:", "Rewritten question:"):
            rewritten = rewritten.removeprefix(prefix).strip()
        self.last_rewrite_problem = rewrite_problem(rewritten, question, "\n".join(t["content"] for t in self.history),
                                                    self.advisor.policy)
        if self.last_rewrite_problem or len(rewritten) > 4 * len(question) + 80:
            return rule_rewrite(question, user_turns)
        return rewritten

    def previous_documents(self) -> list[str]:
        """The doc ids the last answer was limited to (none: it was not)."""
        last = next((t for t in reversed(self.history) if t["role"] == "assistant"), None)
        return list(last.get("documents") or []) if last else []

    def stream(self, question: str, profile: EnterpriseProfile | None = None,
               documents: Sequence[str] | None = None) -> Iterator[Event]:
        """``documents``: names or ids to answer from; without them, a follow-up that points back at
        a document ("它", "这份报告") keeps the documents the last answer was limited to, and any
        other question is limited to the documents it names (``Advisor.stream``)."""
        lang = detect_language(question)
        if not documents and points_back(question):
            documents = self.previous_documents() or None
        query = self.standalone_query(question)
        history = format_history(self.recent(), lang, self.char_budget) if self.history else ""
        if history:
            history = load_table("answer_notes", lang)["history_heading"] + "\n" + history
        known = "\n".join(t["content"] for t in self.history if t["role"] == "user")
        for event in self.advisor.stream(question, profile, history=history, search_query=query, known_text=known,
                                         documents=documents):
            if event.kind == "done":
                reply = {"role": "assistant", "content": event.answer.answer}
                if event.answer.documents:  # a follow-up pointing back keeps them
                    reply["documents"] = [d["doc_id"] for d in event.answer.documents]
                self.history += [{"role": "user", "content": question.strip()}, reply]
            yield event
