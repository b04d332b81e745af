"""Does a sentence keep the scope, quantity, modality and subject of the source sentence it
restates? Word overlap cannot see what a small model bends most often:

- a **bound or approximation** dropped from a figure ("1200余家" → "1200家", "最高1.5亿元" → "1.5亿元");
- a **part made the whole** ("4 of the 16 business scenarios" → "4 business scenarios");
- a **limited scope made general** ("一些地方发布的通知要求……" → "企业必须……");
- a **recommendation made binding** ("鼓励企业……" → "企业必须……");
- a **reported figure made a forecast** ("农业最低，仅为10.5%" → "农业数字化渗透率预计为10.5%");
- a **list given under a sibling** ("数字化基础、数字化管理……组成，其中包括设备联网率……" → "数字化管理主要考设备联网率");
- an **organisation's name** the source does not give ("SASAC, the State Administration for Industry and Commerce").

Each check compares the sentence with the one source sentence that holds most of its words, so a
qualifier elsewhere in the source does not count. The word lists describe the *kind* of qualifier,
not particular questions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.citations import MARKER
from ingest.text import LIST_MARK, NUMBER, content_terms, content_words, share, split_sentences

# A bound or approximation right before a figure, or right after it (with its unit in between).
_BOUND_WORDS = (
    r"(?:约|大约|近|将近|接近|超过|逾|多达|至少|最多|最高|最低|不少于|不超过|不低于|不高于|上限|"
    r"about|around|approximately|roughly|nearly|almost|over|more than|at least|at most|up to|as many as|"
    r"as much as|less than|fewer than|under|some)")
BOUND_BEFORE = re.compile(_BOUND_WORDS + r"\s*$", re.I)
BOUND_NEAR = re.compile(_BOUND_WORDS, re.I)  # in the sentence: "最高可获得1.5亿元" keeps the cap
BOUND_AFTER = re.compile(
    r"^\s*(?:%|％|万亿|亿|万|千|百)?\s*(?:元|个|家|项|座|条|名|所|批|年|月|天|种|类)?\s*"
    r"(?:余|多|以上|以下|以内|左右|上下|出头|\+|plus\b|or more\b|or so\b|odd\b)", re.I)
BOUND_WINDOW = 8  # characters either side of a figure searched for its bound
# "4 of the 16", "16个场景中的4个", "其中4个": the figure is a part of a whole the sentence must keep.
PARTITIVE = [
    re.compile(r"(?P<part>\d+(?:\.\d+)?)\s+of\s+(?:the\s+|its\s+|all\s+)?(?P<whole>\d+(?:\.\d+)?)\b", re.I),
    re.compile(r"(?P<whole>\d+(?:\.\d+)?)\s*[个项家类种条座批]?[^，。；,;\d]{0,12}?(?:中|之中)的?\s*(?P<part>\d+(?:\.\d+)?)"),
]
PART_WORDS = re.compile(r"其中|之中|中的|\bof (?:the|its|all)\b|\bamong\b|\bout of\b", re.I)
# Who a requirement applies to, when not everyone.
LIMITED_SCOPE = re.compile(
    r"一些|有些|有的|某些|个别|少数|部分(?:地方|地区|城市|省份|省|企业|行业|单位|园区|试点|通知|文件)|多地|一些地方|"
    r"据一份|\b(?:some|certain|a few|several|a number of|selected|one|a)\s+(?:local\s+)?"
    r"(?:notices?|localit(?:y|ies)|cities|city|provinces?|regions?|firms|enterprises|documents?)\b", re.I)
# How binding a statement is: an obligation, or a requirement someone states.
OBLIGATION = re.compile(r"必须|务必|一定要|强制|必需|须|应当|不得|严禁|\bmust\b|\bshall\b|\brequired\b|\bmandatory\b|"
                        r"\bhave to\b|\bhas to\b|\bobliged\b", re.I)
REQUIREMENT = re.compile(r"必须|务必|强制|必需|须|应当|应(?![用对急收答])|要求|规定|不得|严禁|\bmust\b|\bshall\b|\brequire|"
                         r"\bmandatory\b|\bshould\b|\bneed(?:s)? to\b|\bobliged\b", re.I)
# A figure said to be expected, forecast or a target, not what was measured.
# (Not "目标"/"target": a plan's figures are targets without saying so.)
FORECAST = re.compile(r"预计|预测|预期|有望|将(?:会)?(?:达到|突破|提升|提高|超过|增长|保持|降至|下降)|"
                      r"\b(?:expect(?:ed|s)?|forecasts?|projected|predict(?:ed|s)?|estimated to|"
                      r"will (?:reach|rise|grow|exceed|hit|climb|fall))\b", re.I)
# An organisation's name in English: three or more capitalised words ("State Administration for
# Industry and Commerce"); its word pairs must mostly stand in the source.
ORG_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:for|of|and|the|on|in)\s+)*[A-Z][a-z]+)*\s+"
                      r"(?:Administration|Ministry|Commission|Council|Bureau|Federation|Association|Institute|"
                      r"Department|Office|Agency|Committee|Cent(?:er|re)|Forum|Academy|Corporation|Bank|Daily|News)"
                      r"(?:\s+(?:(?:for|of|and|the|on|in)\s+)*[A-Z][a-z]+)*")
YEAR = re.compile(r"(?:19|20)\d\d")  # "over 2022–2025" is a period, not a bound
# Words that introduce a list without naming whose list it is.
LIST_VERBS = re.compile(r"主要|包括|包含|含有|涉及|考察|考核|考查|考|看|有|等|如|例如|比如|分为|由|组成|"
                        r"\b(?:include[sd]?|including|cover(?:s|ed)?|such as|mainly|are|is|has|have)\b", re.I)
ENUMERATION = re.compile(r"[、,；;]|和|及|与|以及|\band\b|\bor\b")  # not "，": it joins clauses
LABEL = re.compile(r"^\s*(?:[-*•]\s*)?([^\s：:。，,；;（(]{2,12})\s*[：:]")  # "先进级：…", "Level 3: …"
HEADING = re.compile(r"^\s*(?:#+\s*(?P<h>[^\n]+)|[-*]?\s*\*\*(?P<b>[^*\n]{2,30})\*\*\s*[：:（(])", re.M)


@dataclass(frozen=True)
class QualifierPolicy:
    """When a source sentence is the one a sentence restates, and how much of a name must stand."""
    match_share: float = 0.5  # share of the sentence's content terms the source sentence must hold to be its source
    name_pairs: float = 0.6  # share of an English name's word pairs the source must hold (a title said with "the")
    min_item_chars: int = 2  # a shorter piece of a list is not an item
    item_share: float = 0.6  # an item of the sentence is the source's when this share of its terms stands there
    max_sibling_chars: int = 12  # a longer piece of the source's enumeration is a clause, not a sibling's name
    advice_terms: int = 6  # a binding clause ("should …", "应当…") this long must restate a source sentence; a
    # shorter one ("应当备案") says too little to look up


DEFAULT_QUALIFIER_POLICY = QualifierPolicy()


def _body(text: str) -> str:
    """The sentence's words: no markers, no emphasis, no list number ("1. ")."""
    return LIST_MARK.sub("", MARKER.sub("", text).replace("*", ""), count=1)


