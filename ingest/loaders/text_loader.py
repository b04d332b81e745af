"""Plain text in any common encoding (UTF-8, GBK/GB18030, Big5, UTF-16 …), detected by charset-normalizer."""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes
from langchain_core.documents import Document

from ingest.refusal_text import refuse


CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.02  # text has tabs and newlines, almost never other control characters


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: ASCII letters leave every other byte zero."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw[: len(raw) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and not CONTROL.search(text[:4096]):
            return text
    return None


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:4096]:
        text = _utf16_without_bom(raw)
        if text is None:
            raise refuse("binary")
        return text
    best = from_bytes(raw).best()
    if best is None:
        raise refuse("encoding")
    text = str(best)
    if len(CONTROL.findall(text[:20000])) > MAX_CONTROL_SHARE * min(len(text), 20000):
        raise refuse("binary")
    return text


def load(path: Path) -> list[Document]:
    text = decode_text(path.read_bytes())
    return [Document(page_content=text, metadata={"title": path.stem})]
