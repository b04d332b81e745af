"""What a question takes for granted about a document: its edition ("2023年版评测指标") and who
issued it ("财政部发布的《中小企业数字化转型指南》"). Each is looked up in the sources before anything
is answered; one the sources contradict is said at the top ("资料中的评测指标只有2022年版和2024年版，
没有2023年版"), and the model is told, so that nothing is answered about an edition that does not
exist as if it did."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import content_words, share

# An edition the question names: "2023年版", "2023版", "the 2023 edition", "2023年的《…》".
EDITION = re.compile(r"(?P<year>20\d\d)\s*年?\s*(?:版本?|edition|version)|(?:edition|version)\s+of\s+(?P<year2>20\d\d)|"
                     r"(?P<year3>20\d\d)\s*年(?:的|发布的|出台的|印发的)(?=《)", re.I)
EDITION_IN_SOURCE = re.compile(r"(20\d\d)\s*年?\s*(?:版本?|edition|version)|(?:edition|version)\s+of\s+(20\d\d)", re.I)
# What follows the edition names the document: a title, or the words up to the next pause.
SUBJECT_AFTER = re.compile(r"\s*(?:《(?P<title>[^》]{2,40})》|(?:of\s+)?(?:the\s+)?(?P<words>[^，。？?,;；“”\"]{2,30}))", re.I)
# Who the question says issued a document: "财政部发布的《…》", "《…》 issued by the NDRC".
ISSUED_BY = re.compile(r"(?P<issuer>[\u4e00-\u9fff]{2,12}?)(?:联合)?(?:发布|印发|出台|制定|发)的《(?P<title>[^》]{2,40})》|"
                       r"《(?P<title2>[^》]{2,40})》(?:是)?由?(?P<issuer2>[\u4e00-\u9fff]{2,12}?)(?:发布|印发|出台|制定)")
# The same body under its short and its full name.
ISSUER_NAMES = {
    "工信部": "工业和信息化部", "国资委": "国资委", "工商联": "工商联", "发改委": "发展改革委", "财政部": "财政部",
    "国务院": "国务院", "科技部": "科技部", "商务部": "商务部", "市场监管总局": "市场监管总局", "标准委": "标准化管理委员会",
}
SUBJECT_WINDOW = 60  # characters either side of an edition in a source that may name its document


@dataclass(frozen=True)
class PremiseProblem:
    kind: str  # "edition" or "issuer"
    subject: str  # the document as the question names it
    asked: str  # the edition year or the issuer the question assumes
    found: str  # what the sources have instead (years joined, or the issuer)


def _subject(question: str, end: int) -> str:
    m = SUBJECT_AFTER.match(question, end)
    if not m:
        return ""
    return m.group("title") or re.split(r"里|中|的(?:哪|什么)|有|是|怎么|如何|\b(?:say|says|have|has|is|are|do|does)\b",
                                        m.group("words"))[0].strip()


def edition_problems(question: str, sources: list[str], min_share: float) -> list[PremiseProblem]:
    """Editions the question names that the sources know the document without."""
    problems = []
    for m in EDITION.finditer(question):
        year = m.group("year") or m.group("year2") or m.group("year3")
        subject = _subject(question, m.end())
        words = content_words(subject)
        if not words:
            continue
        years = set()
        for source in sources:
            for e in EDITION_IN_SOURCE.finditer(source):
                near = source[max(0, e.start() - SUBJECT_WINDOW):e.end() + SUBJECT_WINDOW]
                if share(words, near, substring=True) >= min_share:
                    years.add(e.group(1) or e.group(2))
        if years and year not in years:
            problems.append(PremiseProblem("edition", subject, year, "、".join(sorted(years))))
    return problems


def _same_body(asked: str, issuer: str) -> bool:
    full = ISSUER_NAMES.get(asked, asked)
    return asked in issuer or full in issuer


def issuer_problems(question: str, titled: list[tuple[str, str]], min_share: float) -> list[PremiseProblem]:
    """Issuers the question names for a document whose source says another issued it. ``titled``:
    each source's (title, issuer) from its front matter."""
    problems = []
    for m in ISSUED_BY.finditer(question):
        asked = (m.group("issuer") or m.group("issuer2") or "").strip()
        title = m.group("title") or m.group("title2")
        asked = next((name for name in ISSUER_NAMES if asked.endswith(name)), asked)
        for source_title, issuer in titled:
            if issuer and share(title, source_title) >= min_share and not _same_body(asked, issuer):
                problems.append(PremiseProblem("issuer", title, asked, issuer))
                break
    return problems
