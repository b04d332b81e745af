"""The grounded answer step, the one path for everything that answers (chat, plan drafts, the
HTTP API, self-checks): retrieve → select evidence → generate → verify → events.

Facts come from the sources and the model only phrases them:
- the key source sentences are chosen first and shown at once (``evidence``), before the model's
  first token; the model sees those sentences, not whole chunks, sized to the machine's measured
  prompt speed;
- a question that asks for a kind of fact the evidence does not hold (an amount, a payback period,
  a deadline …) gets a plain "the sources give none" and where to verify, whatever the model says;
- every generated sentence is verified against the source it cites before the user sees it
  (``app/answer/verification.py``); ``token`` events carry only verified text, so their concatenation is
  the final answer;
- when the model refuses although the evidence answers, or nothing survives, the answer quotes the
  best evidence sentences, cited and labelled as quotes.

``stream`` yields events; ``ask`` returns the finished answer in the stable JSON shape (README,
"JSON answer")."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Literal

import numpy as np

from app.answer.citations import MARKER, cited_numbers
from app.answer.fact_kinds import NOT_GIVEN, about_subject, amount_for_enterprise, answered_kinds, asked_kinds, asks_per_enterprise, states_kind
from app.generation.base import Generator
from app.answer.profile import TIERS, EnterpriseProfile
from app.answer.profile_inference import infer_profile
from app.answer.scope import out_of_scope
from app.answer.source_kinds import source_kinds, source_label
from app.answer.verification import SentenceCheck, content_support, verify_sentence
from ingest.language import detect_language, estimate_tokens
from prompts import format_evidence, format_source, is_refusal, load_prompt, load_table, refusal_phrase, render_answer
from retrieval.evidence import NUMBER, EvidenceUnit, content_words, select_evidence, term_share, word_share
from retrieval.hybrid import HybridRetriever, Retrieval, Source
from retrieval.query_expansion import expand_query

log = logging.getLogger(__name__)
SNIPPET_CHARS = 160
SOURCE_POOL = 8  # chunks whose sentences compete to be evidence
EXTRACTIVE_ITEMS = 3
# The answer is completed with the best evidence it leaves out, quoted: the small model often states
# one part of what the sources say and drops the rest.
MAX_QUOTES = 3
QUOTE_CHARS = 700  # quotes beyond the first stop here: the answer stays short enough to read
COVERED = 0.5  # share of a unit's content terms the answer already holds: it is said
PARTLY_SAID = 0.3  # ... and this share, in a source the answer cites: it drew on the unit and left part out
BEGUN_BONUS = 0.08  # what such a unit gains: less than the gap between a clearly best unit and the next
QUOTE_MIN_DENSE = 0.8  # cosine with the question below which a unit is not worth quoting
# Among units about the question, one saying more is worth more: each new word or figure adds this
# much to its score, up to INFO_CAP of them (evidence scores of the best units lie within ~0.1).
INFO_WEIGHT = 0.012
INFO_CAP = 10
CLAUSE = re.compile(r"[。；;！？!?]|(?<=[a-z%)])\.\s")
# Evidence this close to the question (cosine, e5) answers it: a refusal then is the model's error.
STRONG_EVIDENCE = 0.86
STRONG_LEXICAL = 0.3  # ... and holds a third of the question's terms
STRONG_WORDS = 0.5  # ... and half of its content words (one shared word such as "国家" is not an answer)
TOKEN_SAFETY = 1.15  # estimate_tokens is rough; leave room
PROMPT_OVERHEAD_TOKENS = 120
# However slow the machine, a few sentences are needed for an answer worth waiting for: with two, the
# 1.5B model repeats itself (measured).
MIN_EVIDENCE_TOKENS = 220  # template, question, headers, beyond the evidence itself
# A sentence ends at 。！？, a full stop before a space, or a line end; "1. " opening a list item does not.
SENTENCE_END = re.compile(r"[。！？!?]+|(?<!^\d)(?<!\n\d)(?<!^\d\d)(?<!\n\d\d)\.(?=\s)|\n")
TRAILING_MARKERS = re.compile(r"(?:[ \t]*[\[【][\d,，、 ]+[\]】])*")
LIST_ITEM = re.compile(r"^(\s*)(\d+)([.、)）]\s*)")


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

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    kind: Literal["sources", "evidence", "token", "done"]
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
    sections and other callers build their own (another prompt, another search query)."""
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
    quote_missing: bool = True  # complete the answer with quotes of the best evidence it leaves out
    check_topic: bool = True  # refuse without the model when no evidence names what the question is about