def restated_sentence(sentence: str, source: str, policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """The source sentence that holds most of the sentence's content terms ("" when none holds enough)."""
    words = content_terms(_body(sentence))
    if not words:
        return ""
    best, best_share = "", 0.0
    for part in split_sentences(_body(source)):
        got = share(words, part)
        if got > best_share:
            best, best_share = part, got
    return best if best_share >= policy.match_share else ""


def _bounded(text: str, start: int, end: int, near: bool = False) -> bool:
    """A bound right before the figure (``near``: anywhere in the few characters before it) or right after it."""
    before = text[max(0, start - BOUND_WINDOW):start]
    return bool((BOUND_NEAR if near else BOUND_BEFORE).search(before) or BOUND_AFTER.match(text[end:end + BOUND_WINDOW]))


def dropped_bound(sentence: str, source_sentence: str) -> str:
    """A figure the source bounds or approximates ("1200余家", "最高1.5亿元") given as exact."""
    body = _body(sentence)
    for m in NUMBER.finditer(body):
        if YEAR.fullmatch(m.group()) or _bounded(body, m.start(), m.end(), near=True):
            continue
        for s in re.finditer(rf"(?<![\d.]){re.escape(m.group())}(?![\d.])", source_sentence):
            if _bounded(source_sentence, s.start(), s.end()):
                return f"gives {m.group()} as exact where its source bounds it " \
                       f"(“{source_sentence[max(0, s.start() - BOUND_WINDOW):s.end() + BOUND_WINDOW].strip()}”)"
    return ""


def dropped_whole(sentence: str, source_sentence: str) -> str:
    """A figure the source gives as a part of a whole ("4 of the 16") given without its whole."""
    body = _body(sentence)
    numbers = set(NUMBER.findall(body))
    for pattern in PARTITIVE:
        for m in pattern.finditer(source_sentence):
            part, whole = m.group("part"), m.group("whole")
            if part in numbers and whole not in numbers and not PART_WORDS.search(body):
                return f"gives {part} without the whole it is part of (“{m.group(0)}”)"
    return ""


def made_forecast(sentence: str, source_sentence: str) -> str:
    """A figure the source reports as measured (no forecast, expectation or target in its sentence)
    given as expected or forecast."""
    body = _body(sentence)
    if not FORECAST.search(body) or FORECAST.search(source_sentence):
        return ""
    for m in NUMBER.finditer(body):
        if not YEAR.fullmatch(m.group()) and re.search(rf"(?<![\d.]){re.escape(m.group())}(?![\d.])", source_sentence):
            return f"gives {m.group()} as expected where its source reports it as measured"
    return ""


def widened_scope(sentence: str, source_sentence: str) -> str:
    """A requirement the source states for some ("一些地方的通知要求") stated for all, or a
    recommendation made binding."""
    body = _body(sentence)
    scope, required = LIMITED_SCOPE.search(source_sentence), REQUIREMENT.search(source_sentence)
    binding = OBLIGATION.search(body) or REQUIREMENT.search(body)
    # what is required ("…要求企业达到 CMMM 三级及以上") said as a plain fact ("企业达到CMMM三级及以上")
    # widens it as much as "必须" does
    restates = required and share(content_terms(body), source_sentence[required.end():]) >= 0.5
    if scope and required and not LIMITED_SCOPE.search(body) and (binding or restates):
        return f"states for all what its source requires only of some (“{scope.group(0)}”)"
    if OBLIGATION.search(body) and not required:
        return "makes binding what its source does not require"
    return ""


def _items(body: str, source_sentence: str, policy: QualifierPolicy) -> list[tuple[int, str]]:
    """Pieces of the sentence's enumeration found in the source sentence, with where each starts."""
    found, pos = [], 0
    for piece in ENUMERATION.split(body):
        start = body.find(piece, pos)
        pos = start + len(piece)
        text = piece.strip(" 。.：:")
        if len(text) < policy.min_item_chars:
            continue
        # the longest tail of the piece the source has: "数字化管理主要考设备联网率" → "设备联网率"
        for cut in range(len(text) - policy.min_item_chars + 1):
            tail = text[cut:]
            if tail in source_sentence and share(content_terms(tail), source_sentence) >= policy.item_share:
                found.append((start + piece.find(tail), tail))
                break
    return found


def _siblings(source: str, source_sentence: str, items: list[str], policy: QualifierPolicy) -> tuple[list[str], str]:
    """What the source sentence enumerates beside the list ("数字化基础（权重50）、数字化管理（权重30）"),
    and the source's other headings; and the heading the list stands under."""
    plain = re.sub(r"[（(][^）)]*[)）]", "", source_sentence)
    pieces = [p.strip(" ：:") for p in re.split(r"[、；;]", plain)]
    listed = [p for p in pieces if 0 < len(p) <= policy.max_sibling_chars and not any(i in p for i in items)]
    at = source.find(source_sentence[:policy.max_sibling_chars])
    heads = [(m.start(), m.group("h") or m.group("b")) for m in HEADING.finditer(source)]
    above = [h for start, h in heads if at < 0 or start <= at]
    own_heading = above[-1] if above else ""
    return listed + [h for _, h in heads if h != own_heading], own_heading


def misplaced_list(sentence: str, source_sentence: str, source: str,
                   policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """A list the source gives under one subject, given under a sibling of it: the words that lead
    the sentence's list name something the source lists beside it, not what the list belongs to."""
    body = _body(sentence)
    items = _items(body, source_sentence, policy)
    if len(items) < 2:
        return ""
    first_at, first = min(items)
    lead_words = content_words(LIST_VERBS.sub(" ", body[:first_at]))
    # the clause of the source that holds the list, before and after it ("人工智能和数字孪生在90%以上的示范工厂中得到应用")
    own_clause = next((c for c in re.split(r"[，,；;。:：]", source_sentence) if first in c), "")
    siblings, own_heading = _siblings(source, source_sentence, [t for _, t in items], policy)
    for word in sorted(lead_words, key=len, reverse=True):
        if word in own_clause or word in own_heading:
            continue
        sibling = next((s for s in siblings if word in s), "")
        if sibling:
            return f"gives a list of “{own_heading or own_clause.strip()}” under “{sibling}”"
    return ""


def unknown_name(sentence: str, source: str, known: str = "", policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """An organisation's English name the source (and the user) never gives."""
    haystack = re.sub(r"\s+", " ", f"{source} {known}").lower()
    for m in ORG_NAME.finditer(_body(sentence)):
        words = re.sub(r"^the\s+", "", m.group(0).lower()).split()
        pairs = list(zip(words, words[1:]))
        held = sum(f"{a} {b}" in haystack for a, b in pairs)
        if pairs and held / len(pairs) < policy.name_pairs:
            return f"names “{m.group(0)}”, which its source does not"
    return ""


TITLE = re.compile(r"《([^》]{2,40})》")


def other_document(sentence: str, source: str, policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """The document a sentence is about (the 《…》 it opens with) that neither the source's heading
    nor the source sentences restating the rest of it name: what one document says, given as
    another's (the 2022 Guide's apps given as the 2024 Guidelines' requirements)."""
    body = _body(sentence).lstrip()
    subject = TITLE.match(body)
    if not subject:
        return ""
    title, heading = subject.group(1), source.split("\n", 1)[0]
    if title in heading:
        return ""
    for clause in re.split(r"[；;。]", body[subject.end():]):
        restated = restated_sentence(clause, source, policy)
        if restated and title not in restated:
            return f"gives as 《{title}》's what a source sentence about another document says"
    return ""


def _label(source_sentence: str, policy: QualifierPolicy) -> str:
    """The short label a source sentence opens with ("先进级：须已自评为基础级…" → 先进级)."""
    m = LABEL.match(source_sentence)
    return m.group(1) if m and len(m.group(1)) <= policy.max_sibling_chars else ""


def other_label(sentence: str, source: str, policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """The source gives facts under labels ("先进级：…。卓越级：…"); a clause that restates one label's
    sentence, under a sentence about a sibling label ("申报卓越级…需要满足：首先，[先进级的条件]"),
    moves those facts to the sibling."""
    body = _body(sentence)
    head, colon, rest = body.partition("：") if "：" in body else body.partition(":")
    if not colon:
        return ""
    labels = {_label(s, policy) for s in split_sentences(_body(source))} - {""}
    for clause in re.split(r"[；;]", rest):
        own = _label(restated_sentence(clause, source, policy), policy)
        named = [l for l in labels if l != own and l in head and own not in head]
        if own and own not in clause and named:
            return f"gives what its source says of “{own}” as said of “{named[0]}”"
    return ""


def qualifier_problem(sentence: str, source: str, known: str = "",
                      policy: QualifierPolicy = DEFAULT_QUALIFIER_POLICY) -> str:
    """Why the sentence misstates its source's scope, quantity, modality, subject or names ("" when
    it keeps them)."""
    named = unknown_name(sentence, source, known, policy) or other_document(sentence, source, policy) \
        or other_label(sentence, source, policy)
    if named:
        return named
    matched = restated_sentence(sentence, source, policy)
    problem = ""
    if matched:
        problem = dropped_whole(sentence, matched) or dropped_bound(sentence, matched) \
            or made_forecast(sentence, matched) or widened_scope(sentence, matched) \
            or misplaced_list(sentence, matched, source, policy)
    # a run-on restates several source sentences: each clause that binds keeps its own source's scope,
    # and one that restates none is advice of the model's own ("The enterprise should focus on expanding
    # its lighthouse network…, as the network spans 220 lighthouses" under a question for a count)
    for clause in re.split(r"[；;，,]", _body(sentence)) if not problem else ():
        binds = REQUIREMENT.search(clause)
        own = restated_sentence(clause, source, policy) if binds else ""
        if binds and not own and len(content_terms(clause)) >= policy.advice_terms \
                and not (known and restated_sentence(clause, known, policy)):
            problem = "advises what no source sentence says"
            break
        if own and own != matched:
            problem = widened_scope(clause, own)
            if problem:
                break
    return problem
