"""bench/generation.py's own logic, fast: the prompts it captures are the advisor's (system prompt
first and identical, the follow-up's rewrite without it), and the figures it reads."""

import os

from app.settings import Settings
from app.answer.advisor import Advisor
from bench.generation import FOLLOW_UP, NEXT_QUESTION, QUESTION, capture_prompts, memory_gb, median, ratio
from tests.app.test_grounded_step import FixedRetriever, ScriptedGenerator, embed_passages


def test_the_captured_prompts_are_the_ones_the_advisor_sends():
    generator = ScriptedGenerator("中小企业要因企制宜、重点突破[{d2}]。")
    advisor = Advisor(FixedRetriever(), generator, embed_passages=embed_passages)
    prompts = capture_prompts(advisor, Settings())
    assert advisor.generator is generator  # put back
    system = {"role": "system", "content": advisor.system_prompt}
    for name, question in (("question", QUESTION), ("follow_up", FOLLOW_UP), ("next_question", NEXT_QUESTION)):
        messages = prompts[name]
        assert messages[0] == system and [m["role"] for m in messages] == ["system", "user"], name
        assert question in messages[1]["content"], name
    assert all(m["role"] != "system" for m in prompts["rewrite"])  # what evicts the system prompt's cache
    assert FOLLOW_UP in prompts["rewrite"][-1]["content"]
    # exactly what the generator was sent (answers and the rewrite, in order)
    assert generator.prompts == [prompts[k][-1]["content"] for k in ("question", "rewrite", "follow_up", "next_question")]


def test_figures():
    assert median([3.0, None, 1.0, 2.0]) == 2.0 and median([None]) is None
    assert ratio(1.1, 1.0) == 1.1 and ratio(1.0, None) is None and ratio(None, 2.0) is None
    memory = memory_gb(os.getpid())
    assert set(memory) == {"VmRSS", "RssAnon", "RssFile", "VmHWM"}
    assert 0 < memory["VmRSS"] <= memory["VmHWM"] and memory["RssAnon"] <= memory["VmRSS"]