def to_context(n: int, s: Source) -> Context:
    m = s.metadata
    return Context(n, s.doc_id, s.chunk_id, m.get("title", ""), s.text, round(s.score, 6),
                   None if s.dense is None else round(s.dense, 4), None if s.lexical is None else round(s.lexical, 4),
                   m.get("page"), m.get("section", ""))


def to_citation(n: int, s: Source, lang: str = "zh") -> Citation:
    m = s.metadata
    snippet = s.text if len(s.text) <= SNIPPET_CHARS else s.text[:SNIPPET_CHARS].rstrip() + "…"
    return Citation(n, s.doc_id, m.get("title", ""), m.get("source", ""), m.get("page"), m.get("section", ""), snippet,
                    m.get("doc_type", ""), m.get("issuer", ""), str(m.get("date", "")), source_label(m, lang),
                    source_kinds(m), m.get("ocr_confidence") if m.get("ocr") else None)


class SentenceStream:
    """Cuts the model's streamed text into sentences, verifies each as soon as it is complete and
    returns the text the user may see. Refusals are held back while nothing has been said, so that
    a refusal the evidence contradicts can still be replaced by quotes."""

    def __init__(self, sources: list[str], known: str, premise: str = "", missing_kinds: tuple[str, ...] = ()):
        self.sources = sources
        self.known = known
        self.premise = premise
        self.missing_kinds = missing_kinds
        self.buffer = ""
        self.checks: list[SentenceCheck] = []
        self.held_refusal = ""
        self.kept = 0
        self.list_number = 0
        self.emitted = ""
        self.seen: set[str] = set()
        self.truncated = False  # the model stopped at its token limit: the last piece is cut off
        self.refused_first = False  # the model opened with a refusal

    def _cut(self, final: bool) -> str | None:
        m = SENTENCE_END.search(self.buffer)
        if not m:
            if final and self.buffer.strip():
                out, self.buffer = self.buffer, ""
                return out
            return None
        end = m.end()
        if m.group(0) != "\n":
            end += TRAILING_MARKERS.match(self.buffer, end).end() - end
            rest = self.buffer[end:]
            if not final and re.fullmatch(r"[ \t]*(?:[\[【][\d,，、 ]*)?", rest):
                return None  # a citation marker may still follow
        out, self.buffer = self.buffer[:end], self.buffer[end:]
        return out

    def _emit(self, text: str) -> str:
        # Never more than one blank line, and none at the start.
        if not self.emitted.strip():
            text = text.lstrip("\n")
        while text.startswith("\n") and self.emitted.endswith("\n\n"):
            text = text[1:]
        self.emitted += text
        return text

    def _handle(self, piece: str, final: bool) -> str:
        if piece == "\n" or not piece.strip():
            return self._emit("\n") if "\n" in piece and self.kept else ""
        newline = "\n" if piece.endswith("\n") else ""
        body = piece.rstrip("\n")
        unterminated = final and not SENTENCE_END.search(body) and (self.truncated or not MARKER.search(body))
        fixed, check = verify_sentence(body, self.sources, self.known, self.premise, self.missing_kinds)
        if unterminated and fixed is not None and check.decision != "refusal":
            check.decision, check.reason, fixed = "removed", "cut off mid-sentence (token limit)", None
        if fixed is not None and check.decision != "refusal":
            key = re.sub(r"\W|\d", "", MARKER.sub("", LIST_ITEM.sub("", fixed)))
            if key in self.seen:  # small models repeat themselves
                check.decision, check.reason, fixed = "removed", "repeats an earlier sentence", None
            self.seen.add(key)
        self.checks.append(check)
        if check.decision == "refusal":
            if self.kept == 0:
                self.refused_first = True
                self.held_refusal += (fixed or "")
            return ""  # after kept content, "the sources do not say" contradicts what was just said
        if fixed is None:
            return self._emit(newline) if newline and self.kept else ""
        m = LIST_ITEM.match(fixed)
        if m:
            self.list_number += 1
            fixed = f"{m.group(1)}{self.list_number}{m.group(3)}{fixed[m.end():]}"
        self.kept += 1
        return self._emit(fixed + newline)

    def feed(self, text: str, final: bool = False) -> str:
        self.buffer += text
        out = []
        while (piece := self._cut(final)) is not None:
            out.append(self._handle(piece, final and not self.buffer))
        return "".join(out)


