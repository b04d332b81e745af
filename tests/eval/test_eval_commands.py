"""CI gates: ``advisor eval answers`` on the dev questions and conversations with bars set just
below what the product achieves, and ``advisor eval retrieval`` on the CMRC trial set with the news
distractors, where the product must find as many answers as both baselines measured in the same
run within the same context budget."""

import json
import subprocess
import sys

import pytest

from app.settings import REPO_ROOT
from tests.conftest import shared_path

# Bars a little below what the grounded step measured with the default onnx-int8 embeddings on
# 2026-11-29 (README, "Evaluation"): dev questions context recall 0.96, coverage 0.81, citation
# validity 1.0, refusal accuracy 1.0, figure safety 1.0, CRAG 0.85; dev conversations recall 1.0,
# coverage 1.0, citation validity 1.0, CRAG 1.0; traps claim safety 1.0 (0 wrong claims), figure
# safety 1.0. The composed answer (lead + the sources' sentences per ask) measured on 2026-12-07: dev
# coverage 0.81, CRAG 0.90 (its CI sample: coverage 0.75, CRAG 0.80), traps 0 wrong claims. The margin
# is for another CPU's int8 arithmetic (a vector moves a little, a ranking
# now and then: one dev question's best chunk came and went between runs). The held-out sets in
# eval/sets/ were written from the fact sheet, not tuned on; traps carry wrong claims an answer
# must not make.
ANSWER_BARS = ["context_recall=0.9", "answer_coverage=0.7", "citation_validity=0.95", "refusal_accuracy=0.9",
               "figure_safety=0.95", "crag_score=0.65"]
CONVERSATION_BARS = ["context_recall=0.9", "answer_coverage=0.7", "citation_validity=0.95", "crag_score=0.6"]
TRAP_BARS = ["claim_safety=0.9", "figure_safety=0.95"]
# Lower is better: sentences said twice and fragments across the sample's answers (2026-12-07, the
# composed answer: dev 1 repeat and 0 fragments in 20 answers, traps 0 and 0 in 20).
CEILINGS = ["repeated_units=2", "fragments=1"]


def run(env, *args, timeout=3000):
    return subprocess.run([sys.executable, "-m", "app.cli.main", "eval", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


# CI runs half of the 20 dev questions and of the 20 traps (``--sample``: the same items each run,
# spread through each kind of question): the whole sets took 22 of the suite's 47 minutes. The whole
# sets are for measuring a change (README, "Evaluation"); the gates catch a product that broke.
SAMPLE = {"policy_questions_dev.jsonl": 10, "conversations_dev.jsonl": 5, "traps.jsonl": 10}


@pytest.mark.slow
@pytest.mark.parametrize("name, bars", [("policy_questions_dev.jsonl", ANSWER_BARS),
                                        ("conversations_dev.jsonl", CONVERSATION_BARS)])
def test_answer_eval_meets_its_bars(kb_env, tmp_path, name, bars):
    check_answer_eval(kb_env, tmp_path, shared_path("eval", name), bars)


@pytest.mark.slow
def test_traps_rarely_draw_a_wrong_claim(kb_env, tmp_path):
    summary = check_answer_eval(kb_env, tmp_path, REPO_ROOT / "eval" / "sets" / "traps.jsonl", TRAP_BARS)
    assert summary["wrong_claims"] <= 1, summary


def check_answer_eval(kb_env, tmp_path, questions, bars) -> dict:
    sample = SAMPLE[questions.name]
    done = run(kb_env, "answers", "--questions", str(questions), "--sample", str(sample), "--out", str(tmp_path),
               "--fail-under", *bars, "--fail-over", *CEILINGS)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["items"] == min(sample, len(questions.read_text().splitlines()))
    assert (tmp_path / "report.html").stat().st_size > 10_000
    assert len((tmp_path / "items.jsonl").read_text().splitlines()) == summary["items"]
    return summary


DISTRACTORS_IN_CI = 400  # of 1,930: the full set takes ~30 min to embed on 2 cores (README, "Evaluation")


@pytest.mark.slow
def test_retrieval_eval_matches_or_beats_the_baselines_within_the_same_context(kb_env, tmp_path):
    news = shared_path("eval", "crud_news_part_1_1.txt").read_text(encoding="utf-8").splitlines()
    distractors = tmp_path / "distractors.txt"
    distractors.write_text("\n".join(news[:DISTRACTORS_IN_CI]) + "\n", encoding="utf-8")
    done = run(kb_env, "retrieval", "--squad", str(shared_path("eval", "cmrc2018_trial.json")),
               "--distractors", str(distractors), "--out", str(tmp_path / "out"))
    print(done.stdout)
    assert done.returncode == 0, done.stderr[-3000:]
    systems = json.loads((tmp_path / "out" / "summary.json").read_text())["systems"]
    product = systems["product"]
    # Within the same 1,500 characters of context, and over the top 10, the product finds at least
    # as many answers as either baseline (measured: 0.983 vs 0.980 / 0.964). Its MRR is a little
    # lower than the 1000-character LangChain chunks' (0.928 vs 0.958): bigger chunks hold the
    # answer in rank 1 more often, at three times the prompt cost.
    for baseline in ("bm25_jieba", "langchain_dense"):
        assert product["recall@1500chars"] >= systems[baseline]["recall@1500chars"] - 0.005, systems
        assert product["recall@10"] >= systems[baseline]["recall@10"] - 0.005, systems
    assert product["recall@5"] >= 0.95 and product["mrr@10"] >= 0.9, product


def test_fail_under_exits_nonzero(kb_env, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "x", "lang": "zh", "question": "今天天气怎么样？", "must_mention": ["晴"],
                                     "answerable": True}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = run(kb_env, "answers", "--questions", str(questions), "--out", str(tmp_path / "out"),
               "--fail-under", "refusal_accuracy=0.5")
    assert done.returncode == 1 and "below the bar: refusal_accuracy 0.0 < 0.5" in done.stderr
    bad = run(kb_env, "answers", "--questions", str(questions), "--fail-under", "speed=1")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --fail-under speed=1")
