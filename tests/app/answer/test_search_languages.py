"""The question translated for the search when documents in scope have no translation in its
language (``steps.search_languages``), on the shared fakes: the model is asked only then, its
translation goes to the search beside the question, and never into the answer."""

from app.answer.advisor import Advisor
from app.answer.policy import AnswerPolicy
from tests.fakes import FakeEmbedder, FixedRetriever, ScriptedGenerator, sources_from

ROWS = [("全国中小企业数字化转型调研报告", "市场规模", "中小企业数字化转型市场规模2025年突破1万亿元，到2030年有望达到3万亿元。",
         {"lang": "zh"})]
QUESTION = "How large will the SME digital transformation market be in 2025?"
TRANSLATION = "2025年中小企业数字化转型市场规模有多大？"
LEAD = "The survey expects the market to pass 1万亿元 in 2025[{d1}]."


def advisor(untranslated, *replies):
    embedder = FakeEmbedder()
    sources = sources_from(ROWS)
    retriever = FixedRetriever(sources, True, embedder, untranslated=untranslated)
    generator = ScriptedGenerator(*replies, sources=sources)
    return Advisor(retriever, generator, embed_passages=embedder.embed_passages), generator, retriever


def test_documents_without_an_english_twin_are_searched_with_the_question_in_chinese():
    adv, generator, retriever = advisor({"zh"}, TRANSLATION, LEAD)
    answer = adv.ask(QUESTION)
    assert "翻译成中文" in generator.prompts[0] and QUESTION in generator.prompts[0]
    assert generator.max_tokens[0] == AnswerPolicy().search_translation_max_tokens
    wording = retriever.searches[0]["also"]
    assert len(wording) == 1 and wording[0].startswith(TRANSLATION)
    assert retriever.searches[0]["query"] != TRANSLATION
    assert TRANSLATION not in answer.answer
    step = next(t for t in answer.trace if t["step"] == "search_languages")
    assert step["wordings"] == wording


def test_nothing_is_translated_when_every_document_has_its_translation_or_shares_the_language():
    for untranslated, question in (((), QUESTION), ({"en"}, QUESTION), ({"zh"}, "2025年市场规模有多大？")):
        adv, generator, retriever = advisor(untranslated, LEAD)
        adv.ask(question)
        assert all("Translate" not in p and "翻译" not in p for p in generator.prompts)
        assert retriever.searches[0]["also"] == []


def test_a_reply_not_in_the_documents_language_is_not_searched():
    """The model answered in English, or answered the question instead of translating it."""
    adv, generator, retriever = advisor({"zh"}, "The market is 1 trillion yuan.", LEAD)
    adv.ask(QUESTION)
    assert retriever.searches[0]["also"] == []


def test_a_reply_far_shorter_than_the_question_is_not_searched():
    """The model answered a yes/no question ("否") instead of translating it: searching with that
    finds nothing of what was asked (seen on held-out user documents). A whole translation is."""
    question = "Does the Yancheng high-tech zone group's 2023 fourth super short-term note carry a credit rating of its own?"
    adv, generator, retriever = advisor({"zh"}, "否", LEAD)
    adv.ask(question)
    assert retriever.searches[0]["also"] == []
    adv, generator, retriever = advisor({"zh"}, "盐城高新区投资集团2023年第四期超短期融资券有自己的信用评级吗？", LEAD)
    adv.ask(question)
    assert retriever.searches[0]["also"][0].startswith("盐城高新区投资集团")


def test_the_translation_prompt_asks_for_a_question_not_an_answer():
    from prompts import load_prompt
    for lang in ("zh", "en"):
        text = load_prompt("search_translation", lang).text
        assert "{question}" in text
    assert "译文也是问句" in load_prompt("search_translation", "zh").text
    assert "a question too" in load_prompt("search_translation", "en").text


def test_a_name_the_question_writes_in_pinyin_is_searched_as_the_title_writes_it():
    """"Sheyang" came back from the model's translation once as 邵阳, "Yancheng" once as "该区": the
    Chinese word of a user document's title whose pinyin the question writes is searched as well,
    also when the translation itself is not usable."""
    from app.answer.documents import Library
    from tests.fakes import FakeDocumentStore
    library = Library(FakeDocumentStore([("a" * 24, "DB32T1580-2019_地理标志产品_射阳大米", "DB32T1580-2019_射阳大米.pdf")]))
    question = "How big is the protected production area for Sheyang rice?"
    for reply, wording in (("邵阳大米的保护生产区域有多大？", "邵阳大米的保护生产区域有多大？ 射阳"), ("否", "射阳")):
        embedder = FakeEmbedder()
        sources = sources_from(ROWS)
        retriever = FixedRetriever(sources, True, embedder, untranslated={"zh"})
        generator = ScriptedGenerator(reply, LEAD, sources=sources)
        adv = Advisor(retriever, generator, embed_passages=embedder.embed_passages, library=library)
        answer = adv.ask(question)
        assert retriever.searches[0]["also"][0].startswith(wording)
        step = next(t for t in answer.trace if t["step"] == "search_languages")
        assert step["names"] == ["射阳"]
    adv, generator, retriever = advisor({"zh"}, TRANSLATION, LEAD)  # no user document: no names
    adv.ask(question)
    assert "射阳" not in retriever.searches[0]["also"][0]
