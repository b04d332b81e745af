"""The finished answer in the stable JSON shape (README, "JSON answer")."""

from __future__ import annotations

from typing import Iterator

from app.answer.citations import cited_numbers
from app.answer.state import Answer, AnswerState, Event, Tools, to_citation, to_evidence
from app.answer.verification import SentenceCheck


def finish(state: AnswerState, tools: Tools) -> Iterator[Event]:
    text = state.text
    total_ms = state.elapsed_ms()
    checks = state.stream.checks if state.stream else []
    cited = [n for n in cited_numbers(text) if 1 <= n <= len(state.sources)]
    req = state.request
    yield Event("done", answer=Answer(
        question=req.question, answer=text,
        citations=[to_citation(n, state.sources[n - 1], state.lang, tools.policy.snippet_chars) for n in cited],
        contexts=state.contexts, refused=state.refused,
        timings={"retrieve_ms": round(state.retrieve_ms, 1), "generate_ms": round(total_ms - state.retrieve_ms, 1),
                 "first_token_ms": round(state.first_token_ms or total_ms, 1),
                 "first_words_ms": round(state.first_words_ms or total_ms, 1), "total_ms": round(total_ms, 1)},
        language=state.lang, search_query=req.search_query,
        profile=state.profile.to_json() if state.profile and not state.out_of_scope else None,
        citation_checks=citation_checks(checks),
        removed_figures=[f for c in checks if c.decision == "removed" for f in c.figures],
        evidence=state.evidence, verification=[c.to_json() for c in checks], fact_gaps=state.gaps,
        extractive=state.extractive, quoted=to_evidence(state.quoted), profile_assumed=req.profile_assumed and not state.out_of_scope,
        out_of_scope=state.out_of_scope, refusal_reason=state.refusal_reason,
        documents=[d.ref() for d in req.documents],
        document_choices=[{"doc_id": d.doc_id, "title": d.title, "file_name": d.file_name} for d in req.document_choices],
        trace=state.trace))


def citation_checks(checks: list[SentenceCheck]) -> list[dict]:
    """Per marker the model wrote: ok, moved (to fixed_n) or removed — the README's shape."""
    rows = []
    for c in checks:
        for n in c.cited:
            row = {"n": n, "sentence": c.sentence, "status": "ok", "fixed_n": None, "support": c.support}
            if c.decision in ("removed", "dropped_format"):
                row.update(status="removed", reason=c.reason)
            elif n not in c.final and c.decision != "refusal":
                row.update(status="moved", fixed_n=c.final[0] if c.final else None)
            rows.append(row)
    return rows
