"""Context recall without generation: for each answerable question, are its must-mention points in
the numbered sources the grounded answer step would give the model (retrieval, then evidence
selection)? Fast enough to run on every knowledge change; matched without the model's translation
of cross-language points (eval/matching.py), so a little stricter than ``advisor eval answers``.

    python -m eval.context_recall eval/sets/colloquial.jsonl [more question files]"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from app.answer.advisor import Advisor
from app.services import Services
from app.settings import Settings
from eval.answers_eval import load_items
from eval.matching import PointMatcher


def main(paths: list[str]) -> None:
    services = Services(Settings(data_dir=Path(tempfile.mkdtemp(prefix="context-recall-"))))
    services.ensure_starter_knowledge()
    advisor = Advisor(services.retriever, generator=None, embed_passages=services.embedder.embed_passages)
    matcher = PointMatcher(services.embedder.embed_queries, services.embedder.embed_passages)
    for path in paths:
        found = total = 0
        for item in load_items(Path(path)):
            if not item.answerable or not item.must_mention:
                continue
            events = advisor.stream(item.turns[-1])
            contexts = next(e.contexts for e in events if e.kind == "sources")
            events.close()
            matches = matcher.match(list(item.must_mention), "\n".join(c.text for c in contexts))
            found += sum(m.matched for m in matches)
            total += len(matches)
            missed = [m.point for m in matches if not m.matched]
            print(f"{item.id}: {sum(m.matched for m in matches)}/{len(matches)}" + (f" missed {missed}" if missed else ""))
        print(f"{path}: context recall {found / total:.3f} ({found}/{total})" if total else f"{path}: no points")


if __name__ == "__main__":
    main(sys.argv[1:])
