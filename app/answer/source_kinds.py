"""The kind of each source a starter document rests on (front matter ``sources[].kind``), shown to
users as a plain label: 官方文件 / 官方解读 / 新闻报道 / 第三方资料. The fact sheet's reliability codes
stay in the front matter and are never shown. A document's type (front matter ``doc_type``) is
shown by its name in the reader's language (prompts/doc_types.<lang>.md), never as its code."""

from __future__ import annotations

import json

from prompts import load_table

SOURCE_KIND_LABELS = {
    "official_document": {"zh": "官方文件", "en": "Official document"},
    "official_interpretation": {"zh": "官方解读", "en": "Official interpretation"},
    "news": {"zh": "新闻报道", "en": "News report"},
    "third_party": {"zh": "第三方资料", "en": "Third-party material"},
}
# For documents written before sources carried a kind: the fact sheet's codes.
KIND_OF_CODE = {"OFF": "official_document", "NEWS": "news", "SEED": "news", "3P": "third_party",
                "UNVERIFIED": "third_party"}


def source_kinds(metadata: dict) -> list[str]:
    """The distinct kinds of a document's sources, official first."""
    try:
        sources = json.loads(metadata.get("sources_json", "[]") or "[]")
    except ValueError:
        return []
    kinds = set()
    for s in sources if isinstance(sources, list) else []:
        if isinstance(s, dict):
            kind = s.get("kind") or KIND_OF_CODE.get(str(s.get("reliability", "")).upper())
            if kind in SOURCE_KIND_LABELS:
                kinds.add(kind)
    return [k for k in SOURCE_KIND_LABELS if k in kinds]


def source_label(metadata: dict, lang: str) -> str:
    """E.g. "官方文件、新闻报道" or "Official document, News report"; '' for a user's own file."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(SOURCE_KIND_LABELS[k][lang] for k in source_kinds(metadata))


def doc_type_label(doc_type: str, lang: str) -> str:
    """E.g. "指南" or "Guide" for ``guide``; a type the table does not list is shown as written."""
    code = str(doc_type or "").strip()
    return str(load_table("doc_types", lang).get(code, code)) if code else ""
