from retrieval.fusion import reciprocal_rank_fusion
from retrieval.lexical import LexicalIndex, tokenize


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert max(fused, key=fused.get) == "b"
    assert fused["a"] == 1 / 61 and fused["d"] == 1 / 62


def test_tokenize_chinese_and_english():
    tokens = tokenize("中小企业数字化转型的路径是什么？ What is PDCA?")
    assert "数字化" in tokens and "转型" in tokens and "pdca" in tokens
    assert "的" not in tokens and "what" not in tokens and "？" not in tokens


def test_bm25_finds_the_chunk_and_survives_a_save(tmp_path):
    ids = ["a", "b", "c"]
    texts = ["设备管理场景三级：关键运行参数实时采集，开展故障分析和远程诊断。",
             "灯塔工厂由世界经济论坛评选。", "中小企业城市试点由财政部和工信部组织。"]
    index = LexicalIndex.build(ids, texts)
    assert index.search("设备故障远程诊断", 2)[0][0] == "a"
    assert index.search("完全无关的天气", 2) == []
    index.save(tmp_path / "lex", "fp1")
    assert LexicalIndex.load(tmp_path / "lex", "other") is None
    loaded = LexicalIndex.load(tmp_path / "lex", "fp1")
    assert loaded.search("灯塔工厂", 1)[0][0] == "b"
