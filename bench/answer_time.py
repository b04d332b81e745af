"""Time to an answer, composed (the product: the body is the evidence, the model writes a short
lead) against the model writing the whole answer (the steps chat ran before the composed answer),
on the same questions in the same run, alternating; and the time to the first verified words on
screen against raw llama.cpp's first token for the lead's own prompt (same model, the system
prompt cached as the product has it).

    python -m bench.answer_time [DATA_DIR] [--questions FILE] [--limit N] [--json FILE]

Prints per question and the medians; the ratios are the result (no absolute time is a target)."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.answer.steps import coverage, fact_gaps, generate, notes, quotes, retrieve, scope
from app.services import Services
from app.settings import Settings

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "policy_questions_dev.jsonl"
# The baseline: the model writes the whole answer, every sentence verified (the chat steps before
# the composed answer; the self-check's steps still are these).
WRITTEN: tuple = (scope.check_scope, retrieve.retrieve, coverage.by_retrieval, coverage.by_topic, notes.assumed_profile,
                  coverage.say_not_covered, fact_gaps.find_gaps, generate.generate, quotes.fallback,
                  fact_gaps.say_where_to_verify)


class Recording:
    """The product's generator, remembering the last prompt it was given (the lead's)."""

    def __init__(self, generator):
        self.inner, self.last = generator, None

    def stream(self, messages, max_tokens):
        self.last = messages
        yield from self.inner.stream(messages, max_tokens)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def answer_times(advisor, question: str, steps=None) -> dict:
    """Seconds to the answer's first words on screen (its body shown early, or its text), to its
    first text (the lead) and to the complete answer."""
    start, first, text = time.perf_counter(), None, None
    for event in advisor.stream(question, **({"steps": steps} if steps else {})):
        now = time.perf_counter() - start
        if event.kind in ("body", "token") and event.text.strip() and first is None:
            first = now
        if event.kind == "token" and event.text.strip() and text is None:
            text = now
        if event.kind == "done":
            return {"first_s": first if first is not None else now, "text_s": text if text is not None else now,
                    "total_s": now, "refused": event.answer.refused}
    raise RuntimeError("no answer")


def raw_first_token(generator, messages) -> float:
    """llama.cpp on its own: the system prompt in the cache (as warm-up leaves it), then the lead's
    prompt, until its first token."""
    generator.warm_up(messages[0]["content"])
    start = time.perf_counter()
    for part in generator.llm.create_chat_completion(messages=messages, stream=True, max_tokens=1, temperature=0.0):
        if part["choices"][0]["delta"].get("content"):
            break
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", nargs="?", type=Path)
    ap.add_argument("--questions", type=Path, default=SHARED_DEV)
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not args.questions.is_file():
        print(f"question file {args.questions} not found", file=sys.stderr)
        return 2
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [it["question"] for it in items if it.get("question")][: args.limit]
    services = Services(Settings(data_dir=args.data_dir or Path(tempfile.mkdtemp(prefix="bench-"))))
    services.ensure_starter_knowledge()
    advisor = services.advisor
    advisor.warm_up(calibrate=False)
    recorder = Recording(advisor.generator)
    advisor.generator = recorder
    rows = []
    for question in questions:
        composed = answer_times(advisor, question)
        lead_prompt = recorder.last
        written = answer_times(advisor, question, WRITTEN)
        raw = raw_first_token(recorder.inner, lead_prompt) if lead_prompt else None
        rows.append({"question": question, "composed": composed, "written": written, "raw_first_token_s": raw})
        print(f"composed {composed['total_s']:5.1f} s (first words {composed['first_s']:4.1f} s, lead "
              f"{composed['text_s']:4.1f} s) | written "
              f"{written['total_s']:5.1f} s | raw first token {raw or 0:4.1f} s | {question[:40]}", flush=True)
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    c_total, w_total = med([r["composed"]["total_s"] for r in rows]), med([r["written"]["total_s"] for r in rows])
    led = [r for r in rows if r["raw_first_token_s"]]
    first_ratio = med([r["composed"]["first_s"] / r["raw_first_token_s"] for r in led])
    lead_ratio = med([r["composed"]["text_s"] / r["raw_first_token_s"] for r in led])
    summary = {"questions": len(rows), "composed_p50_s": c_total, "written_p50_s": w_total,
               "complete_ratio_p50": c_total / w_total, "first_words_vs_raw_first_token_p50": first_ratio,
               "first_lead_words_vs_raw_first_token_p50": lead_ratio,
               "prompt_tokens_per_s": advisor.prompt_tokens_per_s}
    print(f"complete answer p50: composed {c_total:.1f} s, written {w_total:.1f} s, ratio {c_total / w_total:.2f}")
    print(f"first verified words / raw llama.cpp first token of the lead's prompt: median {first_ratio:.2f} "
          f"({len(led)} questions with a lead); the lead's first verified sentence / that token: {lead_ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
