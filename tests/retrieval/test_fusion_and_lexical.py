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


TEXTS = {"a": "设备管理场景三级：关键运行参数实时采集，开展故障分析和远程诊断。",
         "b": "灯塔工厂由世界经济论坛评选。",
         "c": "中小企业城市试点由财政部和工信部组织。",
         "d": "质量管理：在线检测设备采集质量数据，缺陷自动识别。",
         "e": "能源管理：能耗数据在线监测，分析高耗能环节。"}


def texts_of(ids):
    return [TEXTS[i] for i in ids]


def test_an_update_adds_a_segment_and_scores_as_one_index_would():
    whole = LexicalIndex.build(list(TEXTS), texts_of(list(TEXTS)))
    parts = LexicalIndex.build(["a", "b", "c"], texts_of(["a", "b", "c"])).updated(["d", "e"], [], texts_of)
    assert len(parts.segments) == 2 and sorted(parts.ids) == sorted(TEXTS)
    for query in ("设备采集数据", "能耗在线监测", "灯塔工厂"):
        got, want = parts.search(query, 5), whole.search(query, 5)
        assert [i for i, _ in got] == [i for i, _ in want], query
        # the same IDF over all chunks; only the average chunk length stays per segment
        assert all(abs(g - w) / w < 0.2 for (_, g), (_, w) in zip(got, want)), (got, want)


def test_removed_chunks_are_never_found_and_many_deletions_rebuild_the_index():
    index = LexicalIndex.build(list(TEXTS), texts_of(list(TEXTS))).updated([], ["d"], texts_of)
    assert "d" not in [i for i, _ in index.search("缺陷自动识别 质量数据", 5)] and "d" not in index.ids
    index = index.updated([], ["e"], texts_of)  # 2 of 5 deleted: rebuilt whole, nothing marked
    assert len(index.segments) == 1 and not index.deleted and sorted(index.ids) == ["a", "b", "c"]


def test_too_many_segments_merge_all_but_the_largest(tmp_path):
    index = LexicalIndex.build(["a", "b"], texts_of(["a", "b"]))
    big = index.segments[0].name
    for i in range(6):
        TEXTS[f"x{i}"] = f"第{i}个新文件：数字化转型诊断服务。"
        index = index.updated([f"x{i}"], [], texts_of)
    assert len(index.segments) == 2 and index.segments[0].name == big
    assert index.search("第5个新文件", 1)[0][0] == "x5"
    index.save(tmp_path / "lex", "fp")
    loaded = LexicalIndex.load(tmp_path / "lex", "fp", reuse=index)
    assert [s.name for s in loaded.segments] == [s.name for s in index.segments]
    assert loaded.segments[0] is index.segments[0]  # a segment already in memory is not read again
    assert LexicalIndex.load(tmp_path / "lex").search("第5个新文件", 1)[0][0] == "x5"
