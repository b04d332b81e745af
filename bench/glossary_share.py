"""How often glossary chunks take the top-4 places for owners' everyday questions, on a knowledge
folder of your choice (e.g. the current knowledge/ against an older one from git), with the
product's chunking and hybrid retrieval in a fresh index of its own.

    python -m bench.glossary_share --questions eval/sets/colloquial.jsonl [--knowledge DIR ...] [--json FILE]

Prints, per folder: the glossary share of the top-4 sources, and how many questions have at least
one glossary chunk there."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from app.answer.advisor import plan_search
from app.services import Services
from app.settings import REPO_ROOT, Settings
from eval.answers_eval import load_items
from ingest.language import detect_language

TOP = 4


def glossary_share(knowledge: Path, questions: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="glossary-share-") as tmp:
        services = Services(Settings(data_dir=Path(tmp), knowledge_dir=knowledge))
        services.ensure_starter_knowledge()
        slots = glossary = with_any = 0
        for q in questions:
            query, profile, _ = plan_search(q, None, detect_language(q))
            top = services.retriever.search(query, tier=profile.tier if profile else None).candidates[:TOP]
            hits = sum(s.metadata.get("doc_type") == "glossary" for s in top)
            slots += len(top)
            glossary += hits
            with_any += hits > 0
        return {"knowledge": str(knowledge), "questions": len(questions), "glossary_share_top4": round(glossary / slots, 4),
                "questions_with_glossary_in_top4": with_any}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=REPO_ROOT / "eval" / "sets" / "colloquial.jsonl")
    parser.add_argument("--knowledge", type=Path, nargs="*", default=[REPO_ROOT / "knowledge"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = [item.turns[-1] for item in load_items(args.questions)]
    rows = [glossary_share(k, questions) for k in args.knowledge]
    print(f"{'knowledge folder':<50} {'glossary share of top 4':>24} {'questions with one':>20}")
    for r in rows:
        print(f"{r['knowledge']:<50} {r['glossary_share_top4']:>24.3f} {r['questions_with_glossary_in_top4']:>20}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
