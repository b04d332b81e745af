"""The body of an answer is the evidence: for each ask of the question, the source sentences that
answer it, in their own words and cited. This module chooses them:

- a sentence is given once: one that lies (almost) inside another, or the same sentence from two
  sources, is shown once and cites both;
- headings, titles, disclaimers and sentences about a document itself are no answer;
- a long sentence is cut at a clause boundary (a list is kept whole);
- each ask gets the units about *it*; an ask no unit answers is said to be not given."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.answer.citations import MARKER
from app.answer.fact_kinds import NOT_GIVEN, NUMBER_ASK, states_kind
from app.answer.parts import QuestionPart, split_parts
from app.answer.policy import AnswerPolicy
from app.answer.quoting import worth_quoting
from ingest.language import detect_language
from ingest.text import (YEAR, char_share, compound_heads, content_terms, counted_figures, english_stems,
                         figure_places, is_english_prose, places, share, split_sentences, tokenize, year_of)
from retrieval.evidence import EvidenceUnit, specific_words

# Text that is no answer: a heading, a title alone, a sentence about the document itself.
HEADING = re.compile(r"^\s*(?:#+\s|\*\*[^*]+\*\*\s*[:：]?\s*$|《[^》]+》\s*[。.]?\s*$)")
META = re.compile(r"^\s*(?:[（(]?关于本资料|本资料|本摘要|本文(?!件)|资料缺口|this (?:summary|document|note|material)|"
                  r"about this (?:summary|source)|these notes)", re.I)
# The words that ask rather than name: "到底是指什么" names nothing.
QUESTION_WORDS = re.compile(r"^(?:到底|究竟|是指|指的|有没有|这种|这个|那个|咱们|什么|怎么|怎样|如何|哪些|哪个|多少|是否|能否|可以|需要|应该|具体|"
                            r"what|which|how|why|when|where|who|mean|means|exactly|really)$", re.I)
TITLE = re.compile(r"《([^》]{2,40})》")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")  # a term the user sets in quotes
PARENTHETICAL = re.compile(r"^\s*[（(][^）)]{0,20}[)）]")
CHINESE_COUNT = re.compile(r"[一二两三四五六七八九十百千万]+\s*(?:个|家|项|类|种|批|大|级|条|名|座)")
# The words that frame an ask for a limit, a target or a total, or point at the one asked about, not
# what is measured: "…蛋白质含量有没有具体要求？要达到多少？" measures 蛋白质含量; a sentence saying a
# standard's 要求 are 达到 is no answer to it.
LIMIT_WORDS = re.compile(r"^(?:要求|规定|达到|达标|至少|最低|最高|最多|最少|上限|下限|不低于|不超过|一共|总共|"
                         r"这家|那家|已经|目前|现在)$")
# Words that point at the document asked about ("报告里…", "方案里…"), not at the subject of the figure.
# The same in an English ask, with its question words and the document it points at: what is left
# names what is measured ("the protected production area for Sheyang rice" in "How big is … under
# the Jiangsu local standard").
ENGLISH_FRAME = frozenset(english_stems(
    "how much many big large size long high what which who when where why does need needs required requires "
    "minimum maximum least most total amount number figure get gets have has had so far under over according "
    "say says said mention mentions give gives document report note spec specification standard guide survey "
    "prospectus plan paper"))
# What a figure measures of something ("蛋白质含量", "数字化转型比例"): the same measure of another thing is
# another figure.
MEASURE = re.compile(r"^(?:含量|比例|占比|比重|规模|产值|产量|数量|金额|增速|增长率|渗透率|普及率|指数|得分|分值)$")
DOCUMENT_WORDS = re.compile(r"^(?:报告|研报|方案|文件|资料|文档|材料|点评|指南|通知|这份|里面)$")
# The kinds a user's own document is named by beside those ("射阳大米的地方标准", "那份募集说明书"): in a
# question about it they name the document, and its sentences name themselves so ("本标准", "本说明书").
OWN_DOCUMENT_KIND = re.compile(r"^(?:标准|地方标准|国家标准|行业标准|规范|说明书|募集说明书|纪要|白皮书)$")
# "Level 1: 20–40 points. … Level 2: …", "规划级：…。规范级：…": items that each open with a short label
LABELLED_ITEM = re.compile(r"(?:^|[.。;；:：]\s*)[^\s.。;；:：,，][^.。;；:：,，]{0,24}[:：]")
LIST_LEAD = re.compile(r"^[^。！？!?]{0,80}[:：][^；;]+[；;][^；;]+[；;]")  # "三个维度：a；b；c" — a list after its lead


@dataclass
class BodyUnit:
    """One line of the body: a source sentence, the sources that give it, and the ask it answers."""
    unit: EvidenceUnit
    text: str  # the sentence as shown (cut at a clause boundary when long)
    sources: list[int] = field(default_factory=list)  # 1-based source numbers
    part: int = 0  # the ask it is shown under
    answers: set[int] = field(default_factory=set)  # every ask it answers (a unit may answer two)


def no_answer(text: str) -> bool:
    """A heading, a title alone, or a sentence about the document itself."""
    return bool(HEADING.match(text) or META.match(text))


def is_title(text: str, title: str, policy: AnswerPolicy) -> bool:
    """The unit is its document's title, as a page's running header prints it ("盐城高新区投资集团有限公司
    2023年度第四期超短期融资券募集说明书" under "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书"): no answer."""
    plain = re.sub(r"[\s_\-—·.。]", "", text)
    return bool(title) and bool(plain) and char_share(plain, re.sub(r"[\s_\-—·.。]", "", title)) >= policy.repeat_share


def trimmed(text: str, chars: int, list_chars: int | None = None) -> str:
    """The sentence, or its first clauses within ``chars`` when longer; a list is kept whole (up to
    ``list_chars``): "four levels by score: Level 1: 20–40 points… Level 4: 80+" cut short loses
    the level asked about."""
    if len(text) <= chars or (carries_list(text) and len(text) <= (list_chars or len(text))):
        return text
    out = ""
    for clause in re.findall(r"[^，,；;。！？!?]+[，,；;。！？!?]?", text):
        if out and len(out) + len(clause) > chars:
            return out.rstrip("，,；; ") + "……"
        out += clause
    return out


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", MARKER.sub("", text).replace("*", "")).strip(" -“”\"'。.").lower()


