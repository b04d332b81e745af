"""Which kind of fact a question asks for (an amount of money, a payback period, a deadline, a
date, a count, a document number, who issued it), and which kinds a sentence states.

An owner who asks "how much will we get?" needs an amount or an honest "the sources give none":
a nearby sentence with a year or a city-level total is not an answer. The patterns describe the
*kind* of question and the *shape* of the fact (a number with a currency, a date with a deadline
word), not particular questions, so they carry over to questions nobody has seen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import DOC_NUMBER, NUMBER, YEAR, split_sentences
from retrieval.evidence import specific_words


@dataclass(frozen=True)
class FactKindPolicy:
    """How near a fact must stand to what it is about, and how much of the evidence is searched."""
    denial_ranks: int = 3  # a denial among this many of the best evidence sentences about the subject counts
    number_near_title: int = 80  # characters between a document's name and its number
    recipient_before: int = 40  # characters before an amount that say whom it is for ("每家企业最高可获……")
    recipient_after: int = 20  # ... and after it ("……元/家")


DEFAULT_FACT_KIND_POLICY = FactKindPolicy()

# --- what the question asks for -----------------------------------------------------------------
ASKS: dict[str, re.Pattern] = {
    "amount": re.compile(
        r"多少钱|多少资金|多少经费|多少补贴|多少补助|多少奖励|多少奖补|补贴多少|补助多少|奖补多少|奖励多少|资助多少|"
        r"给多少|拿多少|领多少|能拿到?多少|能得到?多少|能获得多少|补多少|金额|多少万|几万|几百万|多少元|花多少|要多少钱|"
        r"费用是?多少|成本是?多少|价格|报价|多贵|(?:补贴|补助|奖补|奖励|资助|资金|经费)[^。？?]{0,6}多少|"
        r"(?:收入|营收|营业额|销售额|利润|产值|市值)[^。？?]{0,6}多少|多少(?:收入|营收|营业额|销售额|利润|产值)|"
        r"\bhow much (?:\w+ ){0,3}(?:revenue|profit|income|sales|turnover)\b|"
        r"how much (?:money|funding|subsidy|support|grant|will|would|can|could|do|does|is|are)|"
        r"\bamounts?\b|\bsubsidy (?:level|size)|\bprice\b|\bhow much\b.*\b(?:cost|get|receive|pay|subsid)|"
        r"\bwhat (?:does|do|would|will|might) [^?.]{0,50}\bcost\b|\bhow expensive\b|\bhow much\s*\?", re.I),
    "payback": re.compile(
        r"回本|回收期|投资回报|回报率|回报周期|多久.{0,6}(?:赚回|收回|回本)|收益率|\bROI\b|payback|pay back|pays? for (?:it|them)sel(?:f|ves)|"
        r"return on (?:the )?investment|break[- ]?even", re.I),
    "deadline": re.compile(
        r"截止|截至日期|最后期限|申报时间|申报期|申请期限|报名时间|什么时候(?:能|可以)?(?:申报|申请|报名|提交)|"
        r"何时(?:申报|申请|报名|提交)|几号之前|deadline|due date|closing date|apply by|by when|"
        r"when (?:can|should|must|do) (?:we|i|you|firms?|companies|enterprises) (?:apply|submit|register)|"
        r"when is the (?:application|deadline)|application (?:window|period)", re.I),
    "date": re.compile(
        r"什么时候(?:发布|印发|出台|实施|施行|生效|开始|公布)|何时(?:发布|印发|出台|实施|施行|生效|开始)|哪一年|哪年|几月|"
        r"哪天|发布时间|实施时间|生效时间|when (?:was|were|did|will|does|do)|what date|which year|what year|"
        r"take effect|took effect|come into force|effective (?:date|from)", re.I),
    "count": re.compile(
        r"多少(?:个|家|项|批|座|条|种|类|名|所|城市|企业|工厂)|几(?:个|家|项|批|座|条|种|类|名|所)|数量|"
        r"how many|number of", re.I),
    "doc_number": re.compile(r"文号|发文字号|发文号|document (?:number|no\.?)|reference number", re.I),
    "issuer": re.compile(
        r"哪个部门|哪些部门|哪几个部门|什么部门|谁(?:发布|印发|出台|制定|发的)|发布(?:单位|部门|机构)|印发部门|"
        r"由谁|who (?:issued|published|released|is behind|wrote)|which (?:ministr|department|bod|authorit|agenc)",
        re.I),
}

# --- the shape of each kind of fact in a sentence -------------------------------------------------
_NUM = NUMBER.pattern
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = rf"(?:\d{{4}}\s*年(?:\s*\d{{1,2}}\s*月)?(?:\s*\d{{1,2}}\s*日)?|\d{{4}}-\d{{1,2}}(?:-\d{{1,2}})?|" \
        rf"(?:\d{{1,2}}\s+)?{_MONTHS}(?:\s+\d{{1,2}},?)?\s+\d{{4}}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)"
STATES: dict[str, re.Pattern] = {
    "amount": re.compile(
        rf"{_NUM}\s*(?:万亿|亿|万|千)?\s*(?:元|人民币)|(?:RMB|CNY|¥|￥)\s*{_NUM}|{_NUM}\s*(?:million|billion|thousand)?\s*"
        rf"(?:yuan|RMB)|"
        # a table row whose label gives the money unit: "利润表(百万元)：营业总收入；2021：1,567",
        # "营业收入(百万元) 746 1,567"
        rf"[（(](?:百万|千万|万|亿)?元[)）][^。]*?[：:\s]\s*-?{_NUM}", re.I),
    "payback": re.compile(
        rf"(?:回本|回收期|回报|收益率|ROI|payback|pay back|return on)[^。.!?！？]{{0,30}}{_NUM}|"
        rf"{_NUM}[^。.!?！？]{{0,20}}(?:回本|回收期|回报|payback|return on)", re.I),
    "deadline": re.compile(
        rf"(?:截止|截至|之前|以前|前提交|前完成|期限|deadline|due|no later than|before|by)\s*[^。.!?！？]{{0,12}}{_DATE}|"
        rf"{_DATE}\s*(?:前|之前|以前|截止|为限)", re.I),
    "date": re.compile(_DATE, re.I),
    "count": re.compile(
        rf"{_NUM}\s*(?:万|亿)?\s*(?:多)?\s*(?:个(?!百分点)|家|项|批|座|条|种|类|名|所|余|多个|多家)|"
        rf"{_NUM}\+?\s+(?:[a-z-]+\s+){{0,2}}(?:cities|firms|enterprises|companies|smes|factories|sites|platforms|"
        rf"scenarios|items|batches|centres|centers|parks|datasets|projects|standards|departments|members|levels|"
        rf"lighthouses|providers|solutions|cases|regions|provinces)|"
        r"(?:一|二|两|三|四|五|六|七|八|九|十)+\s*(?:个|家|项|批|部门|大)", re.I),
    "doc_number": re.compile(rf"{DOC_NUMBER.pattern}|GB/T\s*\d+", re.I),
    "issuer": re.compile(
        r"工业和信息化部|工信部|财政部|国务院|国资委|工商联|发展改革委|发改委|市场监管总局|标准化管理委员会|科技部|商务部|"
        r"人力资源社会保障部|办公厅|中国电子技术标准化研究院|世界经济论坛|MIIT|Ministry|SASAC|State Council|"
        r"Federation of Industry|NDRC|SAMR|Standardization Administration|World Economic Forum", re.I),
}

# Which unit an amount is given for: a city's total is not what one enterprise receives.
RECIPIENT_ENTERPRISE = re.compile(
    r"每(?:家|个|一家)?(?:企业|公司|厂|工厂)|单个企业|一家企业|我们|我厂|我司|我家|本厂|咱们|"
    r"每(?:家|个)[^，。？?]{1,6}(?:企业|公司|工厂)|"
    r"\b(?:per|each|every|a single|one)\s+(?:[\w'‘’“”\"-]+\s+){0,3}?(?:enterprise|firm|company|business|factory|plant|sme)s?\b|"
    r"\b(?:we|our|us|my)\b", re.I)
RECIPIENT_CITY = re.compile(r"(?:每个|每座)?(?:试点)?城市|\bper city\b|\beach city\b|\bcities\b|\bcity\b", re.I)

NEGATED = re.compile(r"不是|并非|不等于|并不|不能|不可|无法|不得|\bnot\b|\bno\b|n't|\bcannot\b", re.I)

KIND_ORDER = ("amount", "payback", "deadline", "doc_number", "issuer", "date", "count")

# A question asking for a figure (of any kind: a share, a target, a size …): a year it names must stand
# in the sources, or they give no figure for that year ("2028年设备联网率定的多少？" of a plan to 2027).
FIGURE_ASK = re.compile(
    r"多少|(?<!哪)几[个家项成年]|多大|多高|多快|比例|占比|份额|增速|增长率|渗透率|覆盖率|合格率|目标|规模|预测|预计|"
    r"\bhow (?:much|many|large|big|high|fast)\b|\bwhat (?:\w+ )?(?:share|percentage|proportion|rate|target|figure|"
    r"level|size|growth|margin|revenue|profit|budget)\b|\bforecasts?\b|\bprojected\b", re.I)


# A question asking for a number itself ("比例是多少", "how many"): the answer holds one. "从哪几个方面"
# asks which ones (a list), not how many.
NUMBER_ASK = re.compile(r"多少|(?<!哪)几[个家项成年倍]|多大|多高|多快|多长|百分之几|\bhow (?:much|many|large|big|high|fast|long)\b|"
                        r"\bwhat (?:\w+ )?(?:share|percentage|proportion|rate)\b|"
                        # "what minimum RSA key length", "what's the size of …", "what tasting score"
                        r"\bwhat(?:'s| is| are)?(?: the)? (?:[\w-]+ ){0,3}?(?:size|length|amount|score|minimum|maximum|limit|"
                        r"threshold|total)\b", re.I)


def years_not_given(question: str, source_texts: list[str]) -> list[str]:
    """The years a question asking for a figure names that none of the sources mentions."""
    if not FIGURE_ASK.search(question):
        return []
    return [y for y in dict.fromkeys(YEAR.findall(question)) if not any(y in t for t in source_texts)]


def asked_kinds(question: str) -> list[str]:
    """The kinds of fact the question asks for, most specific first ("when is the deadline" is a
    deadline, not merely a date)."""
    kinds = [k for k in KIND_ORDER if ASKS[k].search(question)]
    if "deadline" in kinds and "date" in kinds:
        kinds.remove("date")
    if "amount" in kinds and "count" in kinds and not re.search(r"多少(?:个|家|项|批|座)|how many", question, re.I):
        kinds.remove("count")
    return kinds


def states_kind(sentence: str, kind: str) -> bool:
    return bool(STATES[kind].search(sentence))


def asks_per_enterprise(question: str) -> bool:
    return bool(RECIPIENT_ENTERPRISE.search(question))


def amount_for_enterprise(sentence: str, policy: FactKindPolicy = DEFAULT_FACT_KIND_POLICY) -> bool:
    """Does the sentence give an amount for one enterprise (not a city total or a national sum)?"""
    for m in STATES["amount"].finditer(sentence):
        window = sentence[max(0, m.start() - policy.recipient_before): m.end() + policy.recipient_after]
        if NEGATED.search(window):
            continue  # "不是每家企业能拿到的补贴"
        if RECIPIENT_CITY.search(window) and not re.search(r"企业|enterprise|firm|company", window, re.I):
            continue
        if re.search(r"每(?:家|个)?(?:企业|公司)|per (?:enterprise|firm|company)|each (?:enterprise|firm|company)",
                     window, re.I):
            return True
    return False


# A sentence saying the sources do not give something ("What the reports do not give: … the number
# of scenarios", "报道没有的信息：投资金额、回收期"): for the kind of fact it names, that is the answer.
NOT_GIVEN = re.compile(
    r"没有给出|未给出|没有公开|未公开|尚未公布|没有公布|没有规定|没有列出|没有说明|未说明|没有提供|未提供|未披露|没有披露|"
    r"资料中都没有|没有的信息|找不到|查不到|(?:现有|公开)?资料(?:中|里)?(?:都|并)?(?:没有|未)(?!提到的)|"
    r"\bnot (?:public|given|published|specified|listed|disclosed|stated)\b|"
    r"do(?:es)? not (?:give|say|specify|publish|list|state|disclose)|\bgives? no\b|(?:cannot|could not) be found", re.I)


def says_not_given(text: str) -> bool:
    """The line is about something the sources do not give: its first sentence says so. A line that
    gives 72 and 74 lighthouse factories and ends "this report gives no cumulative total" answers."""
    first = split_sentences(text, semicolons=False, lines=False)
    return bool(first and NOT_GIVEN.search(first[0]))


KIND_NAMES: dict[str, re.Pattern] = {
    "amount": re.compile(r"金额|资金额|补贴标准|奖补标准|价格|费用|投资额|\bamounts?\b|\bprices?\b|\bcosts?\b|\binvestment", re.I),
    "payback": re.compile(r"回收期|回本|回报|\bpayback|\bROI\b|return on", re.I),
    "deadline": re.compile(r"截止|期限|申报时间|申报期|\bdeadlines?\b|application (?:window|period)", re.I),
    "date": re.compile(r"日期|时间|\bdates?\b|\bwhen\b", re.I),
    "count": re.compile(r"数量|数目|多少(?:个|家|项)|\bnumber of\b|how many", re.I),
    "doc_number": re.compile(r"文号|document (?:number|no)|reference number", re.I),
    "issuer": re.compile(r"发布(?:单位|部门|机构)|发文(?:单位|机关)|\bissu(?:er|ing bod)", re.I),
}


def denies_kind(sentence: str, kind: str) -> bool:
    """Does the sentence say that the sources do not give this kind of fact? The denial and the kind's
    name must stand in one grammatical sentence (a semicolon or a line break does not end it:
    "报道没有的信息：投资金额；回收期")."""
    return any(NOT_GIVEN.search(part) and KIND_NAMES[kind].search(part)
               for part in split_sentences(sentence, semicolons=False, lines=False))


# A document's name in the question: 《…》, or a capitalised English title in quotes or italics.
TITLE = re.compile(r"《([^》]{2,40})》|[(（]([\u4e00-\u9fff]{4,30})[)）]|[\"“*]([A-Z][^\"”*]{6,80})[\"”*]")


def names_document_number(sentence: str, titles: list[str], policy: FactKindPolicy = DEFAULT_FACT_KIND_POLICY) -> bool:
    """A document number stated beside one of the named documents (one notice's 文号 does not
    number another document)."""
    low = sentence.lower()
    for m in STATES["doc_number"].finditer(sentence):
        window = low[max(0, m.start() - policy.number_near_title): m.end() + policy.number_near_title]
        if any(t.lower() in window for t in titles):
            return True
    return False


# Words that ask for a kind of fact without naming a subject ("what does it cost", "roughly").
KIND_WORDS = frozenset({"cost", "costs", "roughly", "about"})


def about_subject(question: str, sentence: str) -> bool:
    """The sentence speaks of what the question asks about: it holds one of the question's own
    words beyond the general ones (an amount for city pilots does not price an MES licence)."""
    wanted = {w for w in specific_words(question) if not any(p.search(w) for p in ASKS.values()) and w not in KIND_WORDS}
    low = sentence.lower()
    return not wanted or any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?:s|es)?(?![a-z0-9])", low) if re.match(r"[a-z0-9]", w)
                             else w in low for w in wanted)


def answered_kinds(question: str, sentences: list[str], policy: FactKindPolicy = DEFAULT_FACT_KIND_POLICY,
                   also_about: str = "") -> dict[str, bool]:
    """For each kind the question asks for: does any of ``sentences`` (the best evidence) hold
    that kind of fact about what was asked? A document number must stand beside the document the
    question names; and when one of the best sentences says the sources do not give that kind of
    fact ("the number of scenarios is not given"), it is not answered, whatever figure is nearby.
    ``also_about``: the question in the sentences' language when it differs (its words name the
    subject there)."""
    out = {}
    about = [s for s in sentences if about_subject(question, s) or (also_about and about_subject(also_about, s))]
    titles = [next(g for g in m.groups() if g) for m in TITLE.finditer(question)]
    for kind in asked_kinds(question):
        if kind == "amount" and asks_per_enterprise(question):
            out[kind] = any(amount_for_enterprise(s, policy) for s in about)
        elif kind == "doc_number" and titles:
            out[kind] = any(names_document_number(s, titles, policy) for s in about)
        else:
            out[kind] = any(states_kind(s, kind) for s in about)
        # the best evidence itself says the sources do not give it
        if any(denies_kind(s, kind) for s in about[:policy.denial_ranks]):
            out[kind] = False
    return out
