"""The advisor: question -> sources -> prompt -> streamed generation -> citation check -> answer.

``stream`` yields events so every front end shows the sources as soon as retrieval ends and the
answer as it is generated; ``ask`` returns the finished answer in the stable JSON shape that the
evaluation tools read (see README, "JSON answer")."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Iterator, Literal

from app.citations import cited_numbers, verify_citations
from app.figures import drop_invented_figures
from app.generation.base import Generator
from app.profile import EnterpriseProfile
from ingest.language import detect_language
from prompts import format_source, is_refusal, load_prompt, refusal_phrase, render_answer
from retrieval.hybrid import HybridRetriever, Retrieval, Source

SNIPPET_CHARS = 160


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    page: int | None
    section: str
    snippet: str
    doc_type: str = ""
    issuer: str = ""
    date: str = ""
    reliability: str = ""


@dataclass
class Context:
    n: int
    doc_id: str
    chunk_id: str
    title: str
    text: str
    score: float
    dense: float | None
    lexical: float | None
    page: int | None
    section: str


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation]
    contexts: list[Context]
    refused: bool
    timings: dict[str, float]
    language: str
    search_query: str = ""
    profile: dict | None = None
    citation_checks: list[dict] = field(default_factory=list)
    removed_figures: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    kind: Literal["sources", "token", "done"]
    retrieval: Retrieval | None = None
    contexts: list[Context] | None = None
    text: str = ""
    answer: Answer | None = None
    search_query: str = ""


def reliability_of(metadata: dict) -> str:
    """The reliability tags of a starter document's sources, e.g. 'NEWS, SEED'."""
    import json

    try:
        sources = json.loads(metadata.get("sources_json", "[]"))
    except ValueError:
        return ""
    tags = []
    for s in sources if isinstance(sources, list) else []:
        tag = str(s.get("reliability", "")) if isinstance(s, dict) else ""
        if tag and tag not in tags:
            tags.append(tag)
    return ", ".join(tags)


def to_context(n: int, s: Source) -> Context:
    m = s.metadata
    return Context(n, s.doc_id, s.chunk_id, m.get("title", ""), s.text, round(s.score, 6),
                   None if s.dense is None else round(s.dense, 4), None if s.lexical is None else round(s.lexical, 4),
                   m.get("page"), m.get("section", ""))


def to_citation(n: int, s: Source) -> Citation:
    m = s.metadata
    snippet = s.text if len(s.text) <= SNIPPET_CHARS else s.text[:SNIPPET_CHARS].rstrip() + "…"
    return Citation(n, s.doc_id, m.get("title", ""), m.get("source", ""), m.get("page"), m.get("section", ""), snippet,
                    m.get("doc_type", ""), m.get("issuer", ""), str(m.get("date", "")), reliability_of(m))


class Advisor:
    def __init__(self, retriever: HybridRetriever, generator: Generator, max_new_tokens: int = 480,
                 system_language: str = "zh"):
        self.retriever = retriever
        self.generator = generator
        self.max_new_tokens = max_new_tokens
        self.system_prompt = load_prompt("system", system_language).text

    def warm_up(self) -> None:
        """Load both models and cache the system prompt, so the first user does not wait for them."""
        self.retriever.embed_query("warm up")
        self.generator.warm_up(self.system_prompt)

    def stream(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
               search_query: str | None = None) -> Iterator[Event]:
        """Events: one ``sources`` (retrieval done), ``token``s, one ``done`` with the checked answer.
        ``search_query`` is what retrieval searches for when it differs from the question (a
        follow-up rewritten into a standalone question); ``history`` is the formatted recent turns."""
        start = time.perf_counter()
        question = question.strip()
        lang = detect_language(question)
        query = (search_query or question).strip()
        # A follow-up rewritten into a standalone question is also what the model answers: the
        # small model does not reliably resolve "其中…" against the history on its own.
        prompt_question = query if search_query else question
        if profile and profile.search_hint(lang) not in query:
            query = f"{profile.search_hint(lang)} {query}"
        retrieval = self.retriever.search(query, tier=profile.tier if profile else None)
        retrieve_ms = (time.perf_counter() - start) * 1000
        contexts = [to_context(i, s) for i, s in enumerate(retrieval.sources, start=1)]
        yield Event("sources", retrieval=retrieval, contexts=contexts, search_query=query)

        first_token_ms = None
        if not retrieval.covered:
            text = refusal_phrase(lang)
            first_token_ms = (time.perf_counter() - start) * 1000
            yield Event("token", text=text)
        else:
            user = render_answer(lang, prompt_question, [(s.text, s.metadata) for s in retrieval.sources],
                                 profile=profile.describe(lang) if profile else "", history=history)
            messages = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": user}]
            pieces = []
            for piece in self.generator.stream(messages, self.max_new_tokens):
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - start) * 1000
                pieces.append(piece)
                yield Event("token", text=piece)
            text = "".join(pieces).strip()
        total_ms = (time.perf_counter() - start) * 1000

        source_texts = [s.text for s in retrieval.sources]
        fixed, checks = verify_citations(text, source_texts)
        # The model saw each source's title and section too: figures there are not invented.
        shown = [format_source(i, s.text, s.metadata) for i, s in enumerate(retrieval.sources, start=1)]
        fixed, invented = drop_invented_figures(fixed, shown, f"{question}\n{prompt_question}\n{history}")
        if invented:
            if not cited_numbers(fixed):  # nothing grounded left
                fixed = refusal_phrase(lang)
            fixed += "\n\n" + load_prompt("figure_notice", lang).text.format(figures=", ".join(invented))
        cited = [n for n in cited_numbers(fixed) if 1 <= n <= len(retrieval.sources)]
        answer = Answer(
            question=question, answer=fixed,
            citations=[to_citation(n, retrieval.sources[n - 1]) for n in cited],
            contexts=contexts, refused=(not retrieval.covered) or is_refusal(fixed),
            timings={"retrieve_ms": round(retrieve_ms, 1), "generate_ms": round(total_ms - retrieve_ms, 1),
                     "first_token_ms": round(first_token_ms or total_ms, 1), "total_ms": round(total_ms, 1)},
            language=lang, search_query=query,
            profile=profile.to_json() if profile else None,
            citation_checks=[asdict(c) for c in checks], removed_figures=invented)
        yield Event("done", answer=answer)

    def ask(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
            search_query: str | None = None) -> Answer:
        for event in self.stream(question, profile, history, search_query):
            if event.kind == "done":
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")