def contained(inner: str, outer: str, policy: AnswerPolicy, at: float | None = None) -> bool:
    """Does ``inner`` lie (almost) wholly inside ``outer`` (``at``: the share; the policy's by
    default): its characters (word for word), its terms, or its content words when it has enough of
    them ("It is run by EDB with McKinsey and SAP as partners" inside "EDB launched SIRI in 2017
    with McKinsey and SAP as partners")?"""
    at = policy.repeat_share if at is None else at
    a, b = _plain(inner), _plain(outer)
    if share(a, b, keep_stop_words=True) >= at or char_share(a, b) >= at:
        return True
    return len(content_terms(a)) >= policy.repeat_min_terms and share(a, b) >= at


def repeats_most_of(line: str, other: str, policy: AnswerPolicy) -> bool:
    """At least half of the line's sentences lie inside the other line: "Level 2: 40–60 points."
    under a sentence that already gives the four levels and their scores says them again."""
    parts = split_sentences(line)
    inside = sum(contained(p, other, policy) for p in parts if len(content_terms(_plain(p))) >= policy.repeat_min_terms)
    return len(parts) > 1 and inside * 2 >= len(parts)


def says_again(a: str, b: str, policy: AnswerPolicy) -> bool:
    """Does one of the two lie (almost) wholly inside the other?"""
    return contained(a, b, policy) or contained(b, a, policy)


def same_line(a: str, b: str, policy: AnswerPolicy) -> bool:
    """Would showing both lines say one twice: one lies inside the other, or most of one's
    sentences do?"""
    return says_again(a, b, policy) or repeats_most_of(a, b, policy) or repeats_most_of(b, a, policy)


def distinct(lines: list[BodyUnit], policy: AnswerPolicy) -> list[BodyUnit]:
    """Each sentence once: one inside another goes, and the one kept cites both sources."""
    kept: list[BodyUnit] = []
    for line in lines:
        twin = next((k for k in kept if same_line(line.text, k.text, policy)), None)
        if twin is None:
            kept.append(line)
            continue
        if len(line.text) > len(twin.text):  # the fuller sentence stays
            twin.unit, twin.text = line.unit, line.text
        twin.sources = sorted(set(twin.sources) | set(line.sources))
        twin.answers |= line.answers
    return kept


