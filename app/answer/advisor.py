"""The advisor: one object that answers, for everything that answers (chat, plan drafts, the HTTP
API, self-check advice). It holds the models and the policy and runs the answer pipeline
(``app.answer.pipeline``) for a request.

Facts come from the sources and the model only phrases them:
- the key source sentences are chosen first and shown at once (``evidence``), before the model's
  first token; the model sees those sentences, not whole chunks, sized to the machine's measured
  prompt speed (``calibrate``);
- a question that asks for a kind of fact the evidence does not hold gets a plain "the sources
  give none" and where to verify, whatever the model says;
- every generated sentence is verified against the source it cites before the user sees it;
- when the model refuses although the evidence answers, or nothing survives, the answer quotes the
  best evidence sentences, cited and labelled as quotes.

``stream`` yields events; ``ask`` returns the finished answer in the stable JSON shape (README,
"JSON answer")."""

from __future__ import annotations

import contextlib
import copy
import logging
import time
from dataclasses import replace
from typing import Callable, Iterator, Sequence

import numpy as np

from app.answer import pipeline
from app.answer.documents import Document, Library, Named
from app.answer.policy import AnswerPolicy
from app.answer.profile import EnterpriseProfile
from app.answer.profile_inference import infer_profile
from app.answer.readers import Reader, search_filter
from app.answer.state import Answer, AnswerState, Event, Request, Tools
from app.generation.base import Generator
from ingest.language import detect_language, estimate_tokens
from prompts import load_prompt
from retrieval.hybrid import HybridRetriever
from retrieval.query_expansion import expand_query

log = logging.getLogger(__name__)


