"""The grounded answer step with fakes (tests/fakes.py: a scripted generator, a fixed retriever, a
fake embedder): the logic of evidence → generate → verify → events, fast. The real models run it in
tests/app/test_advisor.py."""

from app.answer.advisor import Advisor
from tests import fakes

CHUNKS = [
    ("城市试点：中央财政对每个试点城市最高奖补1.5亿元，这是城市总额上限。一家企业能拿到多少，由各城市的资金管理办法规定。",
     {"title": "中小企业数字化转型城市试点", "section": "资金", "doc_id": "d1", "lang": "zh"}),
    ("《实施指南》对中小企业提出：因企制宜、重点突破，评估转型潜在价值和可行性，明确转型优先级。小微企业推动业务系统上云。",
     {"title": "实施指南", "section": "策略", "doc_id": "d2", "lang": "zh"}),
]
SOURCES = fakes.sources_from((meta["title"], meta["section"], text, meta) for text, meta in CHUNKS)
# Every sentence as close as can be to every question: the evidence is 'strong' (what the wording
# alone decides is tested with the bigram embedder, test_weak_evidence_does_not_overturn_a_refusal).
CLOSE = fakes.FakeEmbedder(floor=1.0)
embed_passages = CLOSE.embed_passages


class FixedRetriever(fakes.FixedRetriever):
    """The two chunks above, for any query."""

    def __init__(self, covered=True, embedder=CLOSE):
        super().__init__(SOURCES, covered, embedder)


class ScriptedGenerator(fakes.ScriptedGenerator):
    """``{d1}`` / ``{d2}`` in the reply: the number the prompt gave the city-pilot / guidelines source."""

    def __init__(self, reply: str):
        super().__init__(reply, sources=SOURCES)


def run(reply: str, question: str, covered=True):
    generator = ScriptedGenerator(reply)
    advisor = Advisor(FixedRetriever(covered), generator, embed_passages=embed_passages)
    events = list(advisor.stream(question))
    return events, events[-1].answer, generator


def test_tokens_are_verified_and_add_up_to_the_answer():
    events, answer, _ = run("中小企业要因企制宜、重点突破[{d2}]。每家企业可获得1.5亿元补贴[{d1}]。小微企业推动业务系统上云[{d2}]。",
                            "中小企业转型有什么策略？")
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["sources", "evidence"] and kinds[-1] == "done"
    assert "".join(e.text for e in events if e.kind == "token") == answer.answer
    assert "1.5亿" not in answer.answer and answer.removed_figures == ["1.5亿"]
    assert "重点突破" in answer.answer and "上云" in answer.answer and not answer.refused
    assert [v["decision"] for v in answer.verification] == ["removed", "removed", "kept"]
    # the first sentence is a shorter copy of a body sentence: the body says it, in full
    assert answer.verification[0]["reason"].startswith("the body below says it")
    # the third sentence says a source sentence of the body: it is not quoted again below
    assert answer.answer.count("小微企业推动业务系统上云") == 1 and "- “小微企业推动业务系统上云。”" not in answer.answer


def test_evidence_comes_before_the_first_token():
    events, answer, _ = run("小微企业推动业务系统上云[{d2}]。", "小微企业先做什么？")
    evidence = events[1].evidence
    assert evidence and all({"n", "text", "score"} <= set(e) for e in evidence)


def test_a_refusal_against_strong_evidence_becomes_quotes():
    events, answer, _ = run("资料中没有提供这方面的信息。", "小微企业先做什么？")
    assert answer.extractive and not answer.refused
    assert "“" in answer.answer and "[" in answer.answer


def test_a_refusal_stands_when_no_evidence_is_close_to_the_question():
    # the same question and refusal, with sentences far from the question in embedding space (the
    # bigram embedder with a low floor): the evidence does not clearly answer, the refusal stands
    far = fakes.FakeEmbedder(floor=0.5)
    generator = ScriptedGenerator("资料中没有提供这方面的信息。")
    advisor = Advisor(FixedRetriever(embedder=far), generator, embed_passages=far.embed_passages)
    answer = list(advisor.stream("小微企业先做什么？"))[-1].answer
    queries = [texts[0] for method, texts in far.calls if method == "embed_query"]
    sentences = [f"{answer.contexts[e.n - 1].section} {e.text}" for e in answer.evidence]
    # (e5 puts a sentence that answers a question above 0.85)
    assert queries and sentences and max(far.similarity(q, t) for q in queries for t in sentences) < 0.8
    assert generator.prompts and answer.refused and not answer.extractive
    assert "原文" not in answer.answer and "- “" not in answer.answer and "资料中没有提供这方面的信息" in answer.answer