class Advisor:
    def __init__(self, retriever: HybridRetriever, generator: Generator, max_new_tokens: int = 480,
                 system_language: str = "zh", embed_passages: Callable[[list[str]], np.ndarray] | None = None,
                 first_token_target_s: float = 8.0, evidence_token_budget: int = 600, min_evidence: int = 2):
        self.retriever = retriever
        self.generator = generator
        self.max_new_tokens = max_new_tokens
        self.system_prompt = load_prompt("system", system_language).text
        self.embed_passages = embed_passages
        self.first_token_target_s = first_token_target_s
        self.max_evidence_tokens = evidence_token_budget
        self.evidence_tokens = evidence_token_budget  # until warm_up measures the machine
        self.min_evidence = min_evidence
        self.prompt_tokens_per_s: float | None = None

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
        evidence so the first token comes within ``first_token_target_s``."""
        sample = load_prompt("answer", "zh").text[:400] * 3
        tokens = estimate_tokens(sample)
        start = time.perf_counter()
        messages = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": sample}]
        with contextlib.closing(iter(self.generator.stream(messages, 1))) as pieces:
            for _ in pieces:
                break
        elapsed = max(time.perf_counter() - start, 1e-3)
        self.prompt_tokens_per_s = tokens / elapsed
        room = int(self.prompt_tokens_per_s * self.first_token_target_s / TOKEN_SAFETY) - PROMPT_OVERHEAD_TOKENS
        self.evidence_tokens = max(MIN_EVIDENCE_TOKENS, min(self.max_evidence_tokens, room))
        log.info("prompt processing %.1f tokens/s: evidence budget %d tokens (target %.1f s to the first token)",
                 self.prompt_tokens_per_s, self.evidence_tokens, self.first_token_target_s)

    # --- the chat question → a request -------------------------------------------------------------
    def stream(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
               search_query: str | None = None, known_text: str = "") -> Iterator[Event]:
        """Answer a chat question. ``search_query`` is a follow-up rewritten into a standalone
        question (it is also what the model answers); ``history`` the formatted recent turns."""
        question = question.strip()
        lang = detect_language(question)
        standalone = (search_query or question).strip()
        query, profile, assumed = plan_search(standalone, profile, lang)
        # The question's own figures are not "known": "the third batch is 30 cities, right?" is a
        # claim to check, not a fact about the enterprise (those come in through the profile). Nor
        # are the advisor's earlier answers in ``history``: each answer's figures stand on its own
        # sources. Known: the user's facts (``known_text``: earlier questions, caller-given) and profile.
        known = "\n".join(x for x in (known_text, profile.describe(lang) if profile else "") if x)
        request = Request(question, query, standalone, profile, assumed, history, known, lang=lang,
                          premise=f"{question}\n{standalone}")
        if out_of_scope(question):
            yield from self._scope_answer(request, start=time.perf_counter())
            return
        yield from self.run(request)

    def ask(self, question: str, profile: EnterpriseProfile | None = None, history: str = "",
            search_query: str | None = None) -> Answer:
        for event in self.stream(question, profile, history, search_query):
            if event.kind == "done":
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")

    # --- the grounded step ---------------------------------------------------------------------------
    def run(self, request: Request) -> Iterator[Event]:
        start = time.perf_counter()
        lang = request.lang or detect_language(request.question)
        profile = request.profile
        retrieval = self.retriever.search(request.search_query, tier=profile.tier if profile else None,
                                          context_k=SOURCE_POOL, token_budget=10 ** 6)
        units = self._evidence(request, retrieval.sources)
        sources, units = self._number_sources(retrieval.sources, units)
        retrieve_ms = (time.perf_counter() - start) * 1000
        contexts = [to_context(i, s) for i, s in enumerate(sources, start=1)]
        evidence = [Evidence(u.source_index + 1, u.text, round(u.score, 4)) for u in units]
        yield Event("sources", retrieval=retrieval, contexts=contexts, sources=sources,
                    search_query=request.search_query)
        yield Event("evidence", evidence=[asdict(e) for e in evidence])

        shown = [format_source(i, s.text, s.metadata) for i, s in enumerate(sources, start=1)]
        asked = asked_kinds(request.question)
        covered = retrieval.covered and bool(sources) and (
            not request.check_topic
            or self._names_subject(units, f"{request.prompt_question or request.question} {request.search_query}"))
        gaps = [k for k, ok in answered_kinds(request.question, [u.text for u in units[:6]]).items() if not ok] \
            if covered else []
        table = load_table("fact_gaps", lang)
        notes = load_table("answer_notes", lang)
        parts: list[str] = []  # everything the user sees, in order
        first_token_ms = None

        def say(text: str) -> Iterator[Event]:
            nonlocal first_token_ms
            if text:
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - start) * 1000
                parts.append(text)
                yield Event("token", text=text)

        if request.profile_assumed and profile:
            yield from say(notes["assumed_profile"].format(profile=self._profile_words(profile, lang)) + "\n\n")
        stream = SentenceStream(shown, request.known_text, request.premise, tuple(gaps))
        extractive = False
        quoted: list[EvidenceUnit] = []  # quotes after the model's sentences
        extract: list[EvidenceUnit] = []  # quotes instead of them
        if not covered:
            yield from say(refusal_phrase(lang) + load_prompt("not_covered", lang).text)
        else:
            for kind in gaps:
                yield from say(table[kind]["gap"] + "\n\n")
            blocks = self._blocks(sources, units)
            gap_line = " ".join(table[k]["instruction"] for k in gaps)
            user = request.prompt(blocks, gap_line) if request.prompt else render_answer(
                lang, request.prompt_question or request.question, blocks,
                profile=profile.describe(lang) if profile else "", history=request.history, gap=gap_line)
            messages = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": user}]
            limit = request.max_tokens or self.max_new_tokens
            produced = 0
            with contextlib.closing(iter(self.generator.stream(messages, limit))) as pieces:
                for piece in pieces:
                    produced += 1  # llama.cpp and OpenAI-style servers stream about one token a piece
                    yield from say(stream.feed(piece))
            stream.truncated = produced >= limit - 1
            yield from say(stream.feed("", final=True))
            if stream.kept and request.quote_missing:
                langs = [s.metadata.get("lang") or detect_language(s.text) for s in sources]
                quoted = self._left_out(units, langs, "".join(parts), request.prompt_question or request.question,
                                        lang, asked)
                if quoted:
                    yield from say("\n\n" + notes["quoted"] + "\n" + quote_lines(quoted))
            if stream.kept == 0:
                asked_for = request.prompt_question or request.question
                # quotes when the evidence answers (the model's refusal was wrong), or when the model
                # tried and every sentence failed its check but the evidence is about the question
                if not gaps and (self._answers(units, asked, asked_for)
                                 or (not stream.held_refusal and self._on_topic(units, asked_for))):
                    extractive = True
                    extract = worth_quoting(units, asked_for, asked) or sorted(units, key=lambda u: -u.score)[:1]
                    yield from say(notes["extractive"] + "\n" + quote_lines(extract))
                elif not gaps:
                    yield from say(refusal_phrase(lang) + notes["refusal_verify"])
            for kind in gaps:
                yield from say("\n\n" + table[kind]["verify"])
        total_ms = (time.perf_counter() - start) * 1000

        text = "".join(parts)
        removed = [f for c in stream.checks if c.decision == "removed" for f in c.figures]
        cited = [n for n in cited_numbers(text) if 1 <= n <= len(sources)]
        # A refusal that opens the answer and is followed by at most one kept sentence is a refusal.
        body_refused = not covered or (stream.kept == 0 and not extractive) \
            or (stream.refused_first and stream.kept < 2 and not extractive and not quoted) \
            or (extractive and bool(NOT_GIVEN.search(quote_lines(extract))))
        answer = Answer(
            question=request.question, answer=text,
            citations=[to_citation(n, sources[n - 1], lang) for n in cited],
            contexts=contexts, refused=body_refused or bool(gaps),
            timings={"retrieve_ms": round(retrieve_ms, 1), "generate_ms": round(total_ms - retrieve_ms, 1),
                     "first_token_ms": round(first_token_ms or total_ms, 1), "total_ms": round(total_ms, 1)},
            language=lang, search_query=request.search_query,
            profile=profile.to_json() if profile else None,
            citation_checks=_citation_checks(stream.checks), removed_figures=removed, evidence=evidence,
            verification=[c.to_json() for c in stream.checks], fact_gaps=gaps, extractive=extractive,
            quoted=[Evidence(u.source_index + 1, u.text, round(u.score, 4)) for u in quoted],
            profile_assumed=request.profile_assumed)
        yield Event("done", answer=answer)

    # --- pieces of the step --------------------------------------------------------------------------
    def _evidence(self, request: Request, sources: list[Source]) -> list[EvidenceUnit]:
        asked = asked_kinds(request.question)
        per_enterprise = asks_per_enterprise(request.question)

        def kind_bonus(text: str) -> float:
            for kind in asked:
                if kind == "amount" and per_enterprise:
                    if amount_for_enterprise(text):
                        return 0.05
                elif states_kind(text, kind):
                    return 0.05
            return 0.0

        query = request.prompt_question or request.question
        if request.search_query != query:
            query = f"{query} {request.search_query}"
        return select_evidence(query, [s.text for s in sources], [s.metadata.get("section", "") for s in sources],
                               self.retriever.embed_query, self.embed_passages, self.evidence_tokens,
                               min_items=self.min_evidence, kind_of=kind_bonus)

    @staticmethod
    def _number_sources(pool: list[Source], units: list[EvidenceUnit]) -> tuple[list[Source], list[EvidenceUnit]]:
        """Sources numbered 1..n in the order of their best evidence; units re-pointed at them."""
        order: list[int] = []
        for u in units:
            if u.source_index not in order:
                order.append(u.source_index)
        new_index = {old: new for new, old in enumerate(order)}
        for u in units:
            u.source_index = new_index[u.source_index]
        return [pool[i] for i in order], units

    @staticmethod
    def _blocks(sources: list[Source], units: list[EvidenceUnit]) -> list[str]:
        blocks = []
        for i, s in enumerate(sources):
            mine = sorted((u for u in units if u.source_index == i), key=lambda u: u.position)
            blocks.append(format_evidence(i + 1, s.metadata, [u.text for u in mine]))
        return blocks

    @staticmethod
    def _answers(units: list[EvidenceUnit], asked: list[str], question: str) -> bool:
        """Does the evidence clearly answer, so that a refusal is the model's error? The best
        sentence is close to the question, and either holds the kind of fact asked for or most of
        the question's words."""
        if not units:
            return False
        best = max(units, key=lambda u: u.score)
        if (best.dense or 0.0) < STRONG_EVIDENCE:
            return False
        if asked:
            return any(states_kind(u.text, k) for u in units[:3] for k in asked)
        return any(term_share(question, u.text) >= STRONG_LEXICAL
                   and word_share(question, u.text, specific=True) >= STRONG_WORDS for u in units)

    @staticmethod
    def _names_subject(units: list[EvidenceUnit], question: str) -> bool:
        """Some evidence sentence is about the question or what it was searched with (the policies'
        terms for its everyday words, the tier it implies: "五金小厂，钱不多" → 小快轻准 上云 小微企业;
        ``app.answer.fact_kinds.about_subject``). Near neighbours in embedding space of "世界杯冠军是哪个国家？"
        (sentences about 中国灯塔工厂) are no answer, and a small model would make one of them."""
        return any(about_subject(question, u.text) for u in units)

    @staticmethod
    def _on_topic(units: list[EvidenceUnit], question: str) -> bool:
        """Some evidence sentence holds half of the question's content words (filler and the
        field's general words left out)."""
        return any(word_share(question, u.text, specific=True) >= STRONG_WORDS for u in units)

    @staticmethod
    def _left_out(units: list[EvidenceUnit], source_langs: list[str], answer: str, question: str,
                  lang: str, asked: list[str] = ()) -> list[EvidenceUnit]:
        """The best evidence units the answer does not already say (``worth_quoting``), from a source
        in the question's language (an English sentence naming 不会转 is English)."""
        return worth_quoting([u for u in units if source_langs[u.source_index] == lang], question, asked, answer,
                             MAX_QUOTES, QUOTE_CHARS)

    @staticmethod
    def _profile_words(profile: EnterpriseProfile, lang: str) -> str:
        sep = "、" if lang == "zh" else ", "
        words = [TIERS[profile.tier][lang]]
        if profile.industry:
            words.append(profile.industry if lang == "zh" else f"industry: {profile.industry}")
        if profile.headcount is not None:
            words.append(f"约{profile.headcount}人" if lang == "zh" else f"about {profile.headcount} staff")
        return sep.join(words)

    def _scope_answer(self, request: Request, start: float) -> Iterator[Event]:
        lang = request.lang
        text = load_prompt("scope", lang).text
        yield Event("sources", contexts=[], sources=[], search_query=request.search_query)
        yield Event("evidence", evidence=[])
        yield Event("token", text=text)
        ms = round((time.perf_counter() - start) * 1000, 1)
        yield Event("done", answer=Answer(request.question, text, [], [], True,
                                          {"retrieve_ms": 0.0, "generate_ms": 0.0, "first_token_ms": ms,
                                           "total_ms": ms}, lang, request.search_query, out_of_scope=True))


