"""Checks made before a file is read: its name, its size, and for zip packages (.docx) what they
would unpack to. A 200 MB text file or a zip bomb must be refused from its metadata, never loaded."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.refusal_text import refuse

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# A real .docx unpacks to a few times its size (XML compresses ~5-10×; pictures not at all).
MAX_UNPACKED_MB = 300
MAX_ZIP_RATIO = 100
RATIO_CHECK_FROM_MB = 20  # under this, even a high ratio cannot hurt: small files of repeated text are fine
MAX_ZIP_ENTRIES = 5000


def printable_name(name: str) -> str:
    """A file name safe to print on a terminal: control characters (escape sequences, newlines)
    shown as \\x.. instead of acting on the terminal."""
    return CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


def check_name(path: Path) -> None:
    if CONTROL_CHARS.search(path.name):
        raise refuse("bad_name")


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file over the limit from its size alone (before reading a byte of it)."""
    size = path.stat().st_size
    if size == 0:
        raise refuse("empty")
    if size > max_bytes:
        raise refuse("too_big", size_mb=size / 1024 / 1024, limit_mb=round(max_bytes / 1024 / 1024))


def check_zip_package(path: Path) -> None:
    """Refuse a zip whose declared unpacked size, compression ratio or part count is beyond what a
    document needs. Python's zipfile never inflates an entry past its declared size (it fails the
    CRC instead), so the declared sizes bound what loading can unpack."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise refuse("docx_not_zip") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise refuse("zip_entries", count=len(entries), limit=MAX_ZIP_ENTRIES)
    unpacked = sum(e.file_size for e in entries)
    packed = max(1, path.stat().st_size)
    ratio = unpacked / packed
    too_dense = ratio > MAX_ZIP_RATIO and unpacked > RATIO_CHECK_FROM_MB * 1024 * 1024
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024 or too_dense:
        raise refuse("zip_bomb", unpacked_mb=unpacked / 1024 / 1024, ratio=ratio, limit_mb=MAX_UNPACKED_MB,
                     max_ratio=MAX_ZIP_RATIO)
