"""Export a (possibly edited) plan draft: Markdown as it is, or DOCX with real Word headings,
paragraphs, bullet lists and the sources list."""

from __future__ import annotations

import re
from pathlib import Path

import docx


def markdown_to_docx(markdown: str, path: Path) -> Path:
    document = docx.Document()
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip():
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
