"""The asks of a question: "X是什么？对小微企业有什么好处？" or "文号是什么，多少家用过" are two asks,
each answered (or said to be not given) on its own, so that one ask the sources cannot answer does
not sink the others.

An ask is cut where a new interrogative clause starts: after a question mark, or at a comma,
semicolon or "and" when the words on both sides each ask something. Each ask gets the kinds of
fact it asks for (``app.answer.fact_kinds``: an amount, a date, a count …) and its shape (a
definition, a list, a how-to, a role or requirement, a comparison), which say what a source
sentence must hold to answer it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.fact_kinds import asked_kinds
from ingest.text import content_words

# Words that make a clause a question.
INTERROGATIVE = re.compile(
    r"什么|哪些|哪个|哪几|哪里|哪儿|多少|几[个家项批年月天种类条名所]|怎么|怎样|如何|为何|为什么|是否|能否|可否|有没有|"
    r"是不是|要不要|吗|呢|\b(?:what|which|who|whom|whose|when|where|why|how|whether)\b|"
    r"^\s*(?:is|are|does|do|did|can|could|should|will|would|has|have)\b", re.I)  # "is …?" asks only at the start
# Where one ask ends and the next may begin.
ASK_BREAK = re.compile(r"(?<=[？?])\s*|[，,；;]\s*|\s+(?:and|also)\s+(?=(?:what|which|who|when|where|why|how)\b)"
                       r"|(?:还有|另外|以及|并且|同时)(?=[^，,；;？?]{0,6}(?:什么|哪些|多少|几|怎么|如何|是否|吗))", re.I)
# The shape of what an ask wants.
SHAPES: dict[str, re.Pattern] = {
    "definition": re.compile(r"是什么|是指什么|指的是|什么是|什么叫|是啥|定义|含义|意思|\bwhat (?:is|are|does) (?:a |an |the )?"
                             r"[\w\s-]{1,40}(?:mean|\?)|\bwhat does .{1,40} mean\b|\bdefin", re.I),
    "list": re.compile(r"哪些|哪几|有什么|包括什么|包含什么|\bwhich\b|\bwhat (?:are|were) the\b|\blist\b|\bkinds of\b",
                       re.I),
    "how_to": re.compile(r"怎么|怎样|如何|从哪|先做|做什么|步骤|路径|\bhow (?:do|can|should|to|would)\b|\bwhere (?:do|should) "
                         r"(?:we|i) start\b|\bsteps?\b|\bfirst\b", re.I),
    "role": re.compile(r"要求|作用|角色|职责|任务|定位|责任|义务|\brole\b|\brequire|\bexpected\b|\bresponsib|\bduty\b|"
                       r"\bask(?:s)? of\b", re.I),
    "comparison": re.compile(r"区别|不同|差别|差异|对比|比较|相比|一样吗|\bdiffer|\bcompare|\bversus\b|\bvs\.?\b", re.I),
    "yes_no": re.compile(r"有没有|是否|能否|可否|是不是|要不要|吗[？?]?$|^(?:is|are|does|do|did|can|could|should|will)\b",
                         re.I),
}


# An ask that points back to the one before it: "how much of it has the company drawn", "它要达到多少".
POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|this|that|these|those)\b|它|其|该|这|那", re.I)


@dataclass(frozen=True)
class QuestionPart:
    text: str  # the ask in the user's words (the question itself when it is one ask)
    kinds: tuple[str, ...] = ()  # kinds of fact it asks for (amount, date, count …)
    shapes: tuple[str, ...] = ()  # what it wants: definition, list, how_to, role, comparison, yes_no
    # the ask before, when this one leans on it for its subject: it names none of its own ("…蛋白质含量
    # 有没有具体要求？要达到多少？") or points back to it ("the 渤海银行 credit line, and how much of it…")
    leans_on: str = ""


# The word that joined an ask to the next one, left at its end by the cut: "… evaluate results and".
TRAILING_JOIN = re.compile(r"(?:\s+(?:and|also)|还有|另外|以及|并且|同时)\s*$", re.I)


def part_of(text: str, leans_on: str = "") -> QuestionPart:
    text = TRAILING_JOIN.sub("", text.strip())
    return QuestionPart(text, tuple(asked_kinds(text)), tuple(k for k, p in SHAPES.items() if p.search(text)),
                        leans_on.strip())


def leans_on_previous(ask: str, min_words: int = 2) -> bool:
    """Does the ask take its subject from the ask before it: it points back, or names fewer than
    ``min_words`` words besides its question words ("要达到多少？")?"""
    return bool(POINTS_BACK.search(ask)) or len(content_words(INTERROGATIVE.sub(" ", ask))) < min_words


def _pieces(question: str) -> list[str]:
    """The question cut at each possible break, each piece keeping its own punctuation."""
    pieces, start = [], 0
    for m in ASK_BREAK.finditer(question):
        if m.end() > start:
            pieces.append(question[start:m.end()])
            start = m.end()
    return [p for p in pieces + [question[start:]] if p.strip(" ，,；;")]


def split_parts(question: str, min_chars: int = 4) -> list[QuestionPart]:
    """The question's asks, in order. A piece that asks nothing (a preamble such as "我们是做五金的")
    joins the ask after it; so does one shorter than ``min_chars``."""
    asks: list[str] = []
    pending = ""
    for piece in _pieces(question.strip()):
        text = pending + piece
        if INTERROGATIVE.search(piece) and len(piece.strip(" ？?，,；;")) >= min_chars:
            asks.append(text)
            pending = ""
        else:
            pending = text
    if pending.strip(" ，,；;？?"):
        if asks:
            asks[-1] = f"{asks[-1]}{pending}"
        else:
            asks.append(pending.strip())
    merged: list[str] = []
    for ask in asks:  # "…, and when?" names nothing of its own: it asks more of the ask before it
        if merged and not content_words(INTERROGATIVE.sub(" ", ask)):
            merged[-1] = f"{merged[-1]}{ask}"
        else:
            merged.append(ask)
    return [part_of(a, merged[i - 1] if i and leans_on_previous(a) else "") for i, a in enumerate(merged)] \
        or [part_of(question)]