def says(answer: str, unit: str) -> bool:
    """Does the answer already say the unit: each of its clauses (a list's items one by one) mostly
    in the answer's terms, and each of its figures in it? Saying three of five levels is not saying them."""
    clauses = [c for c in CLAUSE.split(unit) if len(c.strip()) >= 4] or [unit]
    return all(content_support(c, answer) >= COVERED for c in clauses) \
        and all(n in answer for n in NUMBER.findall(unit))


def _new_terms(unit: str, known: str) -> int:
    """How much the unit says beyond ``known``: its content words and figures not in it."""
    low = known.lower()
    return len({w for w in content_words(unit) if w not in low} | {n for n in NUMBER.findall(unit) if n not in low})


def worth_quoting(units: list[EvidenceUnit], question: str, asked: list[str] = (), answer: str = "",
                  limit: int = EXTRACTIVE_ITEMS, chars: int = QUOTE_CHARS) -> list[EvidenceUnit]:
    """The evidence to quote for ``question`` beside ``answer`` (empty for an extractive answer):
    units close to the question (cosine), about it (one of its specific words in the unit or its
    section heading: a case's results name the case only in the heading), not already said. A
    unit holding the kind of fact asked for comes first; then the one that says most beyond the
    question and what is already said, so "the reported results: +190 % …" goes before "these
    figures come from news reports". A unit of a source the answer cites and has partly said
    gains a little: the model listed three of its five levels, and the list completes the answer.
    At most ``limit`` units, beyond the first within ``chars``."""
    pool = [u for u in units if (u.dense is None or u.dense >= QUOTE_MIN_DENSE)
            and about_subject(question, f"{u.section} {u.text}") and not (answer and says(answer, u.text))]
    cited = set(cited_numbers(answer))
    chosen: list[EvidenceUnit] = []
    while pool and len(chosen) < limit:
        known = " ".join([question, answer] + [c.text for c in chosen])

        def rank(u: EvidenceUnit) -> tuple:
            began = u.source_index + 1 in cited and content_support(u.text, answer) >= PARTLY_SAID
            return (not any(states_kind(u.text, k) for k in asked),
                    -(u.score + INFO_WEIGHT * min(_new_terms(u.text, known), INFO_CAP) + BEGUN_BONUS * began))

        best = min(pool, key=rank)
        pool.remove(best)
        if chosen and sum(len(c.text) for c in chosen) + len(best.text) > chars:
            continue
        if chosen and _new_terms(best.text, known) == 0:
            continue  # says nothing the chosen quotes do not
        chosen.append(best)
    return chosen


def quote_lines(units: list[EvidenceUnit]) -> str:
    """Evidence quoted verbatim, one per line, with the number of its source."""
    return "\n".join(f"- “{u.text.strip()}”[{u.source_index + 1}]" for u in units)


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


def _citation_checks(checks: list[SentenceCheck]) -> list[dict]:
    """Per marker the model wrote: ok, moved (to fixed_n) or removed — the README's shape."""
    rows = []
    for c in checks:
        for n in c.cited:
            if c.decision in ("removed", "dropped_format"):
                rows.append({"n": n, "sentence": c.sentence, "status": "removed", "fixed_n": None,
                             "support": c.support, "reason": c.reason})
            elif n in c.final or c.decision == "refusal":
                rows.append({"n": n, "sentence": c.sentence, "status": "ok", "fixed_n": None, "support": c.support})
            else:
                rows.append({"n": n, "sentence": c.sentence, "status": "moved",
                             "fixed_n": c.final[0] if c.final else None, "support": c.support})
    return rows