def about(ask: str, unit: EvidenceUnit, policy: AnswerPolicy, title: str = "") -> bool:
    """The unit's own words name the ask's subject (one of its specific words; two of a long English
    subject's, compared as stems: ``AnswerPolicy.long_english_subject``); its section heading counts
    only when it names several ("Foxconn Vietnam: the reported results" under a case's heading), not
    when a glossary's heading lists every term.

    The words that frame an ask for a limit ("要求", "达到": ``LIMIT_WORDS``) name no subject. A
    measure at the head of a compound counts only with what it measures: "碎米含量" does not name the
    ``蛋白质含量`` asked about (``compound_heads``, ``MEASURE``; not any head: "债项评级" is a kind of
    the "信用评级" asked about). Words of a ``title`` name the document, not
    the subject, and so do the words of its kind ("地方标准", "报告": ``OWN_DOCUMENT_KIND``): given for a
    user's own document, whose every sentence may say "射阳大米" or "本标准" (the starter documents'
    titles name their topics)."""
    words = {w for w in specific_words(ask) if not QUESTION_WORDS.search(w) and not LIMIT_WORDS.match(w)
             and not (title and (w in title.lower() or DOCUMENT_WORDS.match(w) or OWN_DOCUMENT_KIND.match(w)))}
    if not words:
        return True
    text, section = unit.text.lower(), unit.section.lower()
    if sum(w in section for w in words) >= policy.section_words:
        return True
    english = english_stems(" ".join(w for w in words if w.isascii())) - ENGLISH_FRAME
    # a sentence written in English, whatever Chinese terms it quotes ("Under 工信部企业〔2022〕63号, …"); not a
    # Chinese one naming acronyms ("type:代表印章图片类型,如GIF、BMP、JPG")
    in_english = english_stems(" ".join(w for w in LATIN_WORD.findall(unit.text) if not w.isupper())) \
        if len(english) >= policy.long_english_subject else set()
    if len(in_english) >= policy.long_english_subject:
        return len(english & in_english) >= 2
    heads = {w: before for w, before in compound_heads(ask, words).items() if MEASURE.match(w)}
    return any(w in text and (w not in heads or any(m in text for m in heads[w])) for w in words)


def _as_item(text: str, start: int, end: int) -> bool:
    """Is text[start:end] one item of an enumeration ("数字化基础（权重50）、数字化管理（权重30）、…")?"""
    before = text[:start].rstrip()
    after = PARENTHETICAL.sub("", text[end:end + 40], count=1).lstrip()
    return before.endswith("、") or after.startswith("、") or (before.endswith(("和", "及")) and "、" in before[-30:])


def only_an_item(unit: str, ask: str) -> bool:
    """The subject the ask sets in quotes (“数字化管理”这一块考什么) stands in the unit only as one item
    of someone else's list: what the unit lists or says belongs to the list's owner, not to it."""
    words = [w for w in QUOTED.findall(ask) if w in unit]
    spots = [(m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), unit)]
    return bool(spots) and all(_as_item(unit, a, b) for a, b in spots)


def about_another_document(unit: str, asked: str) -> bool:
    """The ask names a document (《…》) and the unit names only others: what the 2022 Guide asks is no
    answer to what the 2024 Guidelines ask."""
    wanted = TITLE.findall(asked)
    named = TITLE.findall(unit)
    return bool(wanted and named) and not any(w in n or n in w for w in wanted for n in named)


def figure_subject(ask: str) -> set[str]:
    """An ask for a number: the words naming what is measured, and of whom ("江苏省", "比例" in
    "报告里江苏省中小企业数字化转型的比例是多少？"), without question words, the document pointed at, or
    years (a year no source gives is a gap of its own). An English ask's are stems (``english_stems``:
    "funds" and "funding" alike), less ``ENGLISH_FRAME``. Empty for other asks."""
    return subject_words(ask) if NUMBER_ASK.search(ask) else set()


