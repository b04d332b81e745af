"""Cross-lingual retrieval: how much of what a question needs the answer step's sources hold when the
documents are only in the other language (a user's Chinese report asked about in English), beside
the same questions against documents in their own language, in one run.

    python -m bench.cross_lingual [--json FILE] [--limit N]

Two fresh indexes of knowledge/, chunked and searched exactly as the product does: one of its
Chinese documents only, one of its English documents only (the starter documents are translations
of each other, so each index holds the same facts). Every answerable question of the dev sets with
must-mention points is asked against both; context recall is the share of its points found in the
sources the answer step would give the model (as ``python -m eval.context_recall``), matched by the
evaluation's own matcher, which also tries the point's translation (by the local model, cached) when
the point and the sources differ in language. Across languages twice: as the product searches (the
model translates the question for documents without a translation, ``search_in_other_languages``),
and with the question alone (the search before that step, the baseline). The number to shrink:
``gap`` = same-language recall minus cross-language recall, per question language; also the seconds
the translation adds per question."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from app.answer.advisor import Advisor
from app.services import Services
from app.settings import REPO_ROOT, Settings
from eval.answers_eval import EvalItem, load_items
from eval.matching import PointMatcher
from eval.translation import PointTranslator
from ingest.language import detect_language

SHARED_EVAL = REPO_ROOT.parent / "shared" / "eval"
SETS = [SHARED_EVAL / "policy_questions_dev.jsonl", SHARED_EVAL / "heldout_policy_questions.jsonl",
        SHARED_EVAL / "heldout_colloquial.jsonl", REPO_ROOT / "eval" / "sets" / "colloquial.jsonl"]


def one_language_knowledge(lang: str, into: Path) -> Path:
    """A copy of knowledge/ with only its documents in ``lang`` (``*.zh.md`` / ``*.en.md``)."""
    folder = into / f"knowledge-{lang}"
    folder.mkdir(parents=True)
    for path in sorted((REPO_ROOT / "knowledge").glob(f"*.{lang}.md")):
        shutil.copy(path, folder / path.name)
    return folder


def questions() -> list[EvalItem]:
    items = [item for path in SETS if path.exists() for item in load_items(path)]
    return [item for item in items if item.answerable and item.must_mention and len(item.turns) == 1]


def recall(advisor: Advisor, matcher: PointMatcher, items: list[EvalItem]) -> dict:
    found = total = 0
    rows = []
    start = time.perf_counter()
    for item in items:
        events = advisor.stream(item.turns[-1])
        contexts = next(e.contexts for e in events if e.kind == "sources")
        events.close()
        matches = matcher.match(list(item.must_mention), "\n".join(c.text for c in contexts))
        hit = sum(m.matched for m in matches)
        found += hit
        total += len(matches)
        rows.append({"id": item.id, "found": hit, "points": len(matches),
                     "missed": [m.point for m in matches if not m.matched]})
    return {"context_recall": round(found / total, 4) if total else None, "points": total,
            "seconds_per_question": round((time.perf_counter() - start) / max(1, len(items)), 2), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--limit", type=int, help="at most N questions per language (default: all)")
    args = parser.parse_args()
    items = questions()
    by_lang = {lang: [i for i in items if (i.lang or detect_language(i.turns[-1])) == lang][: args.limit]
               for lang in ("zh", "en")}
    start = time.perf_counter()
    result: dict = {"questions": {lang: len(v) for lang, v in by_lang.items()}}
    with tempfile.TemporaryDirectory(prefix="bench-cross-lingual-") as tmp:
        translator = matcher = None
        for doc_lang in ("zh", "en"):
            settings = Settings(data_dir=Path(tmp) / f"data-{doc_lang}",
                                knowledge_dir=one_language_knowledge(doc_lang, Path(tmp)))
            services = Services(settings)
            services.ensure_starter_knowledge()
            if matcher is None:
                translator = PointTranslator(services.generator, Settings().cache_dir / "eval-point-translations.json")
                matcher = PointMatcher(services.embedder.embed_queries, services.embedder.embed_passages,
                                       translate=translator.other_language)
            kw = {"embed_passages": services.embedder.embed_passages}
            searches = {"question_only": Advisor(services.retriever, generator=None, **kw),
                        "with_translation": Advisor(services.retriever, generator=services.generator, **kw)}
            for q_lang, group in by_lang.items():
                if q_lang == doc_lang:
                    result.setdefault(q_lang, {})["same_language"] = recall(searches["with_translation"], matcher, group)
                else:
                    result.setdefault(q_lang, {})["cross_language"] = {
                        how: recall(advisor, matcher, group) for how, advisor in searches.items()}
    for q_lang in ("zh", "en"):
        same = result[q_lang]["same_language"]["context_recall"]
        for how, r in result[q_lang]["cross_language"].items():
            r["gap"] = round(same - r["context_recall"], 4)
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(f"{'questions':<24} {'n':>4} {'same language':>14} {'across: question only':>22} {'gap':>6} "
          f"{'across: + translation':>22} {'gap':>6} {'s/question added':>17}")
    for q_lang, docs in (("zh", "en"), ("en", "zh")):
        r = result[q_lang]
        alone, both = r["cross_language"]["question_only"], r["cross_language"]["with_translation"]
        print(f"{q_lang} (documents {docs} only)".ljust(24) + f" {len(by_lang[q_lang]):>4} "
              f"{r['same_language']['context_recall']:>14.3f} {alone['context_recall']:>22.3f} {alone['gap']:>6.3f} "
              f"{both['context_recall']:>22.3f} {both['gap']:>6.3f} "
              f"{both['seconds_per_question'] - alone['seconds_per_question']:>17.2f}")
    print(f"{result['seconds']:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
