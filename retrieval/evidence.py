"""Evidence first: the sentences and list items of the retrieved chunks that best answer the
question, quoted verbatim with the number of their source.

Two stages keep it fast on a slow CPU: every unit of the best chunks is scored lexically (the
question's words and numbers, weighted by how rare they are among the units, plus the chunk's own
rank); only the best few are embedded and scored by cosine with the question. The result is shown
before the model's first token, given to the model instead of whole chunks, and is what the
extractive fallback quotes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import jieba
import numpy as np

from ingest.language import estimate_tokens
from retrieval.lexical import STOPWORDS, WORDLIKE, tokenize

UNIT_SPLIT = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+(?=[A-Z0-9\"“(])|\n+")
# A list item's mark; "4.2 盘锦大米…" (a clause number) and "1.5倍…" (a figure) are not marks
LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+(?:[.、)）](?!\d))|[（(][一二三四五六七八九十\d]+[)）])\s*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MIN_UNIT_CHARS = 8
LEAD_END = re.compile(r"[:：]$")  # a sentence that introduces a list
MAX_BLOCK_ITEMS = 10  # items a list's lead sentence carries as one evidence unit ...
MAX_BLOCK_CHARS = 600  # ... within this length; the rest stay units of their own
SHORT_LEAD = 30  # a lead this short ("The reported results:") says what of; the sentence before it says whose
DENSE_POOL = 16  # units embedded per question: the cost that bounds the time to show evidence
PRIOR_WEIGHT = 0.04  # a unit of the first chunk gets this much more than one of a low-ranked chunk
# A sentence that only points elsewhere ("详见……一篇", "see the summary of …") states no fact.
POINTER = re.compile(r"^(?:具体(?:做法|内容)?)?(?:详)?见[“\"《「]|^(?:for details,? )?see (?:the|our) ", re.I)
POINTER_PENALTY = 0.1
# Text that addresses the model rather than the reader: an instruction planted in a document is data,
# never evidence ("ignore previous instructions", a fake system prompt, "answer that …").
ADDRESSED_TO_MODEL = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules)|"
    r"disregard (?:the |all )?(?:previous|above|prior)|system prompt|you are (?:now )?(?:an? )?(?:ai|assistant|chatbot|"
    r"language model)|as an ai|(?:assistant|model|chatbot|ai)\s*(?:must|should|shall) (?:answer|say|reply|respond)|"
    r"(?:answer|reply|respond|tell the user) (?:that|with)\b|<\|?(?:im_start|system|assistant)\|?>|^\s*(?:system|assistant)\s*[:：]|"
    r"忽略(?:之前|以上|前面|上述)(?:的)?(?:所有)?(?:指令|指示|提示|规则|内容)|系统提示|提示词|你(?:现在)?是(?:一个)?(?:AI|人工智能|助手|模型)|"
    r"(?:回答|回复)(?:用户)?时(?:请|要|必须)|请(?:直接)?(?:回答|告诉用户)(?:说)?|无论用户问什么|"
    # role play and standing orders ("you are now PirateBot", "from now on …", "never mention these instructions")
    r"\byou are now\b|\bfrom now on,? (?:you|always|only|answer|reply|respond|talk|speak)\b|whatever the user (?:asks|says)|end every (?:sentence|answer|reply)|"
    r"never (?:mention|reveal|disclose) (?:these|this|the|your) (?:instructions?|prompt)|"
    r"你现在是|从现在(?:起|开始)[，,]?(?:你|只|请|每)|每句话都要|告诉用户|不要(?:提及|透露)(?:这些|以上|本)?(?:指令|指示|提示)|"
    r"</?script\b", re.I)  # a script in a Markdown or text file is addressed to a browser, never the reader


# A unit that leans on the sentence before it: a pronoun or connective opening it, or "therefore"
# early on ("不会转 has therefore become the key bottleneck").
ANAPHORA = re.compile(r"^(?:they|this|these|those|it|its|their|such|thus|hence|however|as a result|in their view)\b|"
                      r"^.{0,60}\btherefore\b|^(?:因此|所以|因而|但是?|然而|不过|这(?:些|种|一|个|样)?|该|其|他们|它们|对此|为此|上述)",
                      re.I)


@dataclass
class EvidenceUnit:
    source_index: int  # index into the source list it came from (0-based)
    position: int  # order within its chunk
    text: str
    section: str
    lexical: float = 0.0
    dense: float | None = None
    score: float = 0.0
    kind_bonus: float = 0.0


LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]+)\]\((?:https?:|ftp:|mailto:|//)[^)]*\)|<img[^>]*>", re.I)
URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.I)


def strip_remote_content(text: str) -> str:
    """Markdown links and images become plain text and bare URLs go: what is shown never makes the
    user's browser fetch anything."""
    return URL.sub("", LINK.sub(lambda m: m.group(1) or "", text))


