"""``advisor eval retrieval`` and ``advisor eval answers``: stable commands for scripts and CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_bars(specs: list[str]) -> dict[str, float]:
    from eval.answers_eval import QUALITY_METRICS

    bars = {}
    for spec in specs or []:
        name, _, value = spec.partition("=")
        if name not in QUALITY_METRICS:
            raise ValueError(f"--fail-under {spec}: metric must be one of {', '.join(QUALITY_METRICS)}")
        try:
            bars[name] = float(value)
        except ValueError:
            raise ValueError(f"--fail-under {spec}: {value!r} is not a number") from None
    return bars


def add_eval_parser(sub, func) -> None:
    p = sub.add_parser("eval", help="measure retrieval or answer quality; writes summary.json, items.jsonl, report.html")
    kinds = p.add_subparsers(dest="eval_kind", required=True)
    r = kinds.add_parser("retrieval", help="Recall@k and MRR on SQuAD-format data, with two baselines")
    r.add_argument("--squad", required=True, type=Path)
    r.add_argument("--distractors", type=Path, help="one distractor article per line")
    r.add_argument("--budget", type=int, default=1500, help="characters of retrieved context for Recall@budget")
    r.add_argument("--out", type=Path, default=Path("eval-out/retrieval"))
    a = kinds.add_parser("answers", help="answer quality on a question or conversation file (JSONL)")
    a.add_argument("--questions", required=True, type=Path)
    a.add_argument("--out", type=Path, default=Path("eval-out/answers"))
    a.add_argument("--sample", type=int, metavar="N",
                   help="N items spread evenly through the file within each kind (answerable, language): "
                        "a quicker check on the same mix")
    a.add_argument("--fail-under", nargs="*", default=[], metavar="METRIC=VALUE",
                   help="exit 1 when a metric is below its bar")
    if func is not None:
        p.set_defaults(func=func)


def main(argv: list[str], services) -> int:
    """measure retrieval or answer quality; writes summary.json, items.jsonl, report.html"""
    parser = argparse.ArgumentParser(prog="advisor")
    add_eval_parser(parser.add_subparsers(dest="command", required=True), None)
    return run_eval(parser.parse_args(["eval", *argv]), services())


def run_eval(args: argparse.Namespace, services) -> int:
    from eval.report import write_outputs

    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.eval_kind == "retrieval":
        from eval.retrieval_eval import run_retrieval_eval
        from retrieval.hybrid import RetrievalConfig

        for path in (args.squad, args.distractors):
            if path is not None and not path.is_file():
                raise ValueError(f"no such file: {path}")
        s = services.settings
        config = RetrievalConfig(**{f: getattr(s, f) for f in RetrievalConfig.__dataclass_fields__})
        summary, rows = run_retrieval_eval(args.squad, args.distractors, args.out, services.embedder, s.chunk_size,
                                           s.chunk_overlap, config, args.budget, progress=log)
        report = write_outputs(args.out, summary, rows)
        for name, values in summary["systems"].items():
            print(f"{name:<16} " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
        print(f"report: {report}")
        return 0

    from eval.answers_eval import load_items, run_answers_eval, sample_items
    from eval.matching import PointMatcher
    from eval.translation import PointTranslator

    bars = parse_bars(args.fail_under)
    if not args.questions.is_file():
        raise ValueError(f"no such file: {args.questions}")
    items = sample_items(load_items(args.questions), args.sample)
    embedder = services.embedder
    translator = PointTranslator(services.generator, services.settings.cache_dir / "eval-point-translations.json")
    matcher = PointMatcher(embedder.embed_queries, embedder.embed_passages, translate=translator.other_language)

    def semantic(sentence: str, source: str) -> float:
        return float(embedder.embed_query(sentence) @ embedder.embed_passages([source])[0])

    services.advisor.warm_up(calibrate=False)  # the configured budget: results independent of the load
    summary, rows = run_answers_eval(items, services.advisor, matcher, services.settings, semantic, progress=log)
    summary["thresholds"] = {"term_share": matcher.term_share, "semantic": matcher.semantic}
    report = write_outputs(args.out, summary, rows, bars)
    for key, value in summary.items():
        if not isinstance(value, dict):
            print(f"{key:<20} {value}")
    print(f"report: {report}")
    failed = [f"{k} {summary.get(k)} < {bar}" for k, bar in bars.items() if summary.get(k) is None or summary[k] < bar]
    if failed:
        print("below the bar: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0
