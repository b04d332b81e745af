"""Answer quality: run the real advisor (the path of ``advisor ask --json``) on each question or
conversation and score what a consultant cares about. Every metric is "higher is better" so
``--fail-under`` reads the same way for all of them:

- context_recall: share of must-mention points found in the retrieved contexts;
- answer_coverage: share of must-mention points the answer states (answerable questions);
- citation_validity: share of cited [n] that exist and whose source supports the citing sentence;
- refusal_accuracy: unanswerable questions refused without invented figures, answerable ones not;
- figure_safety: share of answers with no figure (amount, percentage, year, count) that the cited
  source does not hold with the same unit next to the same subject (``eval.judges``, not the
  product's own check);
- crag_score: mean of correct 1 / missing or refused 0 / wrong -1 (see ``grade``); an answer that
  states one of the item's ``must_not_mention`` claims (a per-enterprise amount, an invented ROI,
  another batch's figures, a reversed rule) is wrong whatever its coverage (``wrong_claims``).
Beside them, counts where lower is better (``LOWER_IS_BETTER``, gated with ``--fail-over``): wrong
claims, wrongful and missed refusals, and the answer's form: ``repeated_units`` (a sentence, quote
or list line saying again what another of the same answer says) and ``fragments`` (a heading,
a bare title, a note about the document, a unit left over from a list, a short unit with no
predicate), both by ``eval.judges``.
Latency (p50/p95 of the total time and of the first token) is reported beside them, and the
product's own account of each answer (``refusal_reason``, the pipeline ``trace``) is stored with it.
Every judgement here is the evaluation's own code (``eval.judges``): the product runs, never judges."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from app.answer.conversation import Conversation
from eval.judges import MARKER, keeps_ordinal, keeps_scope, keeps_year, cited_numbers, fragments, marker_numbers, repeats, says_not_given, sentences, \
    strip_markers, support, unsupported_figures
from eval.matching import PointMatcher

QUALITY_METRICS = ("context_recall", "answer_coverage", "citation_validity", "refusal_accuracy", "figure_safety",
                   "claim_safety", "crag_score")
# Counts, "lower is better": ``--fail-over`` gates them, ``--fail-under`` refuses them.
LOWER_IS_BETTER = ("wrong_claims", "wrongful_refusals", "missed_refusals", "repeated_units", "fragments")
CITATION_LEXICAL = 0.2  # share of the sentence's terms in the cited source
CITATION_SEMANTIC = 0.84  # or: cosine between the sentence and the cited source
CORRECT_COVERAGE = 0.5


@dataclass(frozen=True)
class EvalItem:
    id: str
    lang: str
    turns: tuple[str, ...]  # earlier user turns, then the question scored
    must_mention: tuple[str, ...]
    answerable: bool
    persona: str = ""
    must_not_mention: tuple[str, ...] = ()
    kind: str = ""
    documents: tuple[str, ...] = ()  # names or ids the question is limited to, as the chat's document picker


def load_items(path: Path) -> list[EvalItem]:
    """Question files (``question``, ``must_mention``) and conversation files (``turns``,
    ``must_mention_last``) alike; a bad line is a clear error naming the line."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = tuple(row["turns"]) if "turns" in row else (row["question"],)
            points = row.get("must_mention_last", row.get("must_mention", []))
            items.append(EvalItem(str(row.get("id", number)), row.get("lang", ""), turns, tuple(points),
                                  bool(row.get("answerable", True)), row.get("persona", ""),
                                  tuple(row.get("must_not_mention", [])), row.get("kind", ""),
                                  tuple(row.get("documents", []))))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a question or conversation line ({exc})") from None
    return items