class Advisor:
    def __init__(self, retriever: HybridRetriever, generator: Generator, max_new_tokens: int = 480,
                 system_language: str = "zh", embed_passages: Callable[[list[str]], np.ndarray] | None = None,
                 first_token_target_s: float = 8.0, evidence_token_budget: int = 600, min_evidence: int = 2,
                 policy: AnswerPolicy | None = None, library: Library | None = None):
        """``library``: the index's documents, for questions limited to some of them (default: the
        retriever's store's, without a starter folder to tell legacy documents by)."""
        self.retriever = retriever
        store = getattr(retriever, "store", None)
        self.library = library if library is not None else (Library(store) if store is not None else None)
        self.generator = generator
        self.policy = policy or AnswerPolicy(max_new_tokens=max_new_tokens, first_token_target_s=first_token_target_s,
                                             evidence_tokens=evidence_token_budget, min_evidence=min_evidence)
        self.system_prompt = load_prompt("system", system_language).text
        self.embed_passages = embed_passages
        self.evidence_tokens = self.policy.evidence_tokens  # until warm_up measures the machine
        self.prompt_tokens_per_s: float | None = None
        self.reader: Reader | None = None  # None: the operator's advisor (CLI, evaluation): every document

    def for_reader(self, reader: Reader) -> "Advisor":
        """This advisor answering for one reader: the same models and policy; the documents named,
        resolved and searched are only those the reader may read (``app.answer.readers``)."""
        view = copy.copy(self)
        view.reader = reader
        if self.library is not None:
            view.library = self.library.visible_to(reader.can_read)
        return view

    @property
    def tools(self) -> Tools:
        return Tools(self.retriever, self.generator, self.embed_passages, self.system_prompt,
                     replace(self.policy, evidence_tokens=self.evidence_tokens))

    # --- start-up -------------------------------------------------------------------------------
    def warm_up(self, calibrate: bool = True) -> None:
        """Load both models, cache the system prompt, and size the evidence to this machine (not
        for evaluations, which keep the configured budget so results do not depend on the load)."""
        self.retriever.embed_query("warm up")
        self.generator.warm_up(self.system_prompt)
        if calibrate:
            self.calibrate()

    def calibrate(self) -> None:
        """Measure prompt processing (tokens/s) on a prompt as long as a typical one, and size the
        evidence so the first token comes within the policy's ``first_token_target_s``."""
        p = self.policy
        sample = load_prompt("answer", "zh").text[:400] * 3
        tokens = estimate_tokens(sample)
        start = time.perf_counter()
        messages = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": sample}]
        with contextlib.closing(iter(self.generator.stream(messages, 1))) as pieces:
            for _ in pieces:
                break
        elapsed = max(time.perf_counter() - start, 1e-3)
        self.prompt_tokens_per_s = tokens / elapsed
        room = int(self.prompt_tokens_per_s * p.first_token_target_s / p.token_safety) - p.prompt_overhead_tokens
        self.evidence_tokens = max(p.min_evidence_tokens, min(p.evidence_tokens, room))
        log.info("prompt processing %.1f tokens/s: evidence budget %d tokens (target %.1f s to the first token)",
                 self.prompt_tokens_per_s, self.evidence_tokens, p.first_token_target_s)

    # --- answering ---------------------------------------------------------------------------------
    def stream(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
               search_query: str | None = None, known_text: str = "",
               steps: tuple[pipeline.Step, ...] = pipeline.CHAT,
               documents: Sequence[str] | None = None) -> Iterator[Event]:
        """Answer a chat question. ``search_query`` is a follow-up rewritten into a standalone
        question (it is also what the model answers); ``history`` the formatted recent turns;
        ``steps`` another list of steps for the same request (a benchmark's baseline);
        ``documents`` names or ids of the documents to answer from (``DocumentError`` before the
        first event when one fits none or several), else those the question names itself."""
        question = question.strip()
        lang = detect_language(question)
        standalone = (search_query or question).strip()
        scope = self.documents_for(standalone, documents)
        query, profile, assumed = plan_search(standalone, profile, lang)
        # The question's own figures are not "known": "the third batch is 30 cities, right?" is a
        # claim to check, not a fact about the enterprise (those come in through the profile). Nor
        # are the advisor's earlier answers in ``history``: each answer's figures stand on its own
        # sources. Known: the user's facts (``known_text``: earlier questions, caller-given) and profile.
        known = "\n".join(x for x in (known_text, profile.describe(lang) if profile else "") if x)
        request = Request(question, query, standalone, profile, assumed, history, known, lang=lang,
                          premise=f"{question}\n{standalone}", documents=scope.documents,
                          document_choices=scope.choices, document_name=scope.name,
                          describable=self.describable(scope))
        yield from self.run(request, steps)

    def describable(self, scope: Named) -> tuple[Document, ...]:
        """The documents a question naming none may describe: all its reader may read, when some of
        them are the user's own (the starter documents alone are never scoped to by description)."""
        if scope.documents or scope.choices or self.library is None:
            return ()
        docs = self.library.documents()
        return tuple(docs) if any(d.user for d in docs) else ()

    def documents_for(self, question: str, documents: Sequence[str] | None = None) -> Named:
        """The documents to answer from: those given (names or ids), else those the question names
        ("这份报告", "《…》", a file name; several fitting one name: ``choices``); none: all."""
        if documents:
            if self.library is None:
                raise ValueError("this advisor has no document list: an answer cannot be limited to documents")
            return Named(documents=tuple(self.library.resolve(documents)))
        return self.library.named_in(question) if self.library is not None else Named()

    def ask(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
            search_query: str | None = None, documents: Sequence[str] | None = None) -> Answer:
        for event in self.stream(question, profile, history, search_query, documents=documents):
            if event.kind == "done":
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")

    def run(self, request: Request, steps: tuple[pipeline.Step, ...] = pipeline.SECTION) -> Iterator[Event]:
        """Run ``steps`` for a request built by the caller (plan sections, self-check advice: the
        ``SECTION`` steps; chat questions come through ``stream``)."""
        if self.reader is not None and self.library is not None:
            request = replace(request, readable=search_filter(self.library.every_document(), self.reader))
        state = AnswerState(request, request.lang or detect_language(request.question))
        yield from pipeline.run(steps, state, self.tools)


def plan_search(question: str, profile: EnterpriseProfile | None, lang: str) -> tuple[str, EnterpriseProfile | None, bool]:
    """What retrieval searches for: the question, the policies' terms for its everyday words, and
    the tier's words; with no profile set, the one the question implies (then ``assumed``)."""
    assumed = False
    if profile is None:
        profile = infer_profile(question)
        assumed = profile is not None
    query = expand_query(question, lang)
    if profile:
        hint = profile.search_hint(lang)
        if assumed and profile.tier == "micro":  # "小厂": the SME strategy and the small/micro one
            hint = EnterpriseProfile("sme").search_hint(lang) + " " + hint
        if hint not in query:
            query = f"{hint} {query}"
    return query, profile, assumed
