"""Search the index and choose the evidence sentences; show both at once, before the model's first
token. Sources are numbered 1..n in the order of their best evidence."""

from __future__ import annotations

from dataclasses import asdict
from typing import Iterator

from app.answer.fact_kinds import amount_for_enterprise, asked_kinds, asks_per_enterprise, states_kind
from app.answer.state import AnswerState, Event, Tools, to_context, to_evidence
from retrieval.evidence import EvidenceUnit, select_evidence
from retrieval.hybrid import Source


def retrieve(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """Evidence for the model to read: within the machine's evidence budget."""
    yield from _retrieve(state, tools, tools.policy.evidence_tokens, tools.policy.evidence.max_items)


def retrieve_pool(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """Evidence a composed answer's body is chosen from (the model reads only the body): wider."""
    yield from _retrieve(state, tools, tools.policy.pool_tokens, tools.policy.pool_items)


def _retrieve(state: AnswerState, tools: Tools, tokens: int, items: int) -> Iterator[Event]:
    req, policy = state.request, tools.policy
    state.retrieval = tools.retriever.search(req.search_query, tier=state.profile.tier if state.profile else None,
                                             context_k=policy.source_pool, token_budget=policy.chunk_token_budget,
                                             doc_ids=req.doc_ids or None, also=state.search_also)
    units = choose_evidence(state, tools, state.retrieval.sources, tokens, items)
    state.sources, state.units = number_sources(state.retrieval.sources, units)
    state.asked_kinds = asked_kinds(req.question)
    state.retrieve_ms = state.elapsed_ms()
    state.contexts = [to_context(i, s) for i, s in enumerate(state.sources, start=1)]
    state.evidence = to_evidence(state.units)
    state.record("retrieve", f"{len(state.sources)} sources, {len(state.units)} evidence sentences",
                 covered=state.retrieval.covered)
    yield Event("sources", retrieval=state.retrieval, contexts=state.contexts, sources=state.sources,
                search_query=req.search_query)
    yield Event("evidence", evidence=[asdict(e) for e in state.evidence])


def choose_evidence(state: AnswerState, tools: Tools, sources: list[Source], tokens: int, items: int) -> list[EvidenceUnit]:
    """The sentences most worth reading, within ``tokens`` and ``items``; one that holds the kind of
    fact asked for (an amount for one enterprise, a date …) gains a little."""
    req, policy = state.request, tools.policy
    asked = asked_kinds(req.question)
    per_enterprise = asks_per_enterprise(req.question)

    def kind_bonus(text: str) -> float:
        for kind in asked:
            holds = amount_for_enterprise(text, policy.fact_kinds) if kind == "amount" and per_enterprise \
                else states_kind(text, kind)
            if holds:
                return policy.kind_bonus
        return 0.0

    query = req.asked if req.search_query == req.asked else f"{req.asked} {req.search_query}"
    if state.search_also:  # the question in the documents' language: their sentences share its words
        query = " ".join([query, *state.search_also])
    return select_evidence(query, [s.text for s in sources], [s.metadata.get("section", "") for s in sources],
                           tools.retriever.embed_query, tools.embed_passages, tokens,
                           min_items=policy.min_evidence, max_items=items, kind_of=kind_bonus, policy=policy.evidence)


def number_sources(pool: list[Source], units: list[EvidenceUnit]) -> tuple[list[Source], list[EvidenceUnit]]:
    """Sources numbered 1..n in the order of their best evidence; units re-pointed at them."""
    order: list[int] = []
    for u in units:
        if u.source_index not in order:
            order.append(u.source_index)
    new_index = {old: new for new, old in enumerate(order)}
    for u in units:
        u.source_index = new_index[u.source_index]
    return [pool[i] for i in order], units