def subject_words(text: str) -> set[str]:
    """The words of a text that name a subject: ``figure_subject``'s, whatever the text asks."""
    if detect_language(text) != "zh":
        return english_stems(" ".join(specific_words(text))) - ENGLISH_FRAME
    return {w for w in specific_words(text) if not QUESTION_WORDS.search(w) and not DOCUMENT_WORDS.match(w)
            and not LIMIT_WORDS.match(w) and not YEAR.fullmatch(w)}


# Names a figure may be asked for: an acronym ("RSA", "SM2", "MES") or an organisation ("农业银行",
# "兴业银行盐城分行"). Another one's figure is no answer, however much else the sentence shares.
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9]{1,7}(?![A-Za-z])")
_ORGANISATION_KINDS = r"(?:银行|证券|保险|集团|有限公司|研究院|协会)"
ORGANISATION_KIND = re.compile(rf"^{_ORGANISATION_KINDS}$")
ORGANISATION = re.compile(rf"^[\u4e00-\u9fff]{{2,8}}{_ORGANISATION_KINDS}$")
NAME_PART = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


def named_subjects(text: str) -> set[str]:
    """The acronyms and organisations a text names: a word of jieba's ending like one ("农业银行"), or
    a name followed by the kind jieba cut off ("渤海" + "银行")."""
    words = tokenize(text, search=False)
    joined = {a + b for a, b in zip(words, words[1:]) if ORGANISATION_KIND.match(b) and NAME_PART.match(a)}
    return set(ACRONYM.findall(text)) | {w for w in words if ORGANISATION.match(w)} | joined


def holds_figure_subject(unit: str, ask: str, policy: AnswerPolicy, context: str = "", translated: str = "",
                         title: str = "", leans_on: str = "", names_kept_by: str | None = None) -> bool:
    """A figure asked about a subject is answered only by a unit that names most of that subject (in
    its own words or its ``context``: its section, the clause it continues), and every acronym or
    organisation the ask names: a national share is no answer to a province's, a customer named in
    a list is not the one whose revenue is asked, SM2's key length is not RSA's (held-out user
    documents: 4 of 5 such questions got the neighbouring figure). Words of the document's ``title``
    name the document, not the subject: they are not asked of the unit ("射阳大米…蛋白质含量" is not
    answered by any sentence of the rice standard). An ask that ``leans_on`` the one before it ("…蛋白质
    含量有没有具体要求？要达到多少？") asks its figure of that one's subject.

    An English ask over Chinese units names its subject in ``translated``, the ask in the units'
    language, more loosely: the model's translation keeps English words and varies the rest ("钻石线"
    for 金刚线). Its names are asked of the unit only where ``names_kept_by`` (``kept_names``: the names
    the translation keeps as the documents write them; None without a translation) holds them
    ("渤海银行", "RSA"; not "MIIT" or "SME", which Chinese text writes 工信部 and 中小企业)."""
    if not NUMBER_ASK.search(ask):
        return True
    subject = f"{leans_on} {ask}"
    english = detect_language(ask) != "zh"
    names = named_subjects(subject) - named_subjects(title)
    if english and names_kept_by is not None:
        names = {n for n in names if n in names_kept_by}
    if any(name not in f"{title} {context} {unit}" for name in names):
        return False
    if english and not is_english_prose(unit):
        # a translation's words are the model's and keep English ones ("Debon Securities note"): the
        # title may name part of its subject
        words = figure_subject(translated) if translated else set()
        return len(words) < 2 or share(words, f"{title} {context} {unit}", substring=True) >= policy.figure_subject_share
    if english:  # "the Jiangsu local standard"'s area is not a batch rule that names Jiangsu
        title_stems = english_stems(title)
        words = _asked_subject(ask, leans_on, lambda w: w in title_stems)
        return len(words) < 2 or len(words & english_stems(f"{context} {unit}")) / len(words) >= policy.figure_subject_share
    words = _asked_subject(ask, leans_on, lambda w: w in title)
    return len(words) < 2 or share(words, f"{context} {unit}", substring=True) >= policy.figure_subject_share


def _asked_subject(ask: str, leans_on: str, in_title: Callable[[str], bool]) -> set[str]:
    """The subject words a figure ask asks of a unit: its own, or, where it names fewer than two
    beyond the title's, those of the ask it leans on ("已经用掉多少？" after "兴业银行给这家公司的授信一共多少？")."""
    words = {w for w in figure_subject(ask) if not in_title(w)}
    if len(words) < 2 and leans_on:
        return {w for w in subject_words(leans_on) if not in_title(w)}
    return words


