"""``advisor eval retrieval``, ``advisor eval answers`` and ``advisor eval plans``: stable commands for
scripts and CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_bars(specs: list[str], metrics: tuple[str, ...] | None = None,
               flag: str = "--fail-under") -> dict[str, float]:
    """``METRIC=VALUE`` bars, each metric one of ``metrics`` (default: the answers' "higher is
    better" metrics); a bad one is a ValueError naming ``flag`` and the spec."""
    from eval.answers_eval import QUALITY_METRICS

    metrics = QUALITY_METRICS if metrics is None else metrics
    bars = {}
    for spec in specs or []:
        name, _, value = spec.partition("=")
        if name not in metrics:
            raise ValueError(f"{flag} {spec}: metric must be one of {', '.join(metrics)}")
        try:
            bars[name] = float(value)
        except ValueError:
            raise ValueError(f"{flag} {spec}: {value!r} is not a number") from None
    return bars


def missed_bars(summary: dict, floors: dict[str, float], ceilings: dict[str, float]) -> list[str]:
    """One line per kind of bar the summary misses: metrics below their ``--fail-under`` floor,
    counts above their ``--fail-over`` ceiling (a missing value misses either)."""
    below = [f"{k} {summary.get(k)} < {bar}" for k, bar in floors.items() if summary.get(k) is None or summary[k] < bar]
    over = [f"{k} {summary.get(k)} > {bar}" for k, bar in ceilings.items()
            if summary.get(k) is None or summary[k] > bar]
    return [f"{label} the bar: {'; '.join(missed)}" for label, missed in (("below", below), ("over", over)) if missed]


def add_bar_arguments(parser, higher: tuple[str, ...], lower: tuple[str, ...]) -> None:
    parser.add_argument("--fail-under", nargs="*", default=[], metavar="METRIC=VALUE",
                        help=f"exit 1 when a metric is below its bar ({', '.join(higher)})")
    parser.add_argument("--fail-over", nargs="*", default=[], metavar="METRIC=VALUE",
                        help=f"exit 1 when a lower-is-better count is above its bar ({', '.join(lower)})")


def add_eval_parser(sub, func) -> None:
    from eval.answers_eval import LOWER_IS_BETTER, QUALITY_METRICS
    from eval.plans_eval import PLAN_LOWER_IS_BETTER, PLAN_METRICS

    p = sub.add_parser("eval", help="measure retrieval, answer or plan-draft quality; writes summary.json, "
                                        "items.jsonl, report.html")
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
    add_bar_arguments(a, QUALITY_METRICS, LOWER_IS_BETTER)
    d = kinds.add_parser("plans", help="plan drafts on cases with rubrics (JSONL): sections, rubric, form")
    d.add_argument("--cases", required=True, type=Path)
    d.add_argument("--out", type=Path, default=Path("eval-out/plans"))
    add_bar_arguments(d, PLAN_METRICS, PLAN_LOWER_IS_BETTER)
    if func is not None:
        p.set_defaults(func=func)


def main(argv: list[str], services) -> int:
    """measure retrieval, answer or plan-draft quality; writes summary.json, items.jsonl, report.html"""
    parser = argparse.ArgumentParser(prog="advisor")
    add_eval_parser(parser.add_subparsers(dest="command", required=True), None)
    args = parser.parse_args(["eval", *argv])
    if args.eval_kind != "retrieval":
        bars_of(args)  # a bad bar is an error before any model loads
    return run_eval(args, services())


def bars_of(args: argparse.Namespace) -> tuple[dict[str, float], dict[str, float]]:
    """The ``--fail-under`` floors and ``--fail-over`` ceilings of an answers or plans run."""
    from eval.answers_eval import LOWER_IS_BETTER, QUALITY_METRICS
    from eval.plans_eval import PLAN_LOWER_IS_BETTER, PLAN_METRICS

    higher, lower = (PLAN_METRICS, PLAN_LOWER_IS_BETTER) if args.eval_kind == "plans" else \
        (QUALITY_METRICS, LOWER_IS_BETTER)
    return parse_bars(args.fail_under, higher), parse_bars(args.fail_over, lower, "--fail-over")


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

    if args.eval_kind == "plans":
        return run_plans(args, services, log)

    from eval.answers_eval import load_items, run_answers_eval, sample_items
    from eval.matching import PointMatcher
    from eval.translation import PointTranslator

    bars, ceilings = bars_of(args)
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
    report = write_outputs(args.out, summary, rows, bars, ceilings)
    return finish(summary, report, bars, ceilings)


def finish(summary: dict, report: Path, floors: dict[str, float], ceilings: dict[str, float]) -> int:
    """Print the summary and the report's path; 1 when a bar is missed (said on stderr)."""
    for key, value in summary.items():
        if not isinstance(value, dict):
            print(f"{key:<20} {value}")
    print(f"report: {report}")
    failed = missed_bars(summary, floors, ceilings)
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


def run_plans(args: argparse.Namespace, services, log) -> int:
    """``advisor eval plans``: a draft per case by the product's ``draft_plan``, judged by eval's own code."""
    from eval.matching import PointMatcher
    from eval.plans_eval import load_cases, run_plans_eval
    from eval.report import write_outputs

    floors, ceilings = bars_of(args)
    if not args.cases.is_file():
        raise ValueError(f"no such file: {args.cases}")
    cases = load_cases(args.cases)
    embedder = services.embedder
    # a rubric is written in its case's language, as the draft is: no translation
    matcher = PointMatcher(embedder.embed_queries, embedder.embed_passages)
    services.advisor.warm_up(calibrate=False)
    summary, rows = run_plans_eval(cases, services.advisor, matcher, progress=log)
    summary["thresholds"] = {"term_share": matcher.term_share, "semantic": matcher.semantic}
    report = write_outputs(args.out, summary, rows, floors, ceilings)
    return finish(summary, report, floors, ceilings)
