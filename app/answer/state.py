"""What the answer pipeline passes from step to step (``AnswerState``), what it takes in
(``Request``), what it gives out (``Event`` while it runs, ``Answer`` at the end) and what the
steps use to do their work (``Tools``)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Literal

import numpy as np

from app.answer.documents import Document
from app.answer.profile import EnterpriseProfile
from app.answer.source_kinds import source_kinds, source_label
from retrieval.evidence import EvidenceUnit
from retrieval.hybrid import HybridRetriever, Retrieval, Source

if TYPE_CHECKING:
    from app.answer.composition import BodyUnit
    from app.answer.parts import QuestionPart
    from app.answer.policy import AnswerPolicy
    from app.answer.stream import SentenceStream
    from app.generation.base import Generator


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
    reliability: str = ""  # the human label of its sources' kinds, e.g. "官方文件、新闻报道"
    source_kinds: list[str] = field(default_factory=list)
    ocr_confidence: float | None = None  # set when the cited text was read from a scan by OCR
    about: str = ""  # the document's provenance and disclaimer (front matter ``about``), for the source card


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
class Evidence:
    n: int  # the source it is quoted from (contexts[n-1])
    text: str
    score: float


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
    evidence: list[Evidence] = field(default_factory=list)
    verification: list[dict] = field(default_factory=list)  # one decision per generated sentence
    fact_gaps: list[str] = field(default_factory=list)  # kinds asked for that no evidence holds
    extractive: bool = False  # the answer quotes evidence because the model's did not hold
    quoted: list[Evidence] = field(default_factory=list)  # evidence the model left out, quoted after its answer
    profile_assumed: bool = False  # inferred from the question, not set by the user
    out_of_scope: bool = False
    refusal_reason: str | None = None  # why it is a refusal (README, "Refusal reasons"); None for an answer
    documents: list[dict] = field(default_factory=list)  # {doc_id, title} it was limited to; empty: all
    document_choices: list[dict] = field(default_factory=list)  # the documents it asks the user to choose from
    trace: list[dict] = field(default_factory=list)  # each step's decision, in order

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    # "body": the answer's body (the source sentences that answer each ask, as ``text``), shown at
    # once, before the model's lead is written above it; the same lines then come as tokens
    kind: Literal["sources", "evidence", "body", "token", "done"]
    retrieval: Retrieval | None = None
    contexts: list[Context] | None = None
    sources: list[Source] | None = None  # the numbered sources: contexts[i] is sources[i]
    evidence: list[dict] | None = None
    text: str = ""
    answer: Answer | None = None
    search_query: str = ""


@dataclass
class Request:
    """One grounded answer to produce. Chat questions build it in ``Advisor.stream``; plan
    sections and self-check advice build their own (another prompt, another search query) and
    run their own list of steps (``app.answer.pipeline``)."""
    question: str  # the user's words: language and the kind of fact asked for come from here
    search_query: str  # what retrieval searches for
    prompt_question: str = ""  # what the model is asked (default: question)
    profile: EnterpriseProfile | None = None
    profile_assumed: bool = False
    history: str = ""
    known_text: str = ""  # the user's facts (profile, earlier turns): figures there are not invented
    premise: str = ""  # the user's question: a sentence may not merely repeat its claims (app.answer.premises)
    prompt: Callable[[list[str], str], str] | None = None  # (source blocks, gap line) -> user message
    max_tokens: int | None = None
    lang: str = ""
    documents: tuple[Document, ...] = ()  # search only these (empty: every document)
    document_choices: tuple[Document, ...] = ()  # the question's name fits these: ask which, answer nothing
    document_name: str = ""  # how the question named them ("《…》", "这份报告")
    readable: tuple[str, ...] | None = None  # the documents its reader may read (None: every one; app.answer.readers)
    # the documents its reader may read, when the question names none: it may describe one by its
    # title's words (app.answer.steps.documents.scope_described)
    describable: tuple[Document, ...] = ()
    # what the document this answer goes into already says (the sections before it in a plan draft):
    # no source sentence of it is shown again, nor a lead sentence that lies inside one of it
    shown_before: tuple[str, ...] = ()

    @property
    def doc_ids(self) -> list[str]:
        """What the search is limited to (empty: every document): the documents chosen, which are
        the reader's already, else those the reader may read."""
        if self.documents:
            return [d.doc_id for d in self.documents]
        return list(self.readable or ())

    @property
    def asked(self) -> str:
        """What the model is asked to answer."""
        return self.prompt_question or self.question