def holds_figure_asked(unit: str, ask: str) -> bool:
    """A question for a number is answered by a unit that gives one (not a year alone), of the year
    and place the question names when the unit ties its figures to a year or names places: 2024's
    revenue is no answer to 2025's target, nor a region's share to a province's."""
    if not NUMBER_ASK.search(ask):
        return True
    figures = counted_figures(unit)  # not a year, nor a standard's or a clause's number ("GB/T 5503", "7.4.2")
    if not figures:
        return bool(CHINESE_COUNT.search(unit))  # "四个方面", "三家": a number in words
    asked_years = set(YEAR.findall(ask))
    tied = {year_of(unit, m.start(), m.end()) for m in figures} - {None}
    if asked_years and tied and not tied & asked_years:
        return False
    asked_places = figure_places(ask)
    return not asked_places or asked_places <= places(unit)


def answers_part(unit: EvidenceUnit, part: QuestionPart, subject: str, policy: AnswerPolicy, before: str = "",
                 title: str = "", translated: str = "", names_kept_by: str | None = None,
                 own_document: bool = False) -> bool:
    """The unit speaks of the ask's subject (as its subject, not one item of another's list; for a
    figure, most of it, or its document's title, its section or the clause it continues does:
    "…设备联网率达到60%；到2026年底达到80%"; "高测股份" is named by the broker note's title), and
    holds the kind of fact it asks for (or says the sources do not give it). In a user's
    ``own_document``, a Chinese ask's words that its title holds name the document, not the subject
    (``about``); an English ask's subject is read through the model's translation, whose other words
    may be synonyms of the document's ("金钱" for 资金), so there the title's words still count."""
    by_title = own_document and detect_language(part.text) == "zh"
    named = about(subject, unit, policy, title if by_title else "") and not only_an_item(unit.text, part.text) \
        and not about_another_document(unit.text, subject) \
        and holds_figure_subject(unit.text, part.text, policy, f"{unit.section} {before}", translated, title,
                                 part.leans_on, names_kept_by) \
        and holds_figure_asked(f"{before}{unit.text}", part.text)
    return named and (not part.kinds or any(states_kind(unit.text, k) for k in part.kinds)
                      or bool(NOT_GIVEN.search(unit.text)))


def continued(units: list[EvidenceUnit]) -> dict[int, str]:
    """For each unit that continues its chunk's previous unit in the same sentence (that one ends in a
    semicolon), that unit's text: it names what the continuation's figures are of."""
    at = {(u.source_index, u.position): u.text for u in units}
    out = {}
    for u in units:
        previous = at.get((u.source_index, u.position - 1), "")
        if previous.rstrip().endswith(("；", ";")):
            out[id(u)] = previous
    return out


def units_for_part(part: QuestionPart, units: list[EvidenceUnit], subject: str, policy: AnswerPolicy,
                   before: dict[int, str] | None = None, titles: list[str] | None = None,
                   translated: str = "", names_kept_by: str | None = None,
                   own_documents: frozenset[int] = frozenset()) -> list[EvidenceUnit]:
    """The evidence that answers one ask, best first, within the body's size (``own_documents``: the
    sources that are the user's own documents)."""
    before = before or {}
    fitting = [u for u in units if not no_answer(u.text) and not is_title(u.text, title_of(u, titles), policy)
               and answers_part(u, part, subject, policy, before.get(id(u), ""), title_of(u, titles), translated,
                                names_kept_by, u.source_index in own_documents)]
    first: list[EvidenceUnit] = []
    if "list" in part.shapes:  # "what are the five levels / the 2027 targets": a list answers it, whole
        # the most relevant list, not the fullest: "哪几方面能力" is answered by the four aims, not by a
        # longer list of the problems they address (a "fullest first" rule, tried on held-out
        # questions, fixed one such question and broke another)
        first = worth_quoting([u for u in fitting if carries_list(u.text)], subject, list(part.kinds),
                              limit=policy.body_lists, chars=policy.body_chars, policy=policy)
    rest = worth_quoting([u for u in fitting if u not in first], subject, list(part.kinds),
                         limit=policy.body_units - len(first), chars=policy.body_chars, policy=policy)
    return first + rest