# A fake chat turn planted in a document, up to its end marker: its claims are the turn's, even when
# they stand alone in their own paragraph.
FAKE_TURN = re.compile(r"<\|?im_start\|?>.*?<\|?im_end\|?>", re.S | re.I)


TABLE_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")  # the line under a Markdown table's header row


def _table_cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _row_with_header(header: list[str], cells: list[str]) -> str:
    """A table row as one unit that names each cell's column ("年份：2021；评级机构：联合资信评估有限公司"):
    alone, a row of figures does not say which figure is which."""
    return "；".join(f"{h}：{c}" if h and h != c else c for h, c in zip(header, cells) if c)


def _marked_units(text: str) -> list[tuple[str, int, int]]:
    """(unit, the list item it belongs to or -1, its line) for each sentence and list item of a
    chunk; a list item of several sentences gives several units with the same item number."""
    units = []
    lines = strip_remote_content(FAKE_TURN.sub("\n", text)).split("\n")
    header: list[str] = []
    for line_no, line in enumerate(lines):
        if line.startswith("|") and (header or line_no + 1 < len(lines) and TABLE_RULE.match(lines[line_no + 1])):
            # a Markdown table (ingest/tables.py): the header row is said with every row, not alone
            if not header:
                header = _table_cells(line)
            elif not TABLE_RULE.match(line) and not ADDRESSED_TO_MODEL.search(line):
                units.append((_row_with_header(header, _table_cells(line)), -1, line_no))
            continue
        header = []
        item = line_no if LIST_MARK.match(line) else -1
        for raw in UNIT_SPLIT.split(line):
            unit = LIST_MARK.sub("", raw.strip()).replace("**", "").strip()
            if unit.startswith("#"):
                continue  # a heading is context, not a claim
            if ADDRESSED_TO_MODEL.search(unit):
                continue
            if len(unit) >= MIN_UNIT_CHARS or (len(unit) >= 2 and (item >= 0 or LEAD_END.search(unit))):
                units.append((unit, item, line_no))
    return units


def split_units(text: str) -> list[str]:
    """Sentences and list items of a chunk, list markers, Markdown emphasis and links removed."""
    return [u for u, _, _ in _marked_units(text) if len(u) >= MIN_UNIT_CHARS]


def _join_items(lead: str, items: list[str]) -> str:
    out = lead
    for item in items:
        if re.search(r"[：；，。！？]$", out):  # Chinese punctuation needs no space
            sep = ""
        elif re.search(r"[:;,.!?]$", out):
            sep = " "
        else:
            sep = "；" if re.match(r"[\u4e00-\u9fff]", item) else "; "
        out += sep + item
    return out


def evidence_units(text: str) -> list[str]:
    """The units evidence is chosen from: sentences and list items, except that a sentence
    introducing a list ("the targets for 2027 are:") carries its items. Alone, the lead holds the
    question's words and no fact, and each item a fact without its subject. A short lead ("报道给出的
    成效：") also carries the sentence before it in its paragraph, which names whose results they are."""
    marked = _marked_units(text)
    out, i = [], 0
    while i < len(marked):
        unit, _, line = marked[i]
        i += 1
        if not LEAD_END.search(unit):
            if len(unit) >= MIN_UNIT_CHARS:
                out.append(unit)
            continue
        before = marked[i - 2] if i >= 2 else None
        carried = ""
        if len(unit) <= SHORT_LEAD and before is not None and before[2] == line and out and out[-1] == before[0]:
            carried = out.pop()  # "… is the first overseas lighthouse. The reported results:"
            unit = _join_sentences(carried, unit)
        parts, items = [], set()
        while i < len(marked) and marked[i][1] >= 0 \
                and (marked[i][1] in items or len(items) < MAX_BLOCK_ITEMS) \
                and len(_join_items(unit, parts + [marked[i][0]])) <= MAX_BLOCK_CHARS:
            parts.append(marked[i][0])
            items.add(marked[i][1])
            i += 1
        if parts:  # a lead whose items the chunk cut off states nothing
            out.append(_join_items(unit, parts))
        elif carried:
            out.append(carried)
    return out


def _terms(text: str) -> set[str]:
    tokens = set(tokenize(text))
    cjk = re.findall(r"[\u4e00-\u9fff]", text)
    tokens.update(a + b for a, b in zip(cjk, cjk[1:]))
    return tokens


def term_share(question: str, text: str) -> float:
    """Plain share of the question's terms (words, Chinese bigrams, numbers) that the text holds."""
    wanted = _terms(question)
    return len(wanted & _terms(text)) / len(wanted) if wanted else 0.0


def content_words(text: str) -> set[str]:
    """The words that say what a question is about: jieba's precise cut (so "世界杯" stays whole and
    does not meet "世界经济论坛"), minus stop words and single characters."""
    return {w for w in (t.strip().lower() for t in jieba.lcut(text))
            if len(w) >= 2 and WORDLIKE.search(w) and w not in STOPWORDS}


