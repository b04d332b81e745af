import json

from eval.report import write_outputs
from eval.retrieval_eval import Question, load_squad, run_retrieval_eval, score_rankings
from retrieval.hybrid import RetrievalConfig
from retrieval.vector_store import StoredChunk

SQUAD = {"version": "test", "data": [
    {"id": "A", "title": "五常大米", "paragraphs": [{"id": "A-0", "context": "五常大米产于黑龙江省五常市，以稻花香品种闻名。当地种植历史超过百年。",
                                                 "qas": [{"id": "qa1", "question": "五常大米产于哪个省？", "answers": [{"text": "黑龙江省", "answer_start": 5}]}]}]},
    {"id": "B", "title": "灯塔工厂", "paragraphs": [{"id": "B-0", "context": "灯塔工厂由世界经济论坛评选，代表全球制造业智能化的最高水平。",
                                                 "qas": [{"id": "qa2", "question": "灯塔工厂由哪个机构评选？", "answers": [{"text": "世界经济论坛", "answer_start": 5}]}]}]},
]}


def test_scoring_counts_rank_and_budget():
    q = Question("q", "?", "P", ("答案",))
    other = StoredChunk("x", "无关内容" * 100, {"passage_id": "Z"})
    hit = StoredChunk("h", "这里有答案。", {"passage_id": "P"})
    wrong_passage = StoredChunk("w", "答案也在这里", {"passage_id": "Z"})
    summary, rows = score_rankings([q], [[wrong_passage, other, hit]], budget=300)
    assert rows[0]["rank"] == 3 and not rows[0]["hit_within_budget"]
    assert summary["recall@1"] == 0 and summary["recall@5"] == 1 and abs(summary["mrr@10"] - 1 / 3) < 1e-9


def test_small_run_end_to_end(tmp_path, embedder):
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    news = tmp_path / "news.txt"
    news.write_text("今天股市小幅上涨，成交量放大。\n新能源汽车销量同比增长三成。\n", encoding="utf-8")
    passages, questions = load_squad(squad)
    assert len(passages) == 2 and len(questions) == 2
    summary, rows = run_retrieval_eval(squad, news, tmp_path / "out", embedder, 200, 40, RetrievalConfig(),
                                       progress=lambda line: None)
    assert summary["systems"]["product"]["recall@1"] == 1.0
    assert set(summary["systems"]) == {"product", "bm25_jieba", "langchain_dense"}
    assert summary["distractors"] == 2 and len(rows) == 6
    report = write_outputs(tmp_path / "out", summary, rows)
    assert "data:image/png;base64" in report.read_text()
    assert "<table>" in report.read_text() and (tmp_path / "out" / "summary.json").exists()
