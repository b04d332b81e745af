"""What counts as a figure in an answer: amounts, percentages, years, ranges, document numbers. A
small model asked for an ROI will happily write "3-5 years"; ``app.answer.verification`` checks each
figure against the source the sentence cites."""

from __future__ import annotations

import re

# A figure: a number (with decimals or thousands separators), optionally a range, optionally a unit.
FIGURE = re.compile(
    r"(?<![A-Za-z0-9.])(\d+(?:[.,]\d+)*)(?:\s*(?:-|–|—|~|～|至|到|to)\s*(\d+(?:[.,]\d+)*))?"
    r"(?:余|多)?\s*(%|％|percent|万|亿|千|百|元|年|个月|月|日|天|个|家|项|yuan|rmb|years?|months?|days?|million|billion|thousand)?",
    re.I)
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号|\[\d{4}\]\s*No\.?\s*\d+", re.I)
LIST_NUMBER = re.compile(r"^\s*\d+[.、)）]\s", re.M)
SMALL = 12  # a bare count up to this (no unit, no range) is not treated as a figure