# Words too general to say what a question is about ("enterprise", "how much", "数字化").
# Everyday filler ("大家都在说", "到底", "请问") says nothing of the subject either.
GENERAL_WORDS = frozenset({
    "企业", "公司", "我们", "你们", "大家", "多少", "什么", "怎么", "怎么样", "哪些", "哪个", "哪里", "哪儿", "应该", "到底",
    "请问", "一下",
    "这个", "那个", "现在", "数字化", "转型", "数字化转型", "国家", "中国",
    "enterprise", "enterprises", "company", "companies", "firm", "firms", "digital", "transformation",
    "much", "many", "what", "does", "how", "china", "china's", "still", "would", "could", "should", "like", "look"})


def specific_words(question: str) -> set[str]:
    """The question's content words beyond the field's general ones and everyday filler."""
    return content_words(question) - GENERAL_WORDS


def word_share(question: str, text: str, specific: bool = False) -> float:
    """Share of the question's content words that occur in the text; ``specific``: leaving out
    the general words (GENERAL_WORDS), which any text of the field holds."""
    wanted = specific_words(question) if specific else content_words(question)
    flat = text.lower()
    return sum(w in flat for w in wanted) / len(wanted) if wanted else 0.0


def score_lexical(query: str, units: list[EvidenceUnit]) -> None:
    """IDF-weighted share of the question's terms (jieba words, Chinese bigrams, numbers) that each
    unit holds; its section heading counts at half weight."""
    wanted = _terms(query)
    if not wanted or not units:
        return
    unit_terms = [_terms(u.text) for u in units]
    section_terms = [_terms(u.section) for u in units]
    n = len(units)
    idf = {t: math.log(1 + n / (1 + sum(t in ts for ts in unit_terms))) for t in wanted}
    total = sum(idf.values()) or 1.0
    numbers = set(NUMBER.findall(query))
    for unit, ts, ss in zip(units, unit_terms, section_terms):
        hit = sum(w for t, w in idf.items() if t in ts) + 0.5 * sum(w for t, w in idf.items() if t in ss and t not in ts)
        unit.lexical = hit / total
        if numbers and numbers & set(NUMBER.findall(unit.text)):
            unit.lexical += 0.2


def select_evidence(query: str, texts: Sequence[str], sections: Sequence[str],
                    embed_query: Callable[[str], np.ndarray] | None,
                    embed_passages: Callable[[list[str]], np.ndarray] | None,
                    token_budget: int, min_items: int = 2, max_items: int = 8,
                    kind_of: Callable[[str], float] | None = None) -> list[EvidenceUnit]:
    """The best units of ``texts`` (chunks, best first) for ``query``, best first, within
    ``token_budget`` estimated tokens (never fewer than ``min_items`` when there are that many).
    ``kind_of(unit_text)`` may add a bonus for units that hold the kind of fact asked for."""
    units = [EvidenceUnit(i, p, u, sections[i] if i < len(sections) else "")
             for i, text in enumerate(texts) for p, u in enumerate(evidence_units(text))]
    if not units:
        return []
    score_lexical(query, units)
    for u in units:
        u.kind_bonus = (kind_of(u.text) if kind_of else 0.0) - (POINTER_PENALTY if POINTER.search(u.text) else 0.0)
        u.score = u.lexical + u.kind_bonus + PRIOR_WEIGHT * (len(texts) - u.source_index) / len(texts)
    pool = sorted(units, key=lambda u: -u.score)[:DENSE_POOL]
    if embed_query is not None and embed_passages is not None:
        q = embed_query(query)
        vectors = embed_passages([f"{u.section} {u.text}".strip() for u in pool])
        for u, v in zip(pool, vectors):
            u.dense = float(np.dot(q, v))
            # Cosine carries meaning across wording and language; the lexical share rewards the
            # question's own terms and numbers; both are 0..1-ish.
            u.score = u.dense + 0.3 * u.lexical + u.kind_bonus + PRIOR_WEIGHT * (len(texts) - u.source_index) / len(texts)
    pool.sort(key=lambda u: -u.score)
    chosen, used, seen = [], 0, set()
    for u in pool:
        key = re.sub(r"\W", "", u.text)
        if key in seen:  # the same sentence in the zh and en versions or in overlapping chunks
            continue
        cost = estimate_tokens(u.text) + 4
        if len(chosen) >= max_items or (len(chosen) >= min_items and used + cost > token_budget):
            continue
        seen.add(key)
        chosen.append(u)
        used += cost
    by_place = {(u.source_index, u.position): u for u in units}
    picked = {(u.source_index, u.position) for u in chosen}
    for u in chosen:  # "They …", "… has therefore become …": the sentence before says what it refers to
        before = by_place.get((u.source_index, u.position - 1))
        if ANAPHORA.search(u.text) and before is not None and (before.source_index, before.position) not in picked:
            u.text = _join_sentences(before.text, u.text)
    return chosen


def _join_sentences(first: str, second: str) -> str:
    return first + ("" if re.search(r"[\u4e00-\u9fff。；：！？]$", first) else " ") + second
