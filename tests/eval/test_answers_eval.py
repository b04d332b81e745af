import json

import pytest

from eval.answers_eval import LOWER_IS_BETTER, QUALITY_METRICS, EvalItem, asserted_sentences, citation_checks, \
    form_checks, grade, invented_figures, load_items, sample_items, summarize
from eval.cli import missed_bars, parse_bars
from tests.conftest import shared_path


def test_question_and_conversation_files_load():
    questions = load_items(shared_path("eval", "policy_questions_dev.jsonl"))
    conversations = load_items(shared_path("eval", "conversations_dev.jsonl"))
    assert len(questions) == 20 and all(len(q.turns) == 1 for q in questions)
    assert all(len(c.turns) == 2 and c.must_mention for c in conversations)


def test_bad_line_is_named(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "ok", "must_mention": []}\n{"nope": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="q.jsonl:2"):
        load_items(path)


def test_grading_rules():
    answerable, unanswerable = EvalItem("a", "en", ("q",), ("p",), True), EvalItem("b", "en", ("q",), ("p",), False)
    assert grade(unanswerable, refused=True, coverage=None, invented=[]) == 1
    assert grade(unanswerable, refused=False, coverage=None, invented=[]) == -1
    assert grade(answerable, refused=False, coverage=0.75, invented=[]) == 1
    assert grade(answerable, refused=True, coverage=0.0, invented=[]) == 0
    assert grade(answerable, refused=False, coverage=0.9, invented=["3-5 years"]) == -1
    assert grade(answerable, refused=False, coverage=1.0, invented=[], wrong=["每家企业补贴1.5亿元"]) == -1


def test_a_denied_claim_is_not_a_stated_claim():
    answer = "资料中没有给出每家企业的补贴金额。试点城市最高奖补1.5亿元[1]。The sources do not say firms get 3 years."
    assert asserted_sentences(answer) == ["试点城市最高奖补1.5亿元[1]。"]


def test_a_wrong_claim_is_one_sentence_not_words_gathered_across_the_answer():
    from eval.answers_eval import claim_matcher, stated_claims
    from eval.matching import PointMatcher

    matcher = claim_matcher(PointMatcher(None, None))
    claims = ["第一批入选城市可以再次申报第三批", "实施期为3年"]
    spread = "第三批城市试点的实施期是2年[3]。第一批入选的城市名单已公布[1]。第三批申报由省里组织，可再次确认[2]。"
    assert stated_claims(matcher, claims, spread) == []
    assert stated_claims(matcher, claims, "第一批入选城市可以再次申报第三批[1]。第三批实施期为3年[2]。") == claims



def test_a_contrast_separates_claims():
    from eval.answers_eval import claim_matcher, stated_claims
    from eval.matching import PointMatcher

    matcher = claim_matcher(PointMatcher(None, None))
    right = "中央财政奖励上限为1.5亿元，但具体每家企业能拿到多少补贴，由各城市的资金管理办法规定[3]。"
    assert stated_claims(matcher, ["每家企业补贴1.5亿元"], right) == []
    assert stated_claims(matcher, ["每家企业补贴1.5亿元"], "每家企业可获得补贴1.5亿元[3]。") == ["每家企业补贴1.5亿元"]

    two = ("China's total reached 72 lighthouse factories, 42% of the world total.[1] WEF October 2024: 172 "
           "lighthouses worldwide, of which 74 (43%) are in China[1].")
    assert stated_claims(matcher, ["74 lighthouses, 42% of the world total"], two) == []  # one figure each
    tiers = "“截至2025年2月：基础级智能工厂3万余家；先进级智能工厂1200余家；卓越级智能工厂230余家。”[1]"
    assert stated_claims(matcher, ["卓越级智能工厂有1200余家"], tiers) == []  # "余家" is the number's, not a key term


