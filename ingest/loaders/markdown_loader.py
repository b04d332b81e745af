"""Markdown, with YAML front matter carried into the metadata (title, lang, doc_type, sources …)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from langchain_core.documents import Document

from ingest.refusal_text import refuse
from ingest.loaders.text_loader import decode_text

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise refuse("front_matter", where=where) from None
    if not isinstance(meta, dict):
        raise refuse("front_matter_shape")
    return meta, text[m.end():]


def flatten_metadata(meta: dict) -> dict:
    """Chroma metadata holds scalars only: lists of scalars are joined, structures kept as JSON."""
    flat = {}
    for key, value in meta.items():
        if value is None:
            continue
        if isinstance(value, (str, int, float, bool)):
            flat[key] = value
        elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            flat[key] = ",".join(str(v) for v in value)
        else:
            flat[key + "_json"] = json.dumps(value, ensure_ascii=False, default=str)
    return flat


def load(path: Path) -> list[Document]:
    meta, body = split_front_matter(decode_text(path.read_bytes()))
    if "title" not in meta:
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        meta["title"] = heading.group(1).strip() if heading else path.stem
    meta = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in meta.items()}  # YAML dates
    return [Document(page_content=body, metadata=flatten_metadata(meta))]
