"""Source cards shown under an answer: one card per numbered context, the cited ones marked, so a
user can check every [n] against its text."""

from __future__ import annotations

import html
import re

from app.answer.state import Answer, Context
from app.answer.citations import MARKER
from app.answer.source_kinds import doc_type_label, source_label

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
"""

LABELS = {
    "zh": {"sources": "资料来源", "page": "第{}页", "searched": "检索内容", "cited": "已引用", "none": "没有找到相关资料。",
           "waiting": "正在检索…", "evidence": "资料原文要点",
           "ocr": "OCR", "ocr_note": "这段文字由扫描件经文字识别（OCR）读出，置信度 {:.0%}；数字请与原件核对",
           "about": "资料说明"},
    "en": {"sources": "Sources", "page": "p. {}", "searched": "Searched for", "cited": "cited", "none": "No relevant sources found.",
           "waiting": "Searching…", "evidence": "Key passages from the sources",
           "ocr": "OCR", "ocr_note": "read from a scan by OCR (confidence {:.0%}); check figures against the original",
           "about": "About this source"},
}


def _card(c: Context, metadata: dict, cited: bool, lang: str) -> str:
    t = LABELS[lang]
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
    t = LABELS[lang]
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


def distinct_evidence(evidence: list[dict], shown: str = "") -> list[dict]:
    """The evidence worth showing under ``shown`` (the answer so far): a line the answer already
    says, or that another evidence line holds (a list item and the sentence that carries it), is
    left out; of two equal lines the first stays."""
    kept = []
    for i, e in enumerate(evidence):
        if says_nothing_new(e["text"], shown):
            continue
        if any(says_nothing_new(e["text"], f["text"]) and (j < i or plain(f["text"]) != plain(e["text"]))
               for j, f in enumerate(evidence) if j != i):
            continue
        kept.append(e)
    return kept


def render_evidence(evidence: list[dict], lang: str, shown: str = "") -> str:
    """The key passages, quoted with their [n], shown before the model's first word (Markdown);
    each once, and none the answer ``shown`` so far already says."""
    evidence = distinct_evidence(evidence, shown)
    if not evidence:
        return ""
    quotes = "\n".join(f"> [{e['n']}] {e['text']}" for e in evidence)
    return f"**{LABELS[lang]['evidence']}**\n\n{quotes}"


def cited_set(answer: Answer) -> set[int]:
    return {c.n for c in answer.citations}
