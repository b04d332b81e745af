"""Every sentence of a generated answer checked against the source it cites.

A sentence is kept only when its cited source supports it: enough of its words occur there, the
subject it names (the label before a colon) is in that source, and every figure it states occurs in
that source next to the same subject and with the same unit ("3 years" is not supported by "近3年",
and a city's funding cap is not what one enterprise receives). A marker that points at the wrong
neighbour moves to the source that holds the sentence; a sentence no source supports is removed
and listed with the reason. The same figure check serves the evaluation (``figure_problems``)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass, field

from app.answer.citations import MARKER
from app.answer.fact_kinds import NEGATED, NOT_GIVEN, RECIPIENT_CITY, states_kind
from app.answer.premises import DEFAULT_PREMISE_POLICY, PremisePolicy, confirmed, restates
from ingest.text import (CJK, DOC_NUMBER, FIGURE, LIST_MARK, LIST_NUMBER, NUMBER, content_terms, figure_clause,
                         figure_places, figure_segment, figure_sentence, is_english_prose, other_item, places, share,
                         split_clauses, split_units, strip_remote_content, terms, tokenize, year_of)
from app.answer.qualifiers import DEFAULT_QUALIFIER_POLICY, QualifierPolicy, qualifier_problem
from prompts import is_refusal


@dataclass(frozen=True)
class VerificationPolicy:
    """Every threshold of the sentence check, each with the reason for its value."""
    min_support: float = 0.35  # share of a sentence's content terms its cited source must hold
    min_support_uncited: float = 0.45  # the same, for a sentence the model left uncited (a source is attached)
    item_support: float = 0.5  # each item of an enumeration ("A、B、C") must be this well held by the source
    min_list_items: int = 3  # "A、B" is a pair the model read; from three items on it may complete a list it half knows
    item_min_terms: int = 2  # an item of fewer content terms ("AI") is too short to judge on its own
    move_margin: float = 1.5  # another source must hold this many times more before a marker moves
    move_floor: float = 0.05  # the cited source's share counts as at least this, so a trace of overlap elsewhere moves nothing
    label_share: float = 0.66  # share of the label's words (before "：") that must be in the cited source
    window: int = 24  # characters either side of a figure that give its subject
    latin_reach: int = 2  # Latin words are longer: a window in Latin script is this many times wider
    source_reach: int = 2  # a source may name the subject this many times further from its figure
    subject_share: float = 0.3  # share of the words around a figure in the sentence that must be around it in the source
    small_count: int = 12  # a bare count up to this (no unit, no range) is not treated as a figure
    counted_words: int = 4  # words after an English count that say what it counts ("1,000 high-quality industrial datasets")
    paste_chars: int = 160  # a sentence copying this much of a source verbatim is pasted text, not an answer
    paste_step: int = 40  # stride of the pieces looked up for pasting: finds any copy of paste_chars + paste_step
    denial_match: float = 0.5  # the source sentence holding this share of the sentence's terms is the one it restates
    empty_value_chars: int = 200  # only a line shorter than this that ends in "is ." is a statement with its value missing
    header_min_chars: int = 4  # a shorter line inside a source's header ("政策") is not a copied header
    title_min_chars: int = 6  # a source title at least this long opening a sentence is a copied header line
    # a clause of this many content terms is judged on its own for words only its source's header holds
    # (the held-out lead "小微企业数字化转型可以从预算紧的小厂开始，评估…" took its first clause from a guide's
    # title and the rest from the text); a shorter one ("据报道") says too little to judge
    header_clause_terms: int = 4
    reason_items: int = 4  # list items named in a removal's reason: enough to see what was invented
    premises: PremisePolicy = DEFAULT_PREMISE_POLICY  # when a sentence merely repeats the user's claim (app.answer.premises)
    qualifiers: QualifierPolicy = DEFAULT_QUALIFIER_POLICY  # scope, quantity, modality, subject (app.answer.qualifiers)

    @property
    def source_window(self) -> int:
        return self.source_reach * self.window


DEFAULT_VERIFICATION_POLICY = VerificationPolicy()

ENTERPRISE = re.compile(r"企业|公司|工厂|厂家|enterprise|firm|company|companies|factory", re.I)
EMPTY_VALUE = re.compile(r"(?:\b(?:is|are|was|were|of)|为|是|：|:)\s*[。.]?\s*$", re.I)
SOURCE_HEADER = re.compile(r"^\s*(?:资料编号|资料\s*\d+\s*[:：]|Source\s*\d+\s*:)", re.I)
LEADING_MARKER = re.compile(r"^(\s*(?:[-*•]|\d+[.、)）])?\s*)((?:[\[【]\s*\d{1,2}(?:\s*[,，、]\s*\d{1,2})*\s*[\]】]\s*)+)")
# Labels a model puts before its own text ("结论：", "Conclusion:"): not a subject to look up.
GENERIC_LABELS = re.compile(r"^(?:结论|要点|建议|总结|回答|答案|说明|概括|简而言之|conclusion|summary|answer|key points?|"
                            r"points?|in short|recommendations?|note|suggestions?)$", re.I)
FRAMING = re.compile(r"^[^。！？!?.]{0,40}[:：]$")
# What a line that only points at its sources says: "The sources are [1] and [2].", "参见资料[1]。"
SOURCE_TALK = re.compile(r"\b(?:sources?|see|refer|cited|citations?|references?|listed|above|below|details|information)\b|"
                         r"来源|资料|参见|详见|出处|以上|如下|见", re.I)
RANGE_NEXT = re.compile(r"\s*[-–—~～至到]\s*\d")
UNIT_FAMILIES = [("%", "％", "percent"), ("元", "yuan", "rmb"), ("亿",), ("万",), ("年", "year", "years"),
                 ("个月", "month", "months"), ("天", "日", "day", "days"), ("家",), ("个", "项")]
# The unit a figure in a source carries right after it, and the one after a range's high end.
SOURCE_UNIT = re.compile(r"\s*(%|％|percent|万亿|亿|万|千|元|年|个月|月|日|天|个|家|项|yuan|rmb|years?|months?|days?)?", re.I)
RANGE_UNIT = re.compile(r"\s*[-–—~～至到]\s*[\d.]+\s*(%|％|万亿|亿|万|千|元|年|个月|月|日|天|个|家|项)?")


SHOWN = ("kept", "moved", "attached")  # the decisions that show the sentence to the user


@dataclass
class SentenceCheck:
    sentence: str
    decision: str  # kept | moved | attached | removed | refusal | dropped_format
    cited: list[int] = field(default_factory=list)
    final: list[int] = field(default_factory=list)
    reason: str = ""
    support: float = 0.0
    figures: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


clean_links = strip_remote_content  # an answer never renders remote content either


def _unit_family(unit: str) -> int | None:
    """Index of the unit's family in UNIT_FAMILIES, or None."""
    unit = unit.lower()
    for i, family in enumerate(UNIT_FAMILIES):
        if unit in family:
            return i
    return None


