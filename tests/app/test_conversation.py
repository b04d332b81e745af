"""Follow-up questions: rewriting into standalone questions, trimming the history, and one
conversation never leaking into another."""

import pytest

from app.answer.conversation import Conversation, format_history, parse_history
from app.answer.policy import AnswerPolicy


def test_history_is_trimmed_by_budget_never_an_error():
    turns = [{"role": "user", "content": f"问题{i}" + "很长的内容" * 50} for i in range(40)]
    text = format_history(turns, "zh", char_budget=300)
    assert len(text) <= 300 + 40
    assert "问题39" in text and "问题0" not in text


def test_history_drops_citation_markers():
    text = format_history([{"role": "assistant", "content": "要点一[1]。要点二[2, 3]。"}], "zh", 200)
    assert "[1]" not in text and "要点一" in text


def test_parse_history_accepts_messages_or_questions():
    assert parse_history(["第一个问题"]) == [{"role": "user", "content": "第一个问题"}]
    with pytest.raises(ValueError):
        parse_history({"turns": []})
    with pytest.raises(ValueError):
        parse_history([{"role": "system", "content": "x"}])


def test_first_question_is_never_rewritten(kb_services):
    conversation = Conversation(kb_services.advisor, rewrite_mode="llm")
    assert conversation.standalone_query("  其中数字化基础占多少分？ ") == "其中数字化基础占多少分？"


def test_rule_rewrite_prepends_the_previous_question(kb_services):
    conversation = Conversation(kb_services.advisor, rewrite_mode="rule",
                                history=[{"role": "user", "content": "灯塔工厂是什么？"},
                                         {"role": "assistant", "content": "灯塔工厂由世界经济论坛评选[1]。"}])
    assert conversation.standalone_query("中国有多少家？") == "灯塔工厂是什么？ 中国有多少家？"


@pytest.mark.parametrize("first, follow_up, must", [
    ("2024年版中小企业数字化水平评测指标有哪些维度？", "其中数字化基础占多少分？", ["数字化基础"]),
    ("What do the Guidelines ask of large enterprises?", "And of small and micro firms?", ["small", "micro"]),
    ("What is GB/T 45341-2025?", "When did it take effect?", ["45341"]),
])
def test_llm_rewrite_makes_follow_ups_standalone(kb_services, first, follow_up, must):
    conversation = Conversation(kb_services.advisor, rewrite_mode="llm",
                                history=[{"role": "user", "content": first},
                                         {"role": "assistant", "content": "（上一轮回答）"}])
    rewritten = conversation.standalone_query(follow_up)
    assert rewritten != follow_up
    for word in must:
        assert word.lower() in rewritten.lower(), rewritten


@pytest.mark.slow
def test_follow_up_answer_uses_the_history(kb_services):
    conversation = Conversation(kb_services.advisor, rewrite_mode=kb_services.settings.rewrite_mode)
    first = [e for e in conversation.stream("2024年版中小企业数字化水平评测指标有哪些维度？")][-1].answer
    assert not first.refused
    second = [e for e in conversation.stream("其中数字化基础占多少分？")][-1].answer
    assert second.search_query != "其中数字化基础占多少分？"
    assert "50" in " ".join(c.text for c in second.contexts)
    assert len(conversation.history) == 4


@pytest.mark.parametrize("rewritten, problem", [
    ("2024年版评测指标中，数字化基础占多少分？", ""),
    ("数字化基础占50分。", "not a question"),
    ("第三级叫做集成级吗？", "adds words"),
    ("中国有172家灯塔工厂吗？", "adds figures"),
    ("What is it?", "another language"),
    ("2024年版中小企业数字化水平评测指标有哪些维度？", "drops the follow-up's words"),
])
def test_a_rewrite_must_be_a_question_that_adds_nothing(rewritten, problem):
    from app.answer.conversation import rewrite_problem

    history = "2024年版中小企业数字化水平评测指标有哪些维度？\n指标分为数字化基础、数字化管理和数字化成效。"
    found = rewrite_problem(rewritten, "其中数字化基础占多少分？", history)
    assert found.startswith(problem) if problem else found == ""


def test_a_rewrite_that_drops_what_the_follow_up_asks_is_not_used():
    """Dev conversation, the model's rewrite verbatim: the follow-up asked about small and micro firms."""
    from app.answer.conversation import rewrite_problem

    history = ("What do the Guidelines ask of large enterprises?\nThe Guidelines set out chain transformation by "
               "industry-leading enterprises, overall transformation of large enterprises and tiered transformation of SMEs.")
    rewritten = "What are the guidelines for large enterprises, industry-leading enterprises, large enterprises, and SMEs?"
    assert rewrite_problem(rewritten, "And of small and micro firms?", history).startswith("drops the follow-up's words")
    assert rewrite_problem("What do the Guidelines ask of small and micro firms?", "And of small and micro firms?",
                           history) == ""


def test_a_rewrite_that_answers_falls_back_to_the_rule():
    class Answering:  # a model that answers instead of rewriting
        name = "fake"

        def stream(self, messages, max_tokens):
            yield "数字化基础占50分，是最重要的维度。"

    class FakeAdvisor:
        generator = Answering()
        policy = AnswerPolicy()

    conversation = Conversation(FakeAdvisor(), history=[{"role": "user", "content": "评测指标有哪些维度？"},
                                                       {"role": "assistant", "content": "三个维度。"}])
    assert conversation.standalone_query("其中数字化基础占多少分？") == "评测指标有哪些维度？ 其中数字化基础占多少分？"
    assert conversation.last_rewrite_problem


def test_from_settings_sizes_the_conversation_from_the_settings_and_copies_the_history():
    from app.settings import Settings

    settings = Settings(history_turns=5, history_char_budget=321, rewrite_mode="rule")
    history = [{"role": "user", "content": "第一个问题"}, {"role": "assistant", "content": "回答。"}]
    advisor = object()
    conversation = Conversation.from_settings(advisor, settings, history)
    assert (conversation.advisor, conversation.max_turns, conversation.char_budget, conversation.rewrite_mode) == \
        (advisor, 5, 321, "rule")
    assert conversation.history == history and conversation.history is not history  # sessions never share one
    assert Conversation.from_settings(advisor, settings).history == []
    assert Conversation.from_settings(advisor, settings, rewrite_mode="llm").rewrite_mode == "llm"


def test_a_pronoun_for_the_document_the_previous_question_named_becomes_its_title():
    from app.answer.conversation import resolve_document

    previous = ["《制造业企业数字化转型实施指南》是哪些部门发布的？"]
    # the held-out follow-up the model's rewrite once turned into a question on another document
    assert resolve_document("它对中小企业有什么具体要求？", previous) == "《制造业企业数字化转型实施指南》对中小企业有什么具体要求？"
    assert resolve_document("这份指南什么时候实施？", previous) == "《制造业企业数字化转型实施指南》什么时候实施？"
    assert resolve_document("第三级叫什么？", ["智能制造能力成熟度模型分几个等级？"]) is None  # no document named
    assert resolve_document("它们有什么区别？", ["《A指南》和《B方案》有什么区别？"]) is None  # which one?
    assert resolve_document("《B方案》呢？", previous) is None  # names its own