def test_asked_for_amount_the_sources_lack_is_said_plainly():
    events, answer, generator = run("一家企业能拿到多少，由各城市的资金管理办法规定[{d1}]。", "我们企业能拿到多少补贴？")
    assert answer.fact_gaps == ["amount"] and answer.refused
    assert answer.answer.startswith("资料中没有给出这方面的具体金额")
    assert "正式通知为准" in answer.answer and "资金管理办法" in answer.answer
    assert "不要写任何金额" in generator.prompts[0]


def test_not_covered_is_refused_without_the_model():
    events, answer, generator = run("不该出现", "今天股市如何", covered=False)
    assert answer.refused and generator.prompts == [] and answer.answer.startswith("资料中没有提供这方面的信息")


def test_out_of_scope_requests_get_the_scope_statement():
    events, answer, generator = run("不该出现", "帮我写个Python爬虫")
    assert answer.out_of_scope and answer.refused and generator.prompts == []
    assert "数字化转型" in answer.answer


def test_assumed_profile_is_said_first():
    events, answer, _ = run("小微企业推动业务系统上云[{d2}]。", "我们是个三十人的五金小厂，先做什么？")
    assert answer.profile_assumed and answer.profile["tier"] == "micro" and answer.profile["industry"] == "五金"
    assert answer.answer.startswith("（以下按小微企业")


def test_a_lead_written_as_a_list_becomes_one_paragraph():
    events, answer, _ = run("1. 中小企业要先评估，再抓重点[{d2}]。\n2. 每家企业可获得1.5亿元补贴[{d1}]。\n3. 小微企业要先推动业务系统上云[{d2}]。\n",
                            "中小企业转型有什么策略？")
    lead = answer.answer.split("\n\n")[1]
    assert lead == "中小企业要先评估，再抓重点[1]。小微企业要先推动业务系统上云[1]。" and "1.5亿" not in answer.answer


def test_a_sentence_cut_off_at_the_token_limit_is_dropped():
    generator = ScriptedGenerator("小微企业推动业务系统上云[{d2}]。中小企业要因企制宜、重点突破[{d2}]")
    advisor = Advisor(FixedRetriever(), generator, embed_passages=embed_passages, max_new_tokens=12)
    answer = list(advisor.stream("小微企业先做什么？"))[-1].answer
    lead = answer.answer.split("\n\n- ")[0]  # (the body after it quotes the sources)
    assert "上云" in lead and "重点突破" not in lead
    assert any(v["reason"].startswith("cut off") for v in answer.verification)


def test_the_body_is_the_evidence_in_its_own_words_after_the_lead():
    events, answer, _ = run("中小企业要先评估，再抓重点[{d2}]。", "中小企业转型有什么策略？")
    lead, _, body = answer.answer.partition("\n\n- ")
    assert "先评估" in lead and "明确转型优先级" in body and not answer.refused
    assert answer.quoted[0].text == "《实施指南》对中小企业提出：因企制宜、重点突破，评估转型潜在价值和可行性，明确转型优先级。"
    assert "1.5亿" not in answer.answer  # evidence without the question's words is not quoted
    assert "".join(e.text for e in events if e.kind == "token") == answer.answer
    assert [t["step"] for t in answer.trace].index("lead") < [t["step"] for t in answer.trace].index("body_shown")


def test_a_source_sentence_the_lead_copies_is_not_quoted_again():
    _, answer, _ = run("小微企业推动业务系统上云[{d2}]。", "中小企业转型有什么策略？")
    assert not answer.extractive and not answer.refused
    assert answer.answer.count("小微企业推动业务系统上云") == 1 and "明确转型优先级" in answer.answer
    assert [q.text for q in answer.quoted] == [CHUNKS[1][0].split("。")[0] + "。"]


