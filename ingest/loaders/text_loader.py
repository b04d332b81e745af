"""Plain text in any common encoding (UTF-8, GBK/GB18030, Big5, UTF-16 …), detected by charset-normalizer."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes
from langchain_core.documents import Document

from ingest.errors import UnreadableFile


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("this is a binary file, not text")
    best = from_bytes(raw).best()
    if best is None:
        raise UnreadableFile("the text encoding could not be detected (binary or corrupt file?)")
    return str(best)


def load(path: Path) -> list[Document]:
    text = decode_text(path.read_bytes())
    return [Document(page_content=text, metadata={"title": path.stem})]
