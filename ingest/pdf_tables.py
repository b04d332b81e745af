"""The tables of a text PDF's pages, read with pdfplumber in one pass: ruled tables
(``ingest.tables``) first, else figures aligned under a row of periods (``ingest.unruled_tables``).
Either way the page's text comes back with each table as a Markdown table where it stands."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pdfplumber
from pdfplumber.pdf import PDF

from ingest.tables import page_with_tables
from ingest.unruled_tables import page_with_aligned_tables


def pdf_table_pages(path: Path, page_numbers: Iterable[int]) -> dict[int, str]:
    """{page number: page text with its tables as Markdown} for those of ``page_numbers``
    (1-based) that hold at least one real table. Pages it cannot read are left out: a damaged
    PDF gives {} rather than an error, and the caller keeps its own text for those pages."""
    out: dict[int, str] = {}
    try:
        with pdfplumber.open(path) as pdf:
            for number in page_numbers:
                text = _one_page(pdf, number)
                if text:
                    out[number] = text
    except Exception:  # pdfminer fails in many shapes on a damaged file; tables are a bonus
        pass
    return out


def _one_page(pdf: PDF, number: int) -> str | None:
    if not 1 <= number <= len(pdf.pages):
        return None
    page = pdf.pages[number - 1]
    try:
        return page_with_tables(page) or page_with_aligned_tables(page)
    except Exception:  # one damaged page (a broken font or stream) costs that page's tables only
        return None
    finally:
        page.close()  # drops the page's parsed objects: a long PDF stays within memory