def sample_items(items: list[EvalItem], n: int | None) -> list[EvalItem]:
    """``n`` items spread evenly through the file within each kind (answerable or not, language), in
    file order: the same items every run, the mix of the whole set. ``None`` or ``n`` >= the set: all."""
    if n is None or n >= len(items):
        return list(items)
    if n < 1:
        raise ValueError(f"--sample {n}: need at least 1 item")
    groups: dict[tuple, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault((item.answerable, item.lang), []).append(index)
    quotas = {key: max(1, round(n * len(group) / len(items))) for key, group in groups.items()}
    while sum(quotas.values()) > n:  # rounding up for small kinds: take back from the largest share
        largest = max((k for k in quotas if quotas[k] > 1), key=lambda k: quotas[k] / len(groups[k]))
        quotas[largest] -= 1
    while sum(quotas.values()) < n:
        smallest = min((k for k in quotas if quotas[k] < len(groups[k])), key=lambda k: quotas[k] / len(groups[k]))
        quotas[smallest] += 1
    chosen = {group[i * len(group) // quotas[key]] for key, group in groups.items() for i in range(quotas[key])}
    return [items[i] for i in sorted(chosen)]


def citation_checks(answer: str, contexts: list[str], semantic: Callable[[str, str], float] | None) -> list[dict]:
    """One row per [n] the answer writes: the source exists and holds the citing sentence (its
    terms, ``eval.judges.support``, or else the embedding cosine)."""
    rows = []
    for sentence in sentences(answer):
        for m in MARKER.finditer(sentence):
            for n in marker_numbers(m):
                if not 1 <= n <= len(contexts):
                    rows.append({"n": n, "sentence": sentence, "valid": False, "why": "no such source"})
                    continue
                lexical = support(sentence, contexts[n - 1])
                cosine = semantic(strip_markers(sentence), contexts[n - 1]) if semantic and lexical < CITATION_LEXICAL else None
                valid = lexical >= CITATION_LEXICAL or (cosine is not None and cosine >= CITATION_SEMANTIC)
                rows.append({"n": n, "sentence": sentence, "valid": valid, "lexical": round(lexical, 3),
                             "semantic": None if cosine is None else round(cosine, 4)})
    return rows


def invented_figures(answer: str, contexts: list[str], known: str) -> list[str]:
    """Figures that the cited source does not hold with the same unit next to the same subject, nor
    the user's words (``known``) give: the evaluation's own check (``eval.judges.unsupported_figures``);
    an uncited sentence is checked against every context."""
    found = []
    for sentence in sentences(answer):
        cited = [contexts[n - 1] for n in cited_numbers(sentence) if 1 <= n <= len(contexts)]
        found.extend(unsupported_figures(sentence, cited or contexts, known))
    return found


def form_checks(text: str) -> dict:
    """The text's repeated units (each with the earlier unit it repeats) and its fragments, as
    rows for items.jsonl (``eval.judges.repeats`` and ``fragments``)."""
    return {"repeats": [dataclasses.asdict(r) for r in repeats(text)],
            "fragments": [dataclasses.asdict(f) for f in fragments(text)]}


def shown_source(n: int, text: str, title: str, section: str, page: int | None) -> str:
    """A source as the model saw it, header line included ("[n] title (section — p. 3)"): a figure
    the title holds (a document number, a year) is in the source too."""
    where = " — ".join(x for x in (section, f"p. {page}" if page else "") if x)
    return f"[{n}] {title}" + (f" ({where})" if where else "") + f"\n{text.strip()}"


NEGATION = re.compile(r"没有|并非|不是|不能|不会|未|无|不得|不可|\bnot?\b|\bno\b|n't|\bnever\b|\bneither\b", re.I)


# A contrast splits a sentence into claims: "the cap is 150 million per city, but what each firm gets
# is set by the city" does not say that each firm gets 150 million.
CONTRAST = re.compile(r"[；;]|[，,]?\s*(?:但是?|不过|然而|而是|\bbut\b|\bhowever\b|\bwhereas\b)")


def asserted_sentences(answer: str) -> list[str]:
    """The clauses of an answer that assert something: refusals and negated clauses ("the
    sources give no per-enterprise amount") cannot state a wrong claim."""
    return [c for s in sentences(answer) if not says_not_given(s)
            for c in CONTRAST.split(s) if c.strip() and not NEGATION.search(c)]


CLAIM_TERM_SHARE = 0.75


def claim_matcher(matcher: PointMatcher) -> PointMatcher:
    """A stricter matcher for wrong claims: its numbers and three quarters of its key terms (or of
    its translation's) in one sentence. Embedding similarity does not decide here: on one sentence
    it scores "issued 2025-02-28" against "in force from 28 February 2025" at 0.90, and a
    denial close to the claim it denies."""
    return PointMatcher(None, None, term_share=CLAIM_TERM_SHARE, translate=matcher.translate)


def stated_claims(matcher: PointMatcher, claims: list[str], answer: str) -> list[str]:
    """The claims that one asserted sentence states: a claim is made in a sentence, so words
    gathered from several sentences (or numbers from citation markers) do not make one. Only words
    and numbers decide (``claim_matcher``), with the claim's scope (``keeps_scope``), the years
    its figures are tied to (``keeps_year``) and the phase or batch it is about (``keeps_ordinal``)."""
    found = []
    for claim in claims:
        if any(m.matched and keeps_scope(claim, s) and keeps_year(claim, s) and keeps_ordinal(claim, s)
               for s in asserted_sentences(answer) for m in matcher.match([claim], s)):
            found.append(claim)
    return found


def grade(item: EvalItem, refused: bool, coverage: float | None, invented: list[str], wrong: list[str] = ()) -> int:
    """CRAG-style: a stated wrong claim (must_not_mention) -1. Unanswerable -> refused 1, else -1.
    Answerable -> invented figures -1; refused 0; coverage >= 0.5 is correct (1); no point matched at
    all is wrong (-1); otherwise missing (0)."""
    if wrong:
        return -1
    if not item.answerable:
        return 1 if refused and not invented else -1
    if invented:
        return -1
    if refused:
        return 0
    if coverage is not None and coverage >= CORRECT_COVERAGE:
        return 1
    return -1 if coverage == 0 else 0


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def run_answers_eval(items: list[EvalItem], advisor, matcher: PointMatcher, settings,
                     semantic: Callable[[str, str], float] | None = None,
                     progress: Callable[[str], None] = print) -> tuple[dict, list[dict]]:
    rows = []
    for i, item in enumerate(items, start=1):
        conversation = Conversation.from_settings(advisor, settings)
        for turn in item.turns[:-1]:
            for _ in conversation.stream(turn, documents=item.documents or None):
                pass
        answer = None
        for event in conversation.stream(item.turns[-1], documents=item.documents or None):
            if event.kind == "done":
                answer = event.answer
        contexts = [c.text for c in answer.contexts]
        shown = [shown_source(c.n, c.text, c.title, c.section, c.page) for c in answer.contexts]
        context_text = "\n".join(contexts)
        in_contexts = matcher.match(list(item.must_mention), context_text) if item.must_mention else []
        in_answer = matcher.match(list(item.must_mention), answer.answer) if item.must_mention else []
        coverage = (sum(m.matched for m in in_answer) / len(in_answer)) if (item.answerable and in_answer) else None
        checks = citation_checks(answer.answer, contexts, semantic)
        known = "\n".join(item.turns) + "\n" + answer.search_query
        invented = invented_figures(answer.answer, shown, known)
        wrong = stated_claims(claim_matcher(matcher), list(item.must_not_mention), answer.answer)
        refusal_ok = (answer.refused and not invented) if not item.answerable else not answer.refused
        rows.append({
            "id": item.id, "lang": item.lang, "persona": item.persona, "answerable": item.answerable,
            "turns": list(item.turns), "search_query": answer.search_query, "answer": answer.answer,
            "refused": answer.refused, "refusal_correct": refusal_ok,
            "context_recall": (sum(m.matched for m in in_contexts) / len(in_contexts)) if in_contexts else None,
            "answer_coverage": coverage,
            "points": [{"point": c.point, "in_contexts": c.matched, "in_answer": a.matched, "how": a.how or c.how,
                        "answer_terms": a.term_share, "answer_semantic": a.semantic,
                        "translation": a.translation or c.translation} for c, a in zip(in_contexts, in_answer)],
            "citations": [{"n": c.n, "title": c.title, "section": c.section, "snippet": c.snippet} for c in answer.citations],
            "citation_checks": checks, "invented_figures": invented, "removed_figures": answer.removed_figures,
            "wrong_claims": wrong, "kind": item.kind,
            "rewrite_rejected": conversation.last_rewrite_problem if len(item.turns) > 1 else "",
            "evidence": [e.__dict__ for e in answer.evidence], "verification": answer.verification,
            "fact_gaps": answer.fact_gaps, "extractive": answer.extractive,
            "quoted": [e.__dict__ for e in answer.quoted], "out_of_scope": answer.out_of_scope,
            "grade": grade(item, answer.refused, coverage, invented, wrong),
            "timings": answer.timings,
            "refusal_reason": getattr(answer, "refusal_reason", None),
            "trace": [dataclasses.asdict(step) if dataclasses.is_dataclass(step) else dict(step)
                      for step in getattr(answer, "trace", None) or []],
            **form_checks(answer.answer),
        })
        progress(f"[{i}/{len(items)}] {item.id}: grade {rows[-1]['grade']:+d}, "
                 f"coverage {coverage if coverage is None else round(coverage, 2)}, refused {answer.refused}, "
                 f"{answer.timings['total_ms'] / 1000:.1f} s")
    return summarize(rows), rows


def summarize(rows: list[dict]) -> dict:
    def mean(values):
        values = [v for v in values if v is not None]
        return round(float(np.mean(values)), 4) if values else None

    checks = [c for r in rows for c in r["citation_checks"]]
    totals = [r["timings"]["total_ms"] for r in rows]
    answered = [r for r in rows if not (r["refused"] and not r["citations"])]
    firsts = [r["timings"]["first_token_ms"] for r in answered]
    # the answer's first words on screen (its body, shown before the lead); older answers lack it
    words = [r["timings"].get("first_words_ms", r["timings"]["first_token_ms"]) for r in answered]
    return {
        "kind": "answers", "items": len(rows),
        "context_recall": mean(r["context_recall"] for r in rows),
        "answer_coverage": mean(r["answer_coverage"] for r in rows),
        "citation_validity": round(sum(c["valid"] for c in checks) / len(checks), 4) if checks else None,
        "refusal_accuracy": mean(float(r["refusal_correct"]) for r in rows),
        "wrongful_refusals": sum(1 for r in rows if r["answerable"] and r["refused"]),
        "missed_refusals": sum(1 for r in rows if not r["answerable"] and not r["refusal_correct"]),
        "figure_safety": mean(0.0 if r["invented_figures"] else 1.0 for r in rows),
        "wrong_claims": sum(len(r.get("wrong_claims", [])) for r in rows),
        "rewrites_rejected": sum(1 for r in rows if r.get("rewrite_rejected")),
        "claim_safety": mean(0.0 if r.get("wrong_claims") else 1.0 for r in rows),
        "crag_score": mean(r["grade"] for r in rows),
        "latency_p50_ms": percentile(totals, 50), "latency_p95_ms": percentile(totals, 95),
        "first_token_p50_ms": percentile(firsts, 50), "first_token_p95_ms": percentile(firsts, 95),
        "first_words_p50_ms": percentile(words, 50),
        "refusal_reasons": refusal_reasons(rows),
        "repeated_units": sum(len(r.get("repeats", [])) for r in rows),
        "answers_with_repeats": sum(1 for r in rows if r.get("repeats")),
        "fragments": sum(len(r.get("fragments", [])) for r in rows),
    }


def refusal_reasons(rows: list[dict]) -> dict[str, int]:
    """How often each refusal reason was given, over the refused answers, most frequent first; a
    refused answer without one (an answer from before the field) counts as "unspecified"."""
    counts = Counter(r.get("refusal_reason") or "unspecified" for r in rows if r.get("refused"))
    return dict(counts.most_common())
