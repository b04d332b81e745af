"""Export a (possibly edited) plan draft or a self-check report: Markdown as it is, or DOCX with
real Word headings, paragraphs, bullet lists, the sources list and the self-check chart."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.shared import Cm


IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)$")
IMAGE_WIDTH_CM = 16


def markdown_to_docx(markdown: str, path: Path, images: dict[str, Path] | None = None) -> Path:
    """``images``: the pictures the Markdown may show as ``![caption](name)``, by name. Only these:
    the Markdown may come from an editable text box, so it never names a file to read."""
    document = docx.Document()
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        image = IMAGE.match(line.strip())
        if image and images and image.group(2) in images:
            document.add_picture(str(images[image.group(2)]), width=Cm(IMAGE_WIDTH_CM))
            document.add_paragraph(image.group(1), style="Caption")
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            level = len(heading.group(1))
            document.add_heading(heading.group(2).strip(), level=0 if level == 1 else level - 1)
            continue
        bullet = re.match(r"^\s*(?:[-*+•]|\d+[.、)])\s+(.*)$", line)
        text = bullet.group(1) if bullet else line
        paragraph = document.add_paragraph(style="List Bullet" if bullet else None)
        for part in re.split(r"(\*\*[^*]+\*\*)", text):  # keep **bold** as bold
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                paragraph.add_run(part[2:-2]).bold = True
            elif part:
                paragraph.add_run(part)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


CHART = "selfcheck-chart"


def export_docx(markdown: str, path: Path, selfcheck=None) -> Path:
    """A plan draft (or nothing) followed by the self-check report with its chart, when there is one."""
    if selfcheck is None:
        return markdown_to_docx(markdown, path)
    from app.selfcheck.chart import render_chart  # matplotlib only when a chart is drawn

    chart = render_chart(selfcheck, Path(path).with_suffix(".chart.png"))
    combined = (markdown.rstrip() + "\n\n" if markdown.strip() else "") + selfcheck.to_markdown(chart=CHART)
    return markdown_to_docx(combined, path, images={CHART: chart})