def test_nothing_is_quoted_when_the_answer_already_says_it():
    reply = "中小企业因企制宜、重点突破，评估转型潜在价值和可行性，明确转型优先级，小微企业推动业务系统上云[{d2}]。"
    _, answer, _ = run(reply, "中小企业转型有什么策略？")
    assert answer.quoted == [] and "原文摘录" not in answer.answer
    _, answer, _ = run(reply.replace("评估转型潜在价值和可行性，", ""), "中小企业转型有什么策略？")
    assert [q.text for q in answer.quoted] == [CHUNKS[1][0].split("。")[0] + "。"]  # one clause left out: quoted


def test_a_left_out_fact_of_the_kind_asked_for_is_quoted_first():
    _, answer, _ = run("试点城市的资金管理办法规定企业能拿到多少[{d1}]。", "城市试点的奖补上限是多少？")
    assert answer.fact_gaps == [] and answer.quoted and "1.5亿元" in answer.quoted[0].text


def test_figures_of_the_advisor_s_earlier_answers_are_not_known_facts():
    generator = ScriptedGenerator("中小企业转型策略有4个要点[{d2}]。")
    advisor = Advisor(FixedRetriever(), generator, embed_passages=embed_passages)
    history = "此前的对话：\n用户：中小企业转型策略是什么？\n顾问：中小企业转型策略有4个要点[1]。"
    answer = list(advisor.stream("中小企业转型策略具体是哪些？", history=history,
                                 known_text="中小企业转型策略是什么？"))[-1].answer
    assert "4个要点" not in answer.answer and answer.removed_figures == ["4个"]
    user_fact = list(Advisor(FixedRetriever(), ScriptedGenerator("小微企业推动业务系统上云，适合120人的企业[{d2}]。"),
                             embed_passages=embed_passages).stream("我们120人，先做什么？", known_text="我们厂有120人"))[-1]
    assert "120人" in user_fact.answer.answer


def test_a_question_no_evidence_names_is_refused_without_the_model():
    events, answer, generator = run("中国灯塔工厂总数达72家[{d1}]。", "世界杯冠军是哪个国家？")
    assert answer.refused and generator.prompts == [] and answer.answer.startswith("资料中没有提供这方面的信息")
    events, answer, generator = run("小微企业推动业务系统上云[{d2}]。", "我们钱不多，先搞啥？")  # no specific word: asked
    assert generator.prompts and not answer.refused


def test_what_is_quoted_says_the_most_and_an_answer_naming_part_of_a_list_has_not_said_it():
    from app.answer.quoting import says, worth_quoting
    from retrieval.evidence import EvidenceUnit

    levels = ("The model has five levels: Planning (规划级); Standardised (规范级); Integrated (集成级); "
              "Optimised (优化级); Leading (引领级).")
    answer = "The model has five levels: 1. Planning (规划级). 2. Standardised (规范级). 3. Optimised (优化级). 4. Leading (引领级)."
    assert not says(answer, levels) and says(answer + " Integrated (集成级).", levels)
    assert not says("The action reaches 40,000+ SMEs.", "It reaches 40,000+ SMEs, including 10,000 专精特新 SMEs.")

    section = "First overseas lighthouse: Foxconn Vietnam"
    meta = EvidenceUnit(0, 2, "These figures come from news reports;", section, dense=0.9, score=1.00)
    results = EvidenceUnit(0, 1, "The reported results: 40+ use cases; labour productivity +190%; 99.5% on-time "
                                 "delivery.", section, dense=0.9, score=0.98)
    elsewhere = EvidenceUnit(1, 0, "Mengniu Dairy was the first lighthouse of its sector.", "Sector firsts",
                             dense=0.9, score=0.99)
    question = "Which Chinese lighthouse was the first one abroad, and what did it get out of it?"
    picked = worth_quoting([meta, results, elsewhere], question, limit=2)
    assert picked[0] is results  # about the question through its heading, and says the most
    assert elsewhere in picked or meta in picked
    # the list the answer began to give, from the source it cites, comes first
    answer = "The five levels: Planning (规划级); Standardised (规范级)[3]."
    levels_unit = EvidenceUnit(2, 0, levels, "", dense=0.9, score=0.95)
    assert worth_quoting([meta, elsewhere, levels_unit], "What are the five levels of the model?", (), answer)[0] \
        is levels_unit


