"""With no profile set, the question often says enough: "我们就是个几十人的小厂", "a 40-person
injection-moulding shop", "作为行业龙头". Infer the tier (and the industry when it is named) so
retrieval prefers the right strategy, and say in the answer what was assumed. Words and industries
live in ``profile_words.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from app.answer.profile import EnterpriseProfile

TABLE = Path(__file__).with_name("profile_words.yaml")
# Headcount bands of China's enterprise size classification for industry (人数): micro < 20,
# small < 300, medium < 1000. The Guidelines' 小微 strategy covers micro and small firms.
MICRO_SMALL_MAX, MEDIUM_MAX = 300, 1000
HEADCOUNT = re.compile(r"(\d{1,6})\s*(?:多|来|余)?\s*(?:个)?\s*(?:人|名员工|名工人|员工|工人)|"
                       r"(\d{1,6})\s*(?:-|\s)?\s*(?:people|employees|staff|workers|person)", re.I)
VAGUE_HEADCOUNT = {"几个人": 8, "十几个人": 15, "十几人": 15, "几十人": 50, "几十个人": 50, "上百人": 150,
                   "几百人": 400, "上千人": 1500}


@lru_cache(maxsize=1)
def _table() -> dict:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def headcount_of(question: str) -> int | None:
    m = HEADCOUNT.search(question)
    if m:
        return int(m.group(1) or m.group(2))
    for words, n in VAGUE_HEADCOUNT.items():
        if words in question:
            return n
    return None


def tier_of(question: str, headcount: int | None) -> str | None:
    """The tier the question names; a question naming several compares them ("how do the strategies
    of leading firms, large firms and SMEs differ?") and says nothing of the asker's own."""
    table = _table()
    named = [tier for tier in ("leading", "large", "micro", "sme") if re.search(table["tiers"][tier], question, re.I)]
    if len(named) == 1:
        return named[0]
    if headcount is None:
        return None
    if headcount < MICRO_SMALL_MAX:
        return "micro"
    return "sme" if headcount < MEDIUM_MAX else "large"


def industry_of(question: str) -> str:
    for name in _table()["industries"]:
        for word in str(name).split("|"):
            if word.lower() in question.lower():
                return str(name).split("|")[0]
    return ""


def infer_profile(question: str) -> EnterpriseProfile | None:
    """The profile the question implies, or None when it names no tier, size or industry."""
    headcount = headcount_of(question)
    tier = tier_of(question, headcount)
    industry = industry_of(question)
    if tier is None:
        return None
    return EnterpriseProfile(tier=tier, industry=industry, headcount=headcount)
