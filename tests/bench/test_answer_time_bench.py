"""bench/answer_time.py's own logic, fast: the baseline steps give the model's whole answer, the
product's steps a composed one, and the lead's prompt is what the recorder kept."""

from bench.answer_time import WRITTEN, Recording, answer_times
from tests.fakes import PLAN_REPLY, PLAN_ROWS, make_advisor

QUESTION = "中小企业推动设备联网要做到什么？"


def test_both_step_lists_answer_and_the_lead_prompt_is_recorded():
    advisor, generator, _ = make_advisor(PLAN_ROWS, PLAN_REPLY)
    advisor.generator = recorder = Recording(generator)
    composed = answer_times(advisor, QUESTION)
    lead_prompt = recorder.last
    written = answer_times(advisor, QUESTION, WRITTEN)
    assert not composed["refused"] and not written["refused"]
    for times in (composed, written):
        assert 0 <= times["first_s"] <= times["text_s"] <= times["total_s"]
    assert composed["first_s"] <= composed["text_s"]
    assert lead_prompt[0]["content"] == advisor.system_prompt and QUESTION in lead_prompt[-1]["content"]
    assert generator.prompts[0] != generator.prompts[1]  # the lead's prompt and the whole answer's differ
    assert recorder.warmed_up is generator.warmed_up  # everything else is the generator's own