def test_held_out_sets_load_with_their_traps():
    from app.settings import REPO_ROOT

    for name in ("colloquial", "traps", "conversations"):
        items = load_items(REPO_ROOT / "eval" / "sets" / f"{name}.jsonl")
        assert len(items) >= 15
    traps = load_items(REPO_ROOT / "eval" / "sets" / "traps.jsonl")
    assert sum(bool(t.must_not_mention) for t in traps) >= 10


def test_a_sample_keeps_the_mix_of_the_set_and_is_the_same_every_time():
    items = [EvalItem(f"q{i}", "en" if i % 3 else "zh", ("?",), ("x",), i % 7 != 0) for i in range(20)]
    sample = sample_items(items, 10)
    assert len(sample) == 10 and sample == sample_items(items, 10)
    assert [s.id for s in sample] == sorted((s.id for s in sample), key=lambda i: int(i[1:]))  # file order
    kinds = {(i.answerable, i.lang) for i in items}
    assert {(s.answerable, s.lang) for s in sample} == kinds  # every kind, however small
    assert sample_items(items, None) == items and sample_items(items, 50) == items
    with pytest.raises(ValueError, match="--sample 0"):
        sample_items(items, 0)


def test_citation_and_figure_checks():
    contexts = ["城市试点省会城市最高1.5亿元。", "灯塔工厂由世界经济论坛评选。"]
    checks = citation_checks("省会城市最高1.5亿元[1]。灯塔工厂由论坛评选[3]。", contexts, None)
    assert [c["valid"] for c in checks] == [True, False]
    assert invented_figures("每家企业补贴200万元[1]。", contexts, "补贴多少？") == ["200万元"]
    # the evaluation's own check: a city cap is not an enterprise's amount, a figure the user gave is known
    assert invented_figures("每家企业补贴1.5亿元[1]。", contexts, "补贴多少？") == ["1.5亿元"]
    assert invented_figures("每家企业最高补贴1.5亿元[1]。", contexts, "补贴多少？") == ["1.5亿元"]  # "最高" names nothing
    assert invented_figures("省会城市最高可获1.5亿元[1]。", contexts, "补贴多少？") == []
    assert invented_figures("你们有150人，可先上云[1]。", contexts, "我们厂150人") == []


def test_summary_and_bars():
    row = {"answerable": True, "refused": False, "refusal_correct": True, "context_recall": 1.0, "answer_coverage": 0.5,
           "citation_checks": [{"valid": True}, {"valid": False}], "invented_figures": [], "grade": 1,
           "citations": [1], "timings": {"total_ms": 5000.0, "first_token_ms": 3000.0}}
    summary = summarize([row, dict(row, grade=0, answer_coverage=1.0)])
    assert summary["citation_validity"] == 0.5 and summary["crag_score"] == 0.5 and summary["answer_coverage"] == 0.75
    json.dumps(summary)
    assert parse_bars(["crag_score=0.4"]) == {"crag_score": 0.4}
    with pytest.raises(ValueError, match="metric must be one of"):
        parse_bars(["speed=1"])


def answer_row(**fields) -> dict:
    """One items.jsonl row as run_answers_eval writes it, with only what the summary and the report read."""
    row = {"id": "q1", "lang": "zh", "answerable": True, "turns": ["补贴多少？"], "search_query": "补贴多少？",
           "answer": "资料中没有提供这方面的信息。", "refused": True, "refusal_correct": False, "context_recall": 1.0,
           "answer_coverage": 0.0, "points": [], "citations": [], "citation_checks": [], "invented_figures": [],
           "removed_figures": [], "grade": 0, "timings": {"total_ms": 1000.0, "first_token_ms": 500.0}}
    return dict(row, **fields)


