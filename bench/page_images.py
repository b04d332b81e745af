"""Pages of known Chinese text, drawn as a scan would show them: paragraphs of the starter knowledge
base typeset with a CJK font onto an A4 page image, and image-only PDFs of such pages. What was
drawn is the ground truth an OCR reading is scored against (bench.ocr and the OCR tests), so the
score cannot drift with a hand-made transcription."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
# Debian's fonts-noto-cjk (scripts/install-browser.sh installs it), or WenQuanYi Zen Hei
FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
         Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 1.0
BODY_POINTS = 12  # 小四, the body size of notices and standards
LINE_SPACING = 1.6
MARKUP = re.compile(r"\*\*|__|`|\[(\d+|[^\]]*)\]\([^)]*\)|^#+\s*|^\s*[-*+]\s+|^\s*\d+[.、]\s*")


def cjk_font() -> Path | None:
    return next((f for f in FONTS if f.is_file()), None)


def knowledge_paragraphs(name: str = "guidelines-2024.zh.md", chars: int = 600, skip: int = 0) -> list[str]:
    """Plain paragraphs of a starter document (front matter, headings and Markdown marks left out),
    from its ``skip``-th paragraph on, until ``chars`` characters."""
    text = (REPO / "knowledge" / name).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    paragraphs = []
    for block in body.split("\n\n"):
        line = " ".join(MARKUP.sub("", l).strip() for l in block.splitlines() if not l.lstrip().startswith("#"))
        if len(line) >= 30:
            paragraphs.append(line)
    out, total = [], 0
    for p in paragraphs[skip:]:
        if total >= chars:
            break
        out.append(p[: chars - total])
        total += len(out[-1])
    return out


def render_page(paragraphs: list[str], font_path: Path, dpi: int = 170) -> tuple[Image.Image, str]:
    """An A4 page image at ``dpi`` with the paragraphs set in the body size, first lines indented by
    two characters, wrapped at the margin; and the text it holds (what did not fit is left out)."""
    width, height = (round(side * dpi) for side in A4_INCHES)
    margin = round(MARGIN_INCHES * dpi)
    size = round(BODY_POINTS * dpi / 72)
    font = ImageFont.truetype(str(font_path), size)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    drawn: list[str] = []
    y = margin
    for paragraph in paragraphs:
        lines = _wrap(paragraph, font, width - 2 * margin, indent=2 * size)
        for number, line in enumerate(lines):
            if y + size > height - margin:
                return page, "\n".join(drawn)
            draw.text((margin + (2 * size if number == 0 else 0), y), line, font=font, fill=0)
            if number == 0:
                drawn.append(line)
            else:
                drawn[-1] += line
            y += round(size * LINE_SPACING)
    return page, "\n".join(drawn)


def render_two_columns(title: str, left: list[str], right: list[str], font_path: Path,
                       dpi: int = 170) -> tuple[Image.Image, str]:
    """A page with a title across the top and two columns of paragraphs below it (a newsletter or
    a notice laid out in columns); the text in reading order: title, left column, right column."""
    width, height = (round(side * dpi) for side in A4_INCHES)
    margin, gutter = round(MARGIN_INCHES * dpi), round(0.4 * dpi)
    size = round(BODY_POINTS * dpi / 72)
    font = ImageFont.truetype(str(font_path), size)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    draw.text((margin, margin), title, font=font, fill=0)
    column = (width - 2 * margin - gutter) // 2
    for x, paragraphs in ((margin, left), (margin + column + gutter, right)):
        y = margin + 3 * size
        for paragraph in paragraphs:
            for number, line in enumerate(_wrap(paragraph, font, column, indent=2 * size)):
                draw.text((x + (2 * size if number == 0 else 0), y), line, font=font, fill=0)
                y += round(size * LINE_SPACING)
    return page, "\n".join([title, *left, *right])


def _wrap(paragraph: str, font, width: int, indent: int) -> list[str]:
    lines, current, room = [], "", width - indent
    for char in paragraph:
        if font.getlength(current + char) > room:
            lines.append(current)
            current, room = "", width
        current += char
    lines.append(current)
    return lines


def image_only_pdf(pages: list[Image.Image], path: Path, dpi: int = 170) -> Path:
    """A PDF holding only the page images: no text layer, as a scanner writes it."""
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return path