@dataclass
class Tools:
    """What the steps work with: the models, the index and the thresholds."""
    retriever: HybridRetriever
    generator: Generator
    embed_passages: Callable[[list[str]], np.ndarray] | None
    system_prompt: str
    policy: AnswerPolicy  # its evidence budget sized to this machine at warm-up


@dataclass
class AnswerState:
    """Everything the steps have found and decided so far. Each step reads what earlier steps
    recorded and records its own outcome in ``trace``; the ``decide`` step alone turns the
    outcomes into a refusal or not."""
    request: Request
    lang: str
    start: float = field(default_factory=time.perf_counter)
    retrieval: Retrieval | None = None
    sources: list[Source] = field(default_factory=list)  # numbered: [n] is sources[n-1]
    units: list[EvidenceUnit] = field(default_factory=list)  # evidence sentences, best first
    contexts: list[Context] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    retrieve_ms: float = 0.0
    asked_kinds: list[str] = field(default_factory=list)  # kinds of fact the question asks for
    asks: list[QuestionPart] = field(default_factory=list)  # the question's asks (app.answer.parts)
    premise_notes: list[str] = field(default_factory=list)  # what the question assumes that the sources contradict
    search_also: list[str] = field(default_factory=list)  # the question in the language of untranslated documents
    not_given: list[int] = field(default_factory=list)  # asks no evidence answers (indices into asks)
    body: list[BodyUnit] = field(default_factory=list)  # the evidence that answers them, shown after the lead
    covered: bool = True  # the sources speak of what is asked
    gaps: list[str] = field(default_factory=list)  # kinds asked for that the evidence does not hold
    missing_years: list[str] = field(default_factory=list)  # years a figure is asked for that no source mentions
    stream: SentenceStream | None = None  # the model's verified sentences
    quoted: list[EvidenceUnit] = field(default_factory=list)  # evidence quoted after the model's sentences
    extract: list[EvidenceUnit] = field(default_factory=list)  # evidence quoted instead of them
    extractive: bool = False
    out_of_scope: bool = False
    refused: bool = False
    refusal_reason: str | None = None
    parts: list[str] = field(default_factory=list)  # everything the user sees, in order
    first_token_ms: float | None = None  # the first text of the answer itself
    first_words_ms: float | None = None  # the first words of the answer on screen (the body shown early, or text)
    trace: list[dict] = field(default_factory=list)
    finished: bool = False  # a step has given the whole answer: the steps after it do not run

    @property
    def profile(self) -> EnterpriseProfile | None:
        return self.request.profile

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def kept(self) -> int:
        """Model sentences that passed verification."""
        return self.stream.kept if self.stream else 0

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.start) * 1000

    def say(self, text: str) -> Iterator[Event]:
        """Show text to the user (already verified or the sources' own words)."""
        if text:
            if self.first_token_ms is None:
                self.first_token_ms = self.elapsed_ms()
            self.first_words_ms = self.first_words_ms or self.first_token_ms
            self.parts.append(text)
            yield Event("token", text=text)

    def preview(self, text: str) -> Iterator[Event]:
        """Show the body before the lead above it is written (the sources' own words)."""
        if text:
            self.first_words_ms = self.first_words_ms or self.elapsed_ms()
            yield Event("body", text=text)

    def record(self, step: str, decision: str, **detail) -> None:
        self.trace.append({"step": step, "decision": decision, **detail})


def to_context(n: int, s: Source) -> Context:
    m = s.metadata
    return Context(n, s.doc_id, s.chunk_id, m.get("title", ""), s.text, round(s.score, 6),
                   None if s.dense is None else round(s.dense, 4), None if s.lexical is None else round(s.lexical, 4),
                   m.get("page"), m.get("section", ""))


def to_citation(n: int, s: Source, lang: str = "zh", snippet_chars: int = 160) -> Citation:
    m = s.metadata
    snippet = s.text if len(s.text) <= snippet_chars else s.text[:snippet_chars].rstrip() + "…"
    return Citation(n, s.doc_id, m.get("title", ""), m.get("source", ""), m.get("page"), m.get("section", ""), snippet,
                    m.get("doc_type", ""), m.get("issuer", ""), str(m.get("date", "")), source_label(m, lang),
                    source_kinds(m), m.get("ocr_confidence") if m.get("ocr") else None, str(m.get("about") or ""))


def to_evidence(units: list[EvidenceUnit]) -> list[Evidence]:
    return [Evidence(u.source_index + 1, u.text, round(u.score, 4)) for u in units]