YEAR_LIKE = re.compile(r"(?:19|20)\d\d")  # a year's subject is rarely beside it
# Shares, money, 亿/万, counts of firms and items: their subject is checked strictly.
QUANTITY_FAMILIES = {_unit_family(u) for u in ("%", "元", "亿", "万", "家", "个")}
# A stated unit that a bare number in the source does not support: the source must say it right after.
UNIT_REQUIRED = {_unit_family(u) for u in ("年", "元", "%")}
# The same digits with these magnitudes are never the same amount (万 is ten thousand, 亿 a hundred million).
LATIN_MAGNITUDES = ("million", "billion", "trillion")
CHINESE_MAGNITUDES = ("万", "亿", "万亿")


def window(text: str, start: int, end: int, width: int, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> str:
    """The figure's surroundings: up to ``width`` characters either side (``policy.latin_reach``
    times that in Latin script, whose words are longer), within its clause (``ingest.text.split_clauses``:
    a line break before a list item does not end it, so "主要规则是：\\n- 约34个城市" names the subject on
    the line before), whole words only."""
    if not CJK.search(text[max(0, start - width): start] + text[end: end + width]):
        width *= policy.latin_reach
    left = text[max(0, start - width): start]
    right = text[end: end + width]
    if start - width > 0 and text[start - width - 1].isalpha():
        left = re.sub(r"^[A-Za-z]+", "", left)
    if end + width < len(text) and text[end + width].isalpha():
        right = re.sub(r"[A-Za-z]+$", "", right)
    left = split_clauses(left)[-1]
    right = split_clauses(right)[0]
    return left + text[start:end] + right


def _window_terms(text: str, start: int, end: int, policy: VerificationPolicy, in_source: bool = False) -> set[str]:
    """The content words around a figure (numbers and stop words out, English plurals singular); a
    source may name the subject further away (``policy.source_window``)."""
    width = policy.source_window if in_source else policy.window
    around = window(text, start, end, width, policy).replace(text[start:end], " ", 1)  # the figure itself says nothing
    if not in_source:  # in the sentence, what follows a comma is the next clause, not the figure's subject
        head, _, tail = around.partition(" ")
        around = head + " " + re.split(r"[，,]", tail)[0]
    return {_singular(t) for t in content_terms(NUMBER.sub(" ", around)) if len(t) > 1 or t.isalpha()}


def _singular(word: str) -> str:
    if re.fullmatch(r"[a-z]{4,}ies", word):
        return word[:-3] + "y"
    return word[:-1] if re.fullmatch(r"[a-z]{3,}s", word) and not word.endswith("ss") else word


def _issuer_code_start(text: str, start: int) -> int:
    """Where the issuer's code before a document number ("工信厅企业" in 工信厅企业〔2022〕32号) begins:
    the code is part of the number, not what it numbers."""
    m = re.search(r"[\u4e00-\u9fff]{1,8}$", text[:start])
    return m.start() if m else start


def same_subject(near: set[str], source_near: set[str], strict: bool = True,
                 policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """The words around a figure in the sentence and in the source name the same subject. For a
    quantity (a count, an amount, a share) or a document number, a share of them must be shared, not
    one generic word: "国家级示范工厂 1200余家" is not "先进级智能工厂1200余家". A year or a bare
    number needs one shared word (its subject is rarely beside it)."""
    shared = len(near & source_near)
    return shared >= (max(1, math.ceil(policy.subject_share * len(near))) if strict else 1)


def _counted_noun(sentence: str, end: int, number: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> set[str]:
    """In English, what a bare count counts: the content words right after it ("1,000 high-quality
    industrial datasets"), which the source must have beside the same number (the words before
    it, "the enterprise should focus on building", name no subject). Years and Chinese: none."""
    after = re.match(r"\s*([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)*)", sentence[end:])
    if YEAR_LIKE.fullmatch(number) or not after:
        return set()
    words = after.group(1).split()[:policy.counted_words]
    return {_singular(t) for t in content_terms(" ".join(words)) if len(t) > 1}


def figures_of(sentence: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> list[tuple[str, list[str], str, int, int]]:
    """(as written, numbers, unit, start, end) for each figure the sentence states; bare small counts
    and list numbers are not figures."""
    text = LIST_NUMBER.sub(lambda m: " " * len(m.group(0)), MARKER.sub(lambda m: " " * len(m.group(0)), sentence))
    out = [(m.group(0), [m.group(0)], "docno", m.start(), m.end()) for m in DOC_NUMBER.finditer(text)]
    masked = DOC_NUMBER.sub(lambda m: " " * len(m.group(0)), text)
    for m in FIGURE.finditer(masked):
        low, high, unit = m.group(1), m.group(2), m.group(3) or ""
        if high is None and not unit and low.isdigit() and int(low) <= policy.small_count:
            continue
        out.append((m.group(0).strip(), [n.replace(",", "") for n in (low, high) if n], unit, m.start(), m.end()))
    return out


def same_year_and_place(source: str, start: int, end: int, year: str | None, where: set[str]) -> bool:
    """The figure at ``source[start:end]`` is tied to ``year`` (or to none) and its sentence names
    the places ``where`` the sentence gives it for."""
    if year and year_of(source, start, end) not in (None, year):
        return False
    return not where or where <= places(figure_sentence(source, start, end))


# A table row said as one unit (``ingest.text.row_with_header``): "等级：碎米 总量/% ≤；特级：2.5；一级：5.0".
TABLE_ROW = re.compile(r"^[^；\n]{1,60}：[^；\n]*(?:；[^；\n]{1,40}：[^；\n]*){2,}$")
# The unit a row gives once for all its figures: in its label ("总量/% ≤", "营业收入(百万元)", "（%）") or
# after it, from the line above its table ("（单位：万元）").
ROW_UNIT = re.compile(r"/\s*(%|％)|[（(]\s*(%|％|万元|亿元|元|万|亿)\s*[)）]|单位[：:]\s*(%|％|万元|亿元|元|万|亿)")


def _line_at(text: str, at: int) -> tuple[int, str]:
    """Where the line holding position ``at`` starts, and the line."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, text[start: len(text) if end < 0 else end]


def table_row_at(source: str, start: int) -> tuple[str, str] | None:
    """(its first cell, the unit it gives) for the table row the position lies in; None in prose."""
    line = _line_at(source, start)[1].strip()
    if not TABLE_ROW.match(line):
        return None
    label = line.split("；", 1)[0]
    unit = ROW_UNIT.search(f"{label} {line[line.rfind('；'):]}")
    said = next((g for g in unit.groups() if g), "") if unit else ""
    return label, {"万元": "万", "亿元": "亿", "％": "%"}.get(said, said)


def _source_unit(source: str, end: int) -> str:
    """The unit a source gives right after a number, or after the range it opens ("2025—2027年")."""
    after = SOURCE_UNIT.match(source, end).group(1) or ""
    if not after and RANGE_NEXT.match(source, end):
        after = RANGE_UNIT.match(source, end).group(1) or ""
    return after


def _own_column(sentence: str, start: int, end: int, source: str, at: int, label: str) -> bool:
    """A figure from a table row is given for its own column: where the sentence names a column of
    that row beside the figure (its clause, else its sentence), the figure's own is among them."""
    line_start, line = _line_at(source, at)
    cells = source[line_start:at].split("；")
    own = cells[-1].rsplit("：", 1)[0].strip() if "：" in cells[-1] else ""
    headers = {c.split("：", 1)[0].strip() for c in line.split("；") if "：" in c} - {label.split("：", 1)[0].strip(), ""}
    for around in (figure_clause(sentence, start, end), figure_sentence(sentence, start, end)):
        named = {h for h in headers if h in around}
        if named:
            return own in named
    return True


def units_agree(unit: str, after: str) -> bool:
    """The sentence's unit for a figure fits the unit its source gives right ``after`` the same number."""
    if unit.lower() in LATIN_MAGNITUDES and after in CHINESE_MAGNITUDES:
        return False  # "600 million" is not "600万" (6 million), nor "538 billion" "538亿" (53.8 billion)
    fam_s, fam_a = _unit_family(after), _unit_family(unit)
    if unit and fam_a is not None and fam_s is not None and fam_s != fam_a:
        return False
    # "3年" against a bare "3": accept only when the source says the unit right after.
    return not (unit and fam_a in UNIT_REQUIRED and fam_s is None and after == "")


def figure_supported(sentence: str, figure: tuple, source: str,
                     policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """The figure occurs in the source with a compatible unit and a shared subject nearby."""
    written, numbers, unit, start, end = figure
    if unit == "docno":  # the number, and what it numbers: one notice's 文号 is not another's
        pattern = r"\s*".join(map(re.escape, re.sub(r"\s", "", written)))
        at = [(m.start(), m.end()) for m in re.finditer(pattern, source)]
        near = _window_terms(sentence, _issuer_code_start(sentence, start), end, policy)
        return bool(at) and (not near or any(
            same_subject(near, _window_terms(source, _issuer_code_start(source, i), j, policy, in_source=True), policy=policy)
            for i, j in at))
    near = _window_terms(sentence, start, end, policy)
    sentence_window = window(sentence, start, end, policy.window, policy)
    # the year the sentence ties the figure to must be the one the source ties it to (its clause, or
    # its table column): "2025年…3万亿元" from "2025年…1万亿元，到2030年…3万亿元" is a moved figure
    year = None if any(YEAR_LIKE.fullmatch(n) for n in numbers) else year_of(sentence, start, end)
    # and the province or region it names for the figure must be named beside it in the source:
    # "江苏省…比例约15%" from "西部地区（包括内蒙古…）…约15%" moves a region's figure to a province
    where = figure_places(figure_clause(sentence, start, end))
    for number in numbers:
        found = False
        for m in re.finditer(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", source.replace(",", "")):
            src = source.replace(",", "")
            row = table_row_at(src, m.start())  # a table row names its figures' subject and unit in its label
            if row and not _own_column(sentence, start, end, src, m.start(), row[0]):
                continue  # "一级…7.5%" from the row "…；一级：5.0；二级：7.5"
            if other_item(figure_clause(sentence, start, end), figure_segment(src, m.start(), m.end())):
                continue  # "一期计划在2026年9月底前上线" from "2026年9月底前：MES二期（装配车间）上线"
            if not units_agree(unit, _source_unit(src, m.end()) or (row[1] if row else "")):
                continue
            if not same_year_and_place(src, m.start(), m.end(), year, where):
                continue
            source_window = window(src, m.start(), m.end(), policy.window, policy)
            if ENTERPRISE.search(sentence_window) and RECIPIENT_CITY.search(source_window) \
                    and not ENTERPRISE.search(source_window):
                continue  # a city's amount stated as an enterprise's
            source_near = _window_terms(src, m.start(), m.end(), policy, in_source=True)
            if row:
                source_near |= {_singular(t) for t in content_terms(NUMBER.sub(" ", row[0]))}
            if near and not same_subject(near, source_near, strict=_unit_family(unit) in QUANTITY_FAMILIES, policy=policy):
                continue
            counted = _counted_noun(sentence, end, number, policy)
            if counted and not counted & source_near:
                continue  # "1,000 … datasets" against "100 … datasets; 1,000 benchmark enterprises"
            found = True
            break
        if not found:
            return False
    return True


def figure_problems(sentence: str, cited_sources: list[str], known: str = "", *,
                    policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> list[str]:
    """Figures of the sentence that none of its cited sources supports in context, nor the user's
    own words (question, history, profile) contain."""
    bad = []
    for figure in figures_of(sentence, policy):
        if any(figure_supported(sentence, figure, s, policy) for s in cited_sources):
            continue
        if known and all(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", known) for n in figure[1]):
            continue
        bad.append(figure[0])
    return bad


# A run of Chinese text (with the figures inside it: "538亿元") in a sentence of another language.
CJK_SPAN = re.compile(r"[\u3000-\u9fff\uff00-\uffef][\u3000-\u9fff\uff00-\uffef\d.,%]*")


def content_support(sentence: str, source: str) -> float:
    """Share of the sentence's content terms (stop words and citation markers out) that the source
    holds: ``ingest.text.share``. An English sentence's Chinese words count as whole spans, each
    held only where the source has it whole: "retail业中小企业主 … requirement for startups" is not held
    by the bigrams of 中小企业 (the model's own English around a copied fragment). Also imported from
    here by app/answer/quoting.py."""
    text = MARKER.sub("", sentence)
    spans = CJK_SPAN.findall(text)
    if not spans or not is_english_prose(text):
        return share(text, source)
    latin = content_terms(CJK_SPAN.sub(" ", text))
    held = len(latin & terms(source)) + sum(span in source for span in spans)
    return held / (len(latin) + len(spans))


def _label(sentence: str) -> str:
    body = LIST_NUMBER.sub("", MARKER.sub("", sentence)).replace("*", "").strip(" -•\t")
    m = re.match(r"([^：:。，,]{2,24})[：:]", body)
    return m.group(1).strip() if m and not GENERIC_LABELS.match(m.group(1).strip()) else ""


def drops_denial(sentence: str, source: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """Does the sentence restate a source sentence that says something is not given ("如何合成总体
    等级，现有资料都没有给出官方规则") as if it were given ("总体等级是通过……合成的")?"""
    body = MARKER.sub("", sentence)
    if NOT_GIVEN.search(body) or NEGATED.search(body):
        return False
    best = max(split_units(source), key=lambda p: content_support(body, p), default="")
    return bool(best) and content_support(body, best) >= policy.denial_match and bool(NOT_GIVEN.search(best))


# An English enumeration: "A, B, and C" (three items or more).
ENGLISH_LIST = re.compile(r"\w+, \w+(?: \w+)*, (?:and |or )?\w+")


def unsupported_items(sentence: str, source: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> list[str]:
    """Items of an enumeration ("提升A、提升B、提升C") that the source does not hold: a small model
    completes a list it half knows."""
    body = MARKER.sub("", sentence)
    if body.count("、") < policy.min_list_items - 1 and not ENGLISH_LIST.search(body):
        return []
    parts = re.split(r"[、；;]|,\s*(?:and\s+|or\s+)?|\s+and\s+", re.sub(r"^[^：:]{0,24}[：:]", "", body))
    bad = []
    for item in (p.strip(" 。.，,*") for p in parts):
        item_terms = content_terms(item)
        if len(item_terms) >= policy.item_min_terms and share(item_terms, source) < policy.item_support:
            bad.append(item)
    return bad


def _has_label(label: str, text: str, policy: VerificationPolicy) -> bool:
    """Two thirds of the label's words (``policy.label_share``), and never fewer than two of a
    two-word label."""
    words = {t for t in tokenize(label) if len(t) > 1}
    return not words or share(words, text, substring=True) >= policy.label_share


def label_supported(label: str, source: str, sentence: str = "",
                    policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """The subject a sentence names before its colon is what its source speaks of: named in the
    source's heading line, or in the very sentence of the source that holds the claim (a source
    that merely lists the subject among others does not hold another subject's descriptor)."""
    if not sentence:
        return _has_label(label, source, policy)
    header, _, body = source.partition("\n")
    if _has_label(label, header, policy):
        return True
    claim = re.sub(r"^[^：:]{0,24}[：:]", "", MARKER.sub("", sentence))
    units = split_units(body) or [body]
    best = max(units, key=lambda u: content_support(claim, u))
    return _has_label(label, best, policy)


# A numbered label alone on its line ("四、开展成效评估", "(二) 实施阶段"): a heading, not a claim.
# A line that is only emphasis ("**Equipment Uptime**", "1. **设备管理**：") is a heading, however it is numbered.
BOLD_ONLY = re.compile(r"^(?:[-*•]\s*|\d+[.、)）]\s*)?\*\*[^*]+\*\*\s*[:：]?\s*[。.]?$")
NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])\s*[^。！？!?.,，；;：:]{1,16}$")


def is_format_noise(sentence: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> str:
    """Why a line is not part of an answer (a heading, a pasted source header, a dangling "is ."),
    or ''."""
    body = MARKER.sub("", sentence).strip()
    if not body:
        return "empty"
    if body.startswith("#") or NUMBERED_HEADING.match(body.replace("*", "").strip()) or BOLD_ONLY.match(body):
        return "heading"
    if SOURCE_HEADER.match(sentence):
        return "pasted source header"
    if MARKER.search(sentence) and not content_terms(SOURCE_TALK.sub(" ", body)):
        return "points at its sources and says nothing"
    if EMPTY_VALUE.search(body.replace("*", "").rstrip("。.").rstrip() + "。") and len(body) < policy.empty_value_chars \
            and re.search(r"(?:\bis|\bare|为|是)\s*[。.]\s*$", body):
        return "statement with its value missing"
    return ""


def _headers(sources: list[str]) -> list[str]:
    """The header line of each source as the model saw it ("[n] title (section)"), without "[n]"."""
    firsts = [s.split("\n", 1)[0] for s in sources]
    return [re.sub(r"^\s*\[\d+\]\s*", "", f).strip().lower() for f in firsts if re.match(r"\s*\[\d+\]", f)]


def without_header(sentence: str, sources: list[str], policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> str | None:
    """A sentence that copies a source's header line: what is left of it once the header is taken
    away ('' when nothing is), or None when it copies no header."""
    body = LIST_MARK.sub("", MARKER.sub("", sentence).replace("*", "")).strip()
    core = body.strip(" -—:：()（）。.").lower()
    headers = _headers(sources)
    if len(core) >= policy.header_min_chars and any(core in h for h in headers):
        return ""
    tail = re.match(r"^.{5,}?[)）]", body)  # the end of a header cut by a sentence end: "…领航级)：text"
    if tail and any(h.endswith(tail.group(0).lower()) for h in headers) and tail.group(0) in sentence:
        return sentence[sentence.find(tail.group(0)) + len(tail.group(0)):].lstrip(" -—:：")
    for header in headers:
        title = header.split(" (", 1)[0]
        if len(title) >= policy.title_min_chars and body.lower().startswith(title):
            rest = sentence[sentence.lower().find(title) + len(title):].lstrip()
            section = header[len(title):].lstrip()  # " (section)", whole or cut off by a sentence end
            copied = os.path.commonprefix([rest.lower(), section])
            return rest[len(copied):].lstrip(" -—:：")
    return None


def pasted(sentence: str, sources: list[str], policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """Does the sentence copy ``policy.paste_chars`` characters of a source verbatim?"""
    body = MARKER.sub("", sentence).strip()
    size = policy.paste_chars
    if len(body) < size:
        return False
    return any(body[i:i + size] in s for s in sources for i in range(0, len(body) - size + 1, policy.paste_step))


def verify_sentence(sentence: str, sources: list[str], known: str = "", premise: str = "",
                    missing_kinds: tuple[str, ...] = (), *,
                    policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> tuple[str | None, SentenceCheck]:
    """The sentence with its markers repaired, or None when it must go; and the decision.
    ``known``: the user's facts about the enterprise (figures there are not invented); ``premise``:
    the user's question, whose claims a sentence may not merely repeat (``app.answer.premises``);
    ``missing_kinds``: kinds of fact the evidence lacks (``app.answer.fact_kinds``), which no sentence may state;
    ``policy``: the thresholds."""
    sentence = clean_links(sentence)
    rest = without_header(sentence, sources, policy)
    if rest == "" or (rest is not None and not MARKER.sub("", rest).strip(" 。.")):
        return None, SentenceCheck(sentence.strip(), "dropped_format", reason="a source's header line copied")
    if rest is not None:
        sentence = rest
    lead = LEADING_MARKER.match(sentence)
    if lead:  # "[1] text" -> "text[1]": the marker belongs after what it supports
        sentence = lead.group(1) + sentence[lead.end():].rstrip() + lead.group(2).replace(" ", "")
    cited = []
    for m in MARKER.finditer(sentence):
        cited += [int(n) for n in re.split(r"\s*[,，、]\s*", m.group(1))]
    check = SentenceCheck(sentence.strip(), "kept", cited=cited)
    if _screened_out(sentence, check, sources, known, premise, missing_kinds, policy):
        return (sentence if check.decision == "refusal" and not check.figures else None), check
    final = _supporting_sources(sentence, check, sources, known, policy)
    if not final:
        check.decision = "removed"
        check.reason = _removal_reason(sentence, check, sources, known, policy)
        return None, check
    check.final = final
    return _with_markers(sentence, final, bool(cited)), check


def _screened_out(sentence: str, check: SentenceCheck, sources: list[str], known: str, premise: str,
                  missing_kinds: tuple[str, ...], policy: VerificationPolicy) -> bool:
    """Decide at once what needs no source comparison: format noise, framing lines, refusals,
    pasted source text, a kind of fact the sources lack, an echo of the question's own claim."""
    body = MARKER.sub("", sentence)
    noise = is_format_noise(sentence, policy)
    # (a year with no figure in the sources has no shape of its own: the figure's year check catches it)
    stated = [k for k in missing_kinds if k != "year" and states_kind(body, k)]
    if noise:
        check.decision, check.reason = "dropped_format", noise
    elif FRAMING.match(body.replace("*", "").strip()):
        check.decision, check.reason = "dropped_format", "a framing line with nothing of its own"
    elif is_refusal(sentence):
        check.decision = "refusal"
        check.figures = figure_problems(sentence, sources, known, policy=policy)
    elif pasted(sentence, sources, policy):
        check.decision, check.reason = "removed", "source text pasted verbatim"
    elif stated:
        check.decision, check.reason = "removed", f"states a kind of fact the sources do not hold ({stated[0]})"
    elif restates(sentence, premise, policy.premises) and not confirmed(sentence, sources):
        check.decision, check.reason = "removed", "repeats the question's own claim, which no source sentence states"
    else:
        return False
    return True


# Where a sentence's clauses end.
CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
# A title the sentence names in 《》: the document, named, not a claim taken from its header.
NAMED_TITLE = re.compile(r"《[^》]{1,60}》")


def borrows_header(sentence: str, source: str, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) -> bool:
    """Does a clause of the sentence stand on the source's header line (its document's title and
    section, "[1] 小微制造企业数字化第一步：预算紧的小厂从哪里入手 (…)") and not on its text? A title
    names a document; it states nothing, and a clause made of it ("可以从预算紧的小厂开始") bends it
    into a claim. A title named in 《》 is the document named, and is left out."""
    first, _, text = source.partition("\n")
    if not text.strip() or not re.match(r"\s*\[\d+\]", first):
        return False
    for clause in CLAUSE_END.split(NAMED_TITLE.sub(" ", MARKER.sub("", sentence))):
        if len(content_terms(clause)) >= policy.header_clause_terms \
                and content_support(clause, text) < policy.min_support <= content_support(clause, source):
            return True
    return False


def _holds(sentence: str, src: str, score: float, floor: float, known: str, policy: VerificationPolicy) -> bool:
    """The source holds the sentence: enough of its terms, its label, its figures in context, its
    list items, no clause that only its header holds, and no denial of what it states."""
    label = _label(sentence)
    return score >= floor and (not label or label_supported(label, src, sentence, policy)) \
        and not borrows_header(sentence, src, policy) \
        and not figure_problems(sentence, [src], known, policy=policy) and not unsupported_items(sentence, src, policy) \
        and not drops_denial(sentence, src, policy) and not qualifier_problem(sentence, src, known, policy.qualifiers)


def _supporting_sources(sentence: str, check: SentenceCheck, sources: list[str], known: str,
                        policy: VerificationPolicy) -> list[int]:
    """The cited sources that hold the sentence; else the one source that clearly holds it better
    (the marker moves, or is attached to an uncited sentence); else none."""
    scores = [content_support(sentence, s) for s in sources]
    valid = [n for n in dict.fromkeys(check.cited) if 1 <= n <= len(sources)]
    own = max((scores[n - 1] for n in valid), default=0.0)
    check.support = round(own if valid else max(scores, default=0.0), 3)
    final = [n for n in valid if _holds(sentence, sources[n - 1], scores[n - 1], policy.min_support, known, policy)]
    if final:
        check.support = round(max(scores[n - 1] for n in final), 3)
        return final
    floor = policy.min_support if valid else policy.min_support_uncited
    for n in sorted(range(1, len(sources) + 1), key=lambda n: -scores[n - 1]):
        clearly_better = not valid or scores[n - 1] >= policy.move_margin * max(own, policy.move_floor) \
            or own < policy.min_support
        if clearly_better and _holds(sentence, sources[n - 1], scores[n - 1], floor, known, policy):
            check.decision = "moved" if valid else "attached"
            check.support = round(scores[n - 1], 3)
            return [n]
    return []


def _removal_reason(sentence: str, check: SentenceCheck, sources: list[str], known: str,
                    policy: VerificationPolicy) -> str:
    valid = [n for n in dict.fromkeys(check.cited) if 1 <= n <= len(sources)]
    cited_sources = [sources[n - 1] for n in valid]
    label = _label(sentence)
    check.figures = figure_problems(sentence, cited_sources or sources, known, policy=policy)
    if check.figures:
        return "figures not in the cited source next to the same subject: " + ", ".join(check.figures)
    if label and valid and not any(label_supported(label, s, sentence, policy) for s in cited_sources):
        return f"the cited source does not speak of “{label}”"
    if any(drops_denial(sentence, src, policy) for src in (cited_sources or sources)):
        return "states as given what its source says is not given"
    if all(borrows_header(sentence, src, policy) for src in (cited_sources or sources)):
        return "a clause stands only on the source's title, not on its text"
    qualifier = [q for src in (cited_sources or sources) if (q := qualifier_problem(sentence, src, known, policy.qualifiers))]
    if qualifier and len(qualifier) == len(cited_sources or sources):
        return qualifier[0]
    if valid and all(unsupported_items(sentence, s, policy) for s in cited_sources):
        items = unsupported_items(sentence, cited_sources[0], policy)
        return "list items not in the cited source: " + "、".join(items[:policy.reason_items])
    return "the cited source does not hold the sentence" if check.cited else "no citation and no source holds the sentence"


def _with_markers(sentence: str, final: list[int], cited: bool) -> str:
    """The sentence citing ``final``: its first marker replaced (the others dropped), or the markers
    added before its closing punctuation."""
    markers = "".join(f"[{n}]" for n in final)
    if cited:
        first = True

        def put(m: re.Match) -> str:
            nonlocal first
            out, first = (markers if first else ""), False
            return out
        return MARKER.sub(put, sentence)
    body = sentence.rstrip("\n")
    m = re.search(r"[。！？!?.]?\s*$", body)
    return body[:m.start()] + markers + body[m.start():] + sentence[len(body):]
