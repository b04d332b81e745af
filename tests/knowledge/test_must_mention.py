"""For every answerable dev question, the must-mention points can be found in the top 5 chunks
that retrieval returns for it (matched by eval/matching.py, across languages)."""

import json

import pytest

from eval.matching import PointMatcher
from tests.conftest import shared_path


@pytest.mark.slow
def test_must_mention_points_are_in_the_top_5_chunks(kb_services):
    questions = [json.loads(line) for line in shared_path("eval", "policy_questions_dev.jsonl").open(encoding="utf-8")]
    matcher = PointMatcher(kb_services.embedder.embed_queries, kb_services.embedder.embed_passages)
    found = total = 0
    report = []
    for q in questions:
        if not q["answerable"]:
            continue
        retrieval = kb_services.retriever.search(q["question"])
        assert retrieval.covered, q["question"]
        text = "\n".join(s.text for s in retrieval.candidates[:5])
        matches = matcher.match(q["must_mention"], text)
        found += sum(m.matched for m in matches)
        total += len(matches)
        report.append(f"{q['id']}: {sum(m.matched for m in matches)}/{len(matches)} "
                      + "; ".join(f"missed {m.point!r}" for m in matches if not m.matched))
        # With the default onnx-int8 embeddings two English questions (q01, q03) lose 2 points each
        # from the top 5 (torch fp32: 70 of 72 points, onnx-int8: 67 of 72; bench/README.md).
        assert sum(m.matched for m in matches) >= len(matches) - 2, report[-1]
    print("\n".join(report))
    assert found / total >= 0.92, "\n".join(report)
