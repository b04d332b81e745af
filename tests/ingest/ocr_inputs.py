"""Files for the OCR tests, made in the test: pages of known text drawn with a CJK font, a page
that is part text layer and part scan, and the bad inputs a user's folder holds (a blank scan, a
photo without text, a scan too long to OCR, a broken image, a decompression bomb, a TIFF of 500
frames)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from bench.page_images import cjk_font, image_only_pdf, knowledge_paragraphs, render_page
from tests.pdf_maker import make_pdf


def font():
    path = cjk_font()
    if path is None:
        pytest.skip("no CJK font (Debian's fonts-noto-cjk, which scripts/install-browser.sh installs)")
    return path


def known_page(chars: int = 500, skip: int = 0) -> tuple[Image.Image, str]:
    """A page image of starter-knowledge text, and the text drawn on it."""
    return render_page(knowledge_paragraphs(chars=chars, skip=skip), font())


def pdf_pages(source: Path, numbers: list[int], out: Path) -> Path:
    """Pages (1-based) of a real PDF as a PDF of their own: an OCR test of one or two pages."""
    reader, writer = PdfReader(str(source)), PdfWriter()
    for n in numbers:
        writer.add_page(reader.pages[n - 1])
    writer.write(str(out))
    return out


def text_then_scan_pdf(tmp_path: Path, scan: Image.Image) -> Path:
    """Page 1 with a real text layer, page 2 a scanned image without one."""
    writer = PdfWriter()
    text_page = tmp_path / "text.pdf"
    text_page.write_bytes(make_pdf(["Digital transformation of manufacturing enterprises: plan, implement, "
                                    "evaluate, iterate. Small firms start with cloud services."]))
    writer.append(str(text_page))
    writer.append(str(image_only_pdf([scan], tmp_path / "scan.pdf")))
    path = tmp_path / "mixed.pdf"
    writer.write(str(path))
    return path


def blank_scan(path: Path) -> Path:
    return image_only_pdf([Image.new("L", (1406, 1987), 250)], path)


def landscape_photo(path: Path) -> Path:
    """Sky, hills, a lake and a sun: shapes and gradients, no text."""
    image = Image.new("RGB", (1600, 1200))
    draw = ImageDraw.Draw(image)
    for y in range(600):
        draw.line([(0, y), (1600, y)], fill=(90 + y // 8, 150 + y // 10, 235))
    draw.ellipse((1150, 120, 1330, 300), fill=(250, 220, 90))
    draw.polygon([(0, 700), (350, 420), (700, 680), (1050, 380), (1600, 720), (1600, 1200), (0, 1200)],
                 fill=(60, 120, 60))
    draw.ellipse((300, 850, 1300, 1100), fill=(70, 110, 170))
    image.save(path, "JPEG", quality=85)
    return path


def long_scan(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` pages without text (each would need OCR)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.write(str(path))
    return path


def truncated_png(path: Path) -> Path:
    image, _ = known_page(200)
    image.save(path, "PNG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def png_bomb(path: Path, side: int = 60000) -> Path:
    """A valid PNG header declaring ``side`` x ``side`` pixels (3.6 gigapixels) over a tiny body."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    body = zlib.compress(b"\0" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def many_frame_tiff(path: Path, frames: int = 500) -> Path:
    first, *rest = [Image.new("L", (32, 32), 255) for _ in range(frames)]
    first.save(path, "TIFF", save_all=True, append_images=rest)
    return path
