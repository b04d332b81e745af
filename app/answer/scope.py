"""Requests outside transformation advice (write code, the weather, a joke, small talk) get a short,
friendly statement of what the advisor does instead of a policy answer. The patterns describe kinds
of request, not particular questions."""

from __future__ import annotations

import re

OUT_OF_SCOPE = re.compile(
    r"(?:写|编|帮我写|给我写|生成)(?:一?个|一段|段)?.{0,8}(?:代码|程序|脚本|爬虫|函数|SQL|正则)|"
    r"(?:python|java|javascript|c\+\+|sql|html)\s*(?:代码|脚本|程序|code|script)|爬虫|"
    r"\b(?:write|generate|give me|code)\b.{0,30}\b(?:code|script|program|function|scraper|crawler|regex|sql query)\b|"
    r"天气|气温|下雨|weather|讲个笑话|说个笑话|笑话|\bjoke\b|"
    r"^\s*(?:你好|您好|hi|hello|hey|在吗|谢谢|thanks|thank you)\s*[!！。.?？]*\s*$|你是谁|who are you|"
    r"翻译(?:一下|成)|translate (?:this|to|into)|写(?:一?首)?诗|poem|菜谱|recipe|彩票|lottery",
    re.I)
# Investment advice ("a good industrial-internet stock to buy"; "safety stock" is inventory). A question
# limited to a document the user brought (a broker's note) may ask what that document says of a share.
INVESTMENT = re.compile(
    r"股票|炒股|stock price|"
    r"\b(?:buy|invest in|recommend|pick)\b.{0,40}\b(?:stocks|shares|equities|stock to buy|stock to invest)\b|"
    r"\bstocks? (?:tips?|picks?|to buy)\b",
    re.I)


def out_of_scope(question: str, own_documents: bool = False) -> bool:
    """``own_documents``: the question is limited to documents the user added."""
    return bool(OUT_OF_SCOPE.search(question)) or (not own_documents and bool(INVESTMENT.search(question)))
