"""Numbers and figures: ONE pattern for a number, and the shapes built on it (a figure with its
range and unit, a document number, a list number).

A number is digits with decimals or thousands separators ("1,200", "3.5", "2025.1.1" are one
number each). Everything that looks for numbers in text (the evidence scorer, the answer's figure
check, the echo check, the follow-up rewrite check) uses ``NUMBER``, so "1,200" is one number
everywhere."""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# What joins the two ends of a range: "3-5年", "2025—2027年", "10至20家", "3 to 5 years".
RANGE_JOIN = r"(?:-|–|—|~|～|至|到|to)"
# The units a figure may carry, longest first where one is the start of another.
FIGURE_UNITS = (r"%|％|percent|万|亿|千|百|元|年|个月|月|日|天|个|家|项|yuan|rmb|years?|months?|days?|"
                r"million|billion|thousand")
# A figure: a number, optionally a range ("3-5"), optionally "余/多", optionally a unit. Groups: 1 the
# number (or the range's low end), 2 the range's high end, 3 the unit.
FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])({NUMBER.pattern})(?:\s*{RANGE_JOIN}\s*({NUMBER.pattern}))?"
    rf"(?:余|多)?\s*({FIGURE_UNITS})?",
    re.I)
# A document number (文号): "工信部联企业〔2022〕32号", "[2022] No. 32" (spaces inside allowed).
DOC_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*No\.?\s*\d+", re.I)
# A list number opening a line ("1. ", "2、", "3）"): the item's place, not a figure.
LIST_NUMBER = re.compile(r"^\s*\d+[.、)）]\s", re.M)