def test_refusal_reasons_and_trace_reach_summary_and_report(tmp_path):
    from eval.report import write_outputs

    trace = [{"step": "retrieve", "decision": "12 sources"}, {"step": "coverage", "decision": "not covered",
                                                              "score": 0.12}]
    rows = [answer_row(refusal_reason="not_covered", trace=trace), answer_row(id="q2", refusal_reason="fact_gap:amount"),
            answer_row(id="q3", refusal_reason="not_covered"),
            answer_row(id="q4", refused=False, refusal_correct=True, refusal_reason=None),
            answer_row(id="q5")]  # an answer from before the fields: neither is there
    summary = summarize(rows)
    assert summary["refusal_reasons"] == {"not_covered": 2, "fact_gap:amount": 1, "unspecified": 1}
    page = write_outputs(tmp_path, summary, rows).read_text(encoding="utf-8")
    assert "refusal reason: not_covered" in page and "refusal reason: fact_gap:amount" in page
    assert "Pipeline trace (2 steps)" in page and "<td>coverage</td><td>not covered</td>" in page
    assert "score: 0.12" in page
    assert json.loads((tmp_path / "summary.json").read_text())["refusal_reasons"]["not_covered"] == 2


def test_repeats_and_fragments_reach_summary_and_report(tmp_path):
    from eval.report import write_outputs

    repeated = "省会城市最高可获得1.5亿元奖补[2]。其他城市最高1亿元[1]。省会城市最高可获得1.5亿元奖补[3]。"
    broken = "**Equipment Uptime**[8]\nThe Guidelines ask SMEs to set priorities [1].\n《中小企业数字化转型指南》[2]"
    rows = [answer_row(id=f"q{i}", answer=text, refused=False, refusal_correct=True, **form_checks(text))
            for i, text in enumerate([repeated, broken, "小微企业应推动业务系统上云[1]。"])]
    assert [len(r["repeats"]) for r in rows] == [1, 0, 0] and [len(r["fragments"]) for r in rows] == [0, 2, 0]
    summary = summarize(rows)
    assert (summary["repeated_units"], summary["answers_with_repeats"], summary["fragments"]) == (1, 1, 2)
    assert summarize([answer_row()])["fragments"] == 0  # rows from before the fields count none
    page = write_outputs(tmp_path, summary, rows, ceilings={"fragments": 1.0}).read_text(encoding="utf-8")
    assert "repeated (characters 1.00): 省会城市最高可获得1.5亿元奖补[3]。" in page
    assert "fragment (heading): **Equipment Uptime**[8]" in page and "fragment (title): 《中小企业数字化转型指南》[2]" in page
    assert '<td class="bad">2</td><td>≤ 1.000</td>' in page  # fragments over their bar
    saved = [json.loads(line) for line in (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert saved[0]["repeats"][0]["first"] == "省会城市最高可获得1.5亿元奖补[2]。"


def test_lower_is_better_counts_take_fail_over_not_fail_under():
    assert not set(LOWER_IS_BETTER) & set(QUALITY_METRICS)
    for name in ("repeated_units", "fragments", "wrong_claims", "wrongful_refusals", "missed_refusals"):
        with pytest.raises(ValueError, match=f"--fail-under {name}=0: metric must be one of"):
            parse_bars([f"{name}=0"])
        assert parse_bars([f"{name}=0"], LOWER_IS_BETTER, "--fail-over") == {name: 0.0}
    with pytest.raises(ValueError, match="--fail-over crag_score=0.5: metric must be one of"):
        parse_bars(["crag_score=0.5"], LOWER_IS_BETTER, "--fail-over")
    with pytest.raises(ValueError, match="--fail-over fragments=few: 'few' is not a number"):
        parse_bars(["fragments=few"], LOWER_IS_BETTER, "--fail-over")
    summary = {"crag_score": 0.5, "fragments": 3, "repeated_units": 0}
    assert missed_bars(summary, {"crag_score": 0.4}, {"fragments": 3, "repeated_units": 0}) == []
    assert missed_bars(summary, {"crag_score": 0.6}, {"fragments": 2}) == ["below the bar: crag_score 0.5 < 0.6",
                                                                          "over the bar: fragments 3 > 2"]