def test_an_ask_a_shown_sentence_answers_is_not_said_to_be_unanswered():
    # one source sentence answers both asks; the lead says it: neither ask is "not answered"
    reply = "中小企业要评估转型潜在价值和可行性，明确转型优先级[{d2}]。"
    _, answer, _ = run(reply, "中小企业数字化转型应该先做什么？要明确什么优先级？")
    assert [t for t in answer.trace if t["step"] == "asks"][0]["decision"] == "2 ask(s)"
    assert "资料中没有回答" not in answer.answer and not answer.refused


def test_an_ask_no_source_sentence_answers_is_said_to_be_not_answered_and_the_rest_is_answered():
    reply = "中小企业要评估转型潜在价值和可行性，明确转型优先级[{d2}]。"
    _, answer, _ = run(reply, "中小企业数字化转型应该先做什么？区块链技术怎么选型？")
    assert "资料中没有回答“区块链技术怎么选型”的内容。" in answer.answer
    assert not answer.refused and "优先级" in answer.answer


def test_a_lead_is_prose_without_list_numbers_or_bold_labels():
    _, answer, _ = run("1. **策略**：[{d2}]中小企业要先评估，再抓重点。", "中小企业转型有什么策略？")
    lead = answer.answer.split("\n\n")[1]
    assert lead.startswith("中小企业要先评估") and "**" not in lead and "[1]" in lead


def test_a_refusal_stands_when_the_best_source_sentence_says_it_is_not_given():
    chunks = [("现有资料没有专精特新企业数字化改造的补贴标准，既没有每家企业的补贴金额。城市试点：中央财政对试点城市的定额奖励上限为1.5亿元。",
               {"title": "专精特新", "section": "资金", "doc_id": "d1", "lang": "zh"})]
    generator = fakes.ScriptedGenerator("资料中没有提供这方面的信息。", sources=fakes.sources_from(
        (m["title"], m["section"], t, m) for t, m in chunks))
    retriever = fakes.FixedRetriever(fakes.sources_from((m["title"], m["section"], t, m) for t, m in chunks), True, CLOSE)
    answer = list(Advisor(retriever, generator, embed_passages=embed_passages).stream(
        "直接确认：国家对每家专精特新企业的数字化改造补贴是5000万元，对吗？"))[-1].answer
    assert answer.refused and answer.refusal_reason in ("sources_say_not_given", "model_refused"), answer.refusal_reason
    assert "5000万" not in answer.answer


def test_a_lead_sentence_without_a_marker_is_removed():
    """The source an uncited sentence is attached to by word overlap may hold its figures in two
    different clauses: held-out traps got "China has 74 lighthouse factories, which is 42% of the
    world total" (74 of 172 is 43 %; 72 is 42 %) and "1,000 high-quality industrial datasets" (100
    datasets, 1,000 benchmark enterprises). Cited or gone."""
    events, answer, _ = run("中小企业要先评估，再抓重点。每家企业可获得1.5亿元补贴。", "中小企业转型有什么策略？")
    assert [v["decision"] for v in answer.verification] == ["removed", "removed"]
    assert answer.verification[0]["reason"] == "a lead sentence that cites no source"
    assert "要先评估，再抓重点" not in answer.answer and "1.5亿" not in answer.answer


def test_a_refusal_of_a_question_of_several_asks_is_not_followed_by_a_line_per_ask():
    """Held-out user documents: "资料中没有提供这方面的信息。…" was followed by "资料中没有回答“农业银行给他们
    批了多少授信额度”的内容。" and one more such line: the refusal says it of every ask already."""
    _, answer, _ = run("资料中没有提供这方面的信息。", "农业银行给城市试点批了多少钱？现在还剩多少？")
    assert answer.refused and "资料中没有回答" not in answer.answer
