"""Source cards shown beside an answer: one card per numbered context, the cited ones marked, so a
user can check every [n] against its text; and the key passages under the answer, each shown once
and none that the answer already shows."""

from __future__ import annotations

import html
import re
from typing import Iterable

from app.answer.citations import MARKER
from app.answer.composition import contained
from app.answer.policy import AnswerPolicy
from app.answer.source_kinds import doc_type_label, source_label
from app.answer.state import Answer, Context
from app.web.ui.text import SOURCE_TEXT

CARD_CSS = """
.src-cards {display: flex; flex-direction: column; gap: 8px;}
.src-card {border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; background: #fafbfc; font-size: 13px;}
.src-card.cited {border-color: #2f81f7; background: #f0f6ff;}
.src-card .src-head {font-weight: 600;}
.src-card .src-n {display: inline-block; min-width: 26px; color: #0b5cd5;}
.src-card .src-meta {color: #57606a; margin: 2px 0 4px;}
.src-card .src-text {white-space: pre-wrap; color: #1f2328;}
.src-tag {display: inline-block; border-radius: 4px; padding: 0 5px; margin-right: 4px; background: #eaeef2;}
.src-note {color: #57606a; font-size: 13px;}
.src-about {color: #57606a; font-size: 12px; margin-top: 4px;}
details.evidence > summary {color: #57606a; cursor: pointer;}
"""

def _card(c: Context, metadata: dict, cited: bool, lang: str) -> str:
    t = SOURCE_TEXT[lang]
    where = " · ".join(x for x in (c.section, t["page"].format(c.page) if c.page else "") if x)
    tags = "".join(f'<span class="src-tag">{html.escape(str(v))}</span>' for v in
                   (doc_type_label(metadata.get("doc_type"), lang), metadata.get("issuer"), metadata.get("date")) if v)
    label = metadata.get("source_label", "")
    if label:  # 官方文件 / 新闻报道 …, never the fact sheet's codes
        tags += f'<span class="src-tag src-kind">{html.escape(label)}</span>'
    if metadata.get("ocr"):  # a figure read from a scan may be misread: the user should know
        note = t["ocr_note"].format(float(metadata.get("ocr_confidence") or 0))
        tags += f'<span class="src-tag src-ocr" title="{html.escape(note)}">{t["ocr"]}</span>'
    mark = f' <span class="src-tag">{t["cited"]}</span>' if cited else ""
    # Provenance and disclaimer live in the front matter, not in the text the model quotes.
    about = str(metadata.get("about") or "")
    about = (f'<details class="src-about"><summary>{t["about"]}</summary>{html.escape(about)}</details>'
             if about else "")
    return (f'<div class="src-card{" cited" if cited else ""}" data-n="{c.n}">'
            f'<div class="src-head"><span class="src-n">[{c.n}]</span>{html.escape(c.title)}{mark}</div>'
            f'<div class="src-meta">{tags} {html.escape(where)}</div>'
            f'<div class="src-text">{html.escape(c.text)}</div>{about}</div>')


def render_sources(contexts: list[Context], metadatas: list[dict], lang: str, cited: set[int] = frozenset(),
                   search_query: str = "", question: str = "") -> str:
    t = SOURCE_TEXT[lang]
    parts = [f"<h4>{t['sources']}</h4>"]
    if search_query and search_query.strip() != question.strip():
        parts.append(f'<div class="src-note">{t["searched"]}: {html.escape(search_query)}</div>')
    if not contexts:
        parts.append(f'<div class="src-note">{t["none"]}</div>')
    cards = [_card(c, m, c.n in cited, lang) for c, m in zip(contexts, metadatas)]
    parts.append('<div class="src-cards">' + "".join(cards) + "</div>")
    return "".join(parts)


def card_metadata(sources, lang: str) -> list[dict]:
    """Display metadata per numbered source, with the plain label of its sources' kinds."""
    return [dict(s.metadata, source_label=source_label(s.metadata, lang)) for s in sources]


LIST_MARK = re.compile(r"^\s*(?:>\s*)*(?:[-*+•]|\d+[.、)）](?!\d)|[（(][一二三四五六七八九十\d]+[)）])?", re.M)
NOT_WORDS = re.compile(r"[\W_]+")  # punctuation, whitespace, Markdown marks


def plain(text: str) -> str:
    """The words of a text only: citation markers, list and quote marks, punctuation and whitespace gone."""
    return NOT_WORDS.sub("", LIST_MARK.sub("", MARKER.sub("", text))).lower()


def says_nothing_new(line: str, other: str) -> bool:
    """Whether ``other`` already says ``line``: its words, in order, are part of ``other``'s (an
    empty line says nothing)."""
    return plain(line) in plain(other)


# "Says it again" as the answer's body decides it (composition.contained): 85 % of a sentence's
# terms inside another (AnswerPolicy.repeat_share).
REPEAT = AnswerPolicy()


def shown_by(answer: str, line: str) -> bool:
    """Whether the answer already shows ``line``: its words in order anywhere in the answer, or
    nearly all of them within one line of it (a source sentence quoted in the body as
    ``- “…”[n]``, a lead sentence that copies it)."""
    return says_nothing_new(line, answer) or any(contained(line, a, REPEAT) for a in answer.splitlines() if a.strip())


def distinct_evidence(evidence: list[dict], shown: str = "", quoted: Iterable[str] = ()) -> list[dict]:
    """The evidence worth showing under ``shown`` (the answer so far): a line the answer already
    shows, one of the answer's ``quoted`` sentences (its body, which may cut a long one short), or
    a line another evidence line holds (a list item and the sentence that carries it) is left out;
    of two equal lines the first stays."""
    in_body = {plain(q) for q in quoted}
    kept = []
    for i, e in enumerate(evidence):
        if plain(e["text"]) in in_body or shown_by(shown, e["text"]):
            continue
        if any(says_nothing_new(e["text"], f["text"]) and (j < i or plain(f["text"]) != plain(e["text"]))
               for j, f in enumerate(evidence) if j != i):
            continue
        kept.append(e)
    return kept


def render_evidence(evidence: list[dict], lang: str, shown: str = "", quoted: Iterable[str] = (),
                    folded: bool = False) -> str:
    """The key passages, quoted with their [n] (Markdown): shown open before the model's first word
    and while the answer is written; ``folded`` once it is complete, in a closed ``<details>`` under
    it. Each once, none the answer ``shown`` (and its ``quoted`` body) already shows; nothing at all
    when none is left."""
    evidence = distinct_evidence(evidence, shown, quoted)
    if not evidence:
        return ""
    t = SOURCE_TEXT[lang]
    quotes = "\n".join(f"> [{e['n']}] {e['text']}" for e in evidence)
    if not folded:
        return f"**{t['evidence']}**\n\n{quotes}"
    # Blank lines around the quotes: Markdown inside the HTML block is still Markdown.
    return (f'<details class="evidence"><summary>{t["evidence_more"].format(n=len(evidence))}</summary>'
            f"\n\n{quotes}\n\n</details>")


def body_to_come(body: str, shown: str) -> str:
    """The answer's body shown before the lead above it is written: its lines the answer's text does
    not hold yet (once the body itself streams in, nothing)."""
    have = set(shown.splitlines())
    return "\n".join(line for line in body.splitlines() if line not in have).strip()


def cited_set(answer: Answer) -> set[int]:
    return {c.n for c in answer.citations}
