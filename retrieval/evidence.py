"""Evidence first: the sentences and list items of the retrieved chunks that best answer the
question, quoted verbatim with the number of their source.

Two stages keep it fast on a slow CPU: every unit of the best chunks is scored lexically (the
question's words and numbers, weighted by how rare they are among the units, plus the chunk's own
rank); only the best few are embedded and scored by cosine with the question. The result is shown
before the model's first token, given to the model instead of whole chunks, and is what the
extractive fallback quotes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ingest.language import estimate_tokens
# NUMBER and content_words are also still imported from here by app/answer/quoting.py: import them
# from ingest.text instead.
from ingest.text import LEAD_END, MIN_UNIT_CHARS, NUMBER, content_words, marked_units, share, terms


@dataclass(frozen=True)
class EvidencePolicy:
    """The thresholds of evidence selection, each with the reason for its value."""
    min_unit_chars: int = MIN_UNIT_CHARS  # a shorter piece ("一、", "Note.") states nothing on its own
    max_block_items: int = 10  # items a list's lead sentence carries as one evidence unit ...
    max_block_chars: int = 600  # ... within this length; the rest stay units of their own
    short_lead: int = 30  # a lead this short ("The reported results:") says what of; the sentence before it says whose
    dense_pool: int = 16  # units embedded per question: the cost that bounds the time to show evidence
    prior_weight: float = 0.04  # a unit of the first chunk gets this much more than one of a low-ranked chunk
    pointer_penalty: float = 0.1  # a sentence that only points elsewhere ("详见……") states no fact
    section_weight: float = 0.5  # a question term found only in the unit's section heading counts this much
    number_bonus: float = 0.2  # a unit holding one of the question's own numbers: the figure asked about
    dense_lexical_weight: float = 0.3  # beside the cosine, the lexical share still rewards the question's own terms
    unit_overhead_tokens: int = 4  # the "[n] " marker and line break each unit costs in the prompt beyond its text
    min_items: int = 2  # units given whatever the budget, when there are that many
    max_items: int = 8  # units given at most, whatever the budget


DEFAULT_EVIDENCE_POLICY = EvidencePolicy()

# A sentence that only points elsewhere ("详见……一篇", "see the summary of …") states no fact.
POINTER = re.compile(r"^(?:具体(?:做法|内容)?)?(?:详)?见[“\"《「]|^(?:for details,? )?see (?:the|our) ", re.I)


# A unit that leans on the sentence before it: a pronoun or connective opening it, "therefore"
# early on ("不会转 has therefore become the key bottleneck"), or a label saying it responds to it
# ("应对：优先加装外置采集盒" answers the problem stated before it).
ANAPHORA = re.compile(r"^(?:they|this|these|those|it|its|their|such|thus|hence|however|as a result|in their view)\b|"
                      r"^.{0,60}\btherefore\b|^(?:因此|所以|因而|但是?|然而|不过|这(?:些|种|一|个|样)?|该|其|他们|它们|对此|为此|上述)|"
                      r"^(?:应对|对策|措施|解决办法|原因)[：:]|^(?:response|mitigation|measures?|cause)\s*:",
                      re.I)


@dataclass
class EvidenceUnit:
    source_index: int  # index into the source list it came from (0-based)
    position: int  # order within its chunk
    text: str
    section: str
    lexical: float = 0.0
    dense: float | None = None
    score: float = 0.0
    kind_bonus: float = 0.0


def _join_items(lead: str, items: list[str]) -> str:
    out = lead
    for item in items:
        if re.search(r"[：；，。！？]$", out):  # Chinese punctuation needs no space
            sep = ""
        elif re.search(r"[:;,.!?]$", out):
            sep = " "
        else:
            sep = "；" if re.match(r"[\u4e00-\u9fff]", item) else "; "
        out += sep + item
    return out


def evidence_units(text: str, policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY) -> list[str]:
    """The units evidence is chosen from: sentences and list items (``ingest.text.marked_units``),
    except that a sentence introducing a list ("the targets for 2027 are:") carries its items. Alone,
    the lead holds the question's words and no fact, and each item a fact without its subject. A
    short lead ("报道给出的成效：") also carries the sentence before it in its paragraph, which names
    whose results they are."""
    marked = marked_units(text, policy.min_unit_chars)
    out, i = [], 0
    while i < len(marked):
        unit, _, line = marked[i]
        i += 1
        if not LEAD_END.search(unit):
            if len(unit) >= policy.min_unit_chars:
                out.append(unit)
            continue
        before = marked[i - 2] if i >= 2 else None
        carried = ""
        if len(unit) <= policy.short_lead and before is not None and before[2] == line and out and out[-1] == before[0]:
            carried = out.pop()  # "… is the first overseas lighthouse. The reported results:"
            unit = _join_sentences(carried, unit)
        parts, items = [], set()
        while i < len(marked) and marked[i][1] >= 0 \
                and (marked[i][1] in items or len(items) < policy.max_block_items) \
                and len(_join_items(unit, parts + [marked[i][0]])) <= policy.max_block_chars:
            parts.append(marked[i][0])
            items.add(marked[i][1])
            i += 1
        if parts:  # a lead whose items the chunk cut off states nothing
            out.append(_join_items(unit, parts))
        elif carried:
            out.append(carried)
    return out


def term_share(question: str, text: str) -> float:
    """Plain share of the question's terms (words, jieba compounds, Chinese bigrams, numbers) that the
    text holds: ``ingest.text.share`` with stop words kept and jieba's compounds. Still imported from
    here by app/answer/relevance.py."""
    return share(question, text, keep_stop_words=True, segment=True)


# Words too general to say what a question is about ("enterprise", "how much", "数字化").
# Everyday filler ("大家都在说", "到底", "请问") says nothing of the subject either.
GENERAL_WORDS = frozenset({
    "企业", "公司", "我们", "你们", "大家", "多少", "什么", "怎么", "怎么样", "哪些", "哪个", "哪里", "哪儿", "应该", "到底",
    "请问", "一下",
    "这个", "那个", "现在", "数字化", "转型", "数字化转型", "国家", "中国",
    "enterprise", "enterprises", "company", "companies", "firm", "firms", "digital", "transformation",
    "much", "many", "what", "does", "how", "china", "china's", "still", "would", "could", "should", "like", "look"})


def specific_words(question: str) -> set[str]:
    """The question's content words beyond the field's general ones and everyday filler."""
    return content_words(question) - GENERAL_WORDS


def word_share(question: str, text: str, specific: bool = False) -> float:
    """Share of the question's content words that occur in the text; ``specific``: leaving out
    the general words (GENERAL_WORDS), which any text of the field holds."""
    return share(specific_words(question) if specific else content_words(question), text, substring=True)


def score_lexical(query: str, units: list[EvidenceUnit], policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY) -> None:
    """IDF-weighted share of the question's terms (jieba words, Chinese bigrams, numbers) that each
    unit holds; its section heading counts at ``policy.section_weight``."""
    wanted = terms(query, segment=True)
    if not wanted or not units:
        return
    unit_terms = [terms(u.text, segment=True) for u in units]
    section_terms = [terms(u.section, segment=True) for u in units]
    n = len(units)
    idf = {t: math.log(1 + n / (1 + sum(t in ts for ts in unit_terms))) for t in wanted}
    total = sum(idf.values()) or 1.0
    numbers = set(NUMBER.findall(query))
    for unit, ts, ss in zip(units, unit_terms, section_terms):
        hit = sum(w for t, w in idf.items() if t in ts) \
            + policy.section_weight * sum(w for t, w in idf.items() if t in ss and t not in ts)
        unit.lexical = hit / total
        if numbers and numbers & set(NUMBER.findall(unit.text)):
            unit.lexical += policy.number_bonus


def select_evidence(query: str, texts: Sequence[str], sections: Sequence[str],
                    embed_query: Callable[[str], np.ndarray] | None,
                    embed_passages: Callable[[list[str]], np.ndarray] | None,
                    token_budget: int, min_items: int | None = None, max_items: int | None = None,
                    kind_of: Callable[[str], float] | None = None, *,
                    policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY) -> list[EvidenceUnit]:
    """The best units of ``texts`` (chunks, best first) for ``query``, best first, within
    ``token_budget`` estimated tokens (never fewer than ``min_items`` when there are that many, never
    more than ``max_items``; by default the policy's). ``kind_of(unit_text)`` may add a bonus for
    units that hold the kind of fact asked for."""
    min_items = policy.min_items if min_items is None else min_items
    max_items = policy.max_items if max_items is None else max_items
    units = [EvidenceUnit(i, p, u, sections[i] if i < len(sections) else "")
             for i, text in enumerate(texts) for p, u in enumerate(evidence_units(text, policy))]
    if not units:
        return []
    score_lexical(query, units, policy)

    def prior(u: EvidenceUnit) -> float:  # the chunk's own rank
        return policy.prior_weight * (len(texts) - u.source_index) / len(texts)

    for u in units:
        u.kind_bonus = (kind_of(u.text) if kind_of else 0.0) - (policy.pointer_penalty if POINTER.search(u.text) else 0.0)
        u.score = u.lexical + u.kind_bonus + prior(u)
    pool = sorted(units, key=lambda u: -u.score)[:policy.dense_pool]
    if embed_query is not None and embed_passages is not None:
        q = embed_query(query)
        vectors = embed_passages([f"{u.section} {u.text}".strip() for u in pool])
        for u, v in zip(pool, vectors):
            u.dense = float(np.dot(q, v))
            # Cosine carries meaning across wording and language; the lexical share rewards the
            # question's own terms and numbers; both are 0..1-ish.
            u.score = u.dense + policy.dense_lexical_weight * u.lexical + u.kind_bonus + prior(u)
    pool.sort(key=lambda u: -u.score)
    return _with_referents(_within_budget(pool, token_budget, min_items, max_items, policy), units)


def _within_budget(pool: list[EvidenceUnit], token_budget: int, min_items: int, max_items: int,
                   policy: EvidencePolicy) -> list[EvidenceUnit]:
    """The best units, each sentence once, within the token budget (at least ``min_items``)."""
    chosen, used, seen = [], 0, set()
    for u in pool:
        key = re.sub(r"\W", "", u.text)
        if key in seen:  # the same sentence in the zh and en versions or in overlapping chunks
            continue
        cost = estimate_tokens(u.text) + policy.unit_overhead_tokens
        if len(chosen) >= max_items or (len(chosen) >= min_items and used + cost > token_budget):
            continue
        seen.add(key)
        chosen.append(u)
        used += cost
    return chosen


def _with_referents(chosen: list[EvidenceUnit], units: list[EvidenceUnit]) -> list[EvidenceUnit]:
    """"They …", "… has therefore become …": the sentence before says what a unit refers to."""
    by_place = {(u.source_index, u.position): u for u in units}
    picked = {(u.source_index, u.position) for u in chosen}
    for u in chosen:
        before = by_place.get((u.source_index, u.position - 1))
        if ANAPHORA.search(u.text) and before is not None and (before.source_index, before.position) not in picked:
            u.text = _join_sentences(before.text, u.text)
    return chosen


def _join_sentences(first: str, second: str) -> str:
    return first + ("" if re.search(r"[\u4e00-\u9fff。；：！？]$", first) else " ") + second