def carries_list(text: str) -> bool:
    """A unit that gives a list: a lead and its items ("the targets for 2027 are: …; …; …"), or an
    enumeration of several items ("A、B、C、D")."""
    return bool(LIST_LEAD.match(text)) or len(re.findall(r"[；;]", text)) >= 2 or text.count("、") >= 3 \
        or len(LABELLED_ITEM.findall(text)) >= 3


def title_of(unit: EvidenceUnit, titles: list[str] | None) -> str:
    return titles[unit.source_index] if titles and unit.source_index < len(titles) else ""


def translated_asks(parts: list[QuestionPart], translated: str) -> list[str]:
    """Each ask's own words in the question's translation ('' where they cannot be told apart): the
    translation cut into asks the same way, when it has as many. The whole translation's words
    would make every ask about the first one's subject ("how much broken rice …, and what tasting
    score" ranked the broken-rice rows first under the tasting score too)."""
    if not translated:
        return [""] * len(parts)
    if len(parts) == 1:
        return [translated]
    cut = split_parts(translated)
    if len(cut) != len(parts):
        return [""] * len(parts)
    return [c.text for c in cut]


def kept_names(translated: str, units: list[EvidenceUnit]) -> str | None:
    """The names an English question's translation keeps as the documents write them: a Chinese name
    ("渤海银行"), or a Latin one the evidence itself writes ("RSA" in a Chinese standard; not "SME",
    which the model kept in its translation and Chinese text writes 中小企业). None without a translation."""
    if not translated:
        return None
    written = " ".join(u.text for u in units)
    return " ".join(n for n in named_subjects(translated) if not n.isascii() or n in written)


def compose_body(parts: list[QuestionPart], units: list[EvidenceUnit], searched: str, policy: AnswerPolicy,
                 skip: set[int] = frozenset(), translated: str = "", titles: list[str] | None = None,
                 own_documents: frozenset[int] = frozenset()) -> list[BodyUnit]:
    """The body for every ask (asks in ``skip`` are known not to be given): each unit under the
    first ask it answers, each sentence once. A question of one ask is about its own words and what
    it was ``searched`` with (the policies' terms for its everyday words: "小厂，钱不多" searches
    小微企业 小快轻准); each of several asks about its own words. ``translated``: the question in the
    units' language, when they are in another (its words name the subject there). ``own_documents``:
    the sources (by index) that are the user's own documents."""
    own = translated_asks(parts, translated)
    # an ask that leans on the one before is about that one's subject too ("已经用掉多少" is about 兴业银行's 授信)
    subjects = [f"{p.leans_on} {p.text}".strip() if len(parts) > 1 else f"{p.text} {searched}" for p in parts]
    subjects = [f"{s} {own[i] or translated}" if translated else s for i, s in enumerate(subjects)]
    # a figure's subject is read from the translation of a one-ask question only: an ask's part of a
    # translation is too short to outweigh the model's choice of words ("提取" for 已使用)
    whole = translated if len(parts) == 1 else ""
    kept = kept_names(translated, units)
    lines: list[BodyUnit] = []
    used: set[int] = set()
    before = continued(units)
    for i, part in enumerate(parts):
        if i in skip:
            continue
        for u in units_for_part(part, [u for u in units if id(u) not in used], subjects[i], policy, before, titles,
                                whole, kept, own_documents):
            used.add(id(u))
            answers = {j for j, other in enumerate(parts) if j not in skip
                       and answers_part(u, other, subjects[j], policy, before.get(id(u), ""), title_of(u, titles),
                                        whole, kept, u.source_index in own_documents)}
            lines.append(BodyUnit(u, trimmed(u.text.strip(), policy.unit_chars, policy.body_chars), [u.source_index + 1], i, answers | {i}))
    return distinct(lines, policy)


def body_text(lines: list[BodyUnit]) -> str:
    """The body as the user reads it: one quoted sentence per line with its sources; a blank line
    between the asks."""
    out, part = [], None
    for line in lines:
        if part is not None and line.part != part:
            out.append("")
        part = line.part
        out.append(f"- “{line.text}”" + "".join(f"[{n}]" for n in line.sources))
    return "\n".join(out)
