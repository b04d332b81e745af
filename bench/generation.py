"""Generation overhead and the system prompt's prefix cache, on the prompts the advisor really
builds (a real question over the starter knowledge base, captured from the advisor as it sends
them to its generator):

- the advisor's generator (``LlamaCppGenerator.stream``) against raw llama-cpp-python
  (``Llama.create_chat_completion(stream=True)``: same model file, n_ctx, threads, seed,
  temperature 0 and max tokens), the same prompt, cold (KV cache reset), alternating which goes
  first: medians of the time to the first token and of tokens/s, and their ratios
  (``first_token_ratio``, ``tokens_per_s_ratio``: advisor ÷ raw);
- the prefix cache: the prompt tokens llama.cpp evaluates (its own counters) and the time to the
  first token of a second, different question asked in another conversation after a first one,
  and of a follow-up after its rewrite (a prompt without the system prompt), each against the same
  prompt with the cache reset (``prefix_reuse_tokens``, ``first_token_speedup``); the follow-up
  also without the generator restoring the system prompt's saved state (how it was before);
- with ``--serve``: ``advisor serve``'s resident memory (VmRSS) after 20 questions through
  POST /v1/ask (minutes).

    .venv/bin/python -m bench.generation [--repeats 5] [--max-tokens 128] [--serve] [--json FILE]

Absolute times need a quiet machine: llama.cpp slows down many times over when another process
competes for the cores."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

import httpx
import llama_cpp

from app.answer.conversation import Conversation
from app.services import Services, generator_model_path
from app.settings import Settings
from bench.concurrency import QUESTIONS

QUESTION = "指南从哪几个方面提出了数字化转型路径？"
FOLLOW_UP = "其中第一个方面具体要做什么？"
NEXT_QUESTION = "设备管理场景要达到三级，需要做到什么程度？"  # asked in another conversation
SERVE_QUESTIONS = QUESTIONS  # the concurrency bench's 16 questions
SERVE_FOLLOW_UPS = ["其中数字化基础占多少分？", "第二批试点有多少个城市？", "它有几个等级？", "How many are in China?"]


# --- the prompts, as the advisor sends them ---------------------------------------------------------
class Recorder:
    """The advisor's generator, noting every prompt the advisor sends it (generation is real)."""

    def __init__(self, generator):
        self.generator = generator
        self.name = generator.name
        self.calls: list[list[dict[str, str]]] = []

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        self.calls.append(messages)
        return self.generator.stream(messages, max_tokens)

    def warm_up(self, system_prompt: str) -> None:
        self.generator.warm_up(system_prompt)


def sent(advisor, recorder: Recorder, ask: Callable[[], Iterator]) -> list[list[dict[str, str]]]:
    """The prompts ``ask`` made the advisor send."""
    before = len(recorder.calls)
    for _ in ask():
        pass
    return recorder.calls[before:]


def capture_prompts(advisor, settings: Settings) -> dict[str, list[dict[str, str]]]:
    """A first question, its follow-up (rewritten by the model, then answered) and a question in
    another conversation, through the advisor: the messages of each call to its generator."""
    recorder = Recorder(advisor.generator)
    advisor.generator = recorder
    try:
        conversation = Conversation.from_settings(advisor, settings, rewrite_mode="llm")
        first = sent(advisor, recorder, lambda: conversation.stream(QUESTION))
        follow = sent(advisor, recorder, lambda: conversation.stream(FOLLOW_UP))
        other = sent(advisor, recorder, lambda: Conversation(advisor, rewrite_mode="llm").stream(NEXT_QUESTION))
    finally:
        advisor.generator = recorder.generator
    if len(first) != 1 or len(follow) != 2 or len(other) != 1:
        raise SystemExit(f"error: expected 1, 2 and 1 model calls (the sources cover each question), got "
                         f"{len(first)}, {len(follow)}, {len(other)}")
    return {"question": first[0], "rewrite": follow[0], "follow_up": follow[1], "next_question": other[0]}


# --- timing one generation ------------------------------------------------------------------------
@dataclass
class Trial:
    first_token_s: float
    decode_s: float  # first piece → last piece
    tokens: int  # tokens llama.cpp decoded one at a time (its counter): those between the two
    prompt_tokens: int  # prompt tokens llama.cpp evaluated (not taken from its cache)
    prompt_ms: float  # llama.cpp's own time for them
    eval_ms: float

    @property
    def tokens_per_s(self) -> float | None:
        return self.tokens / self.decode_s if self.tokens and self.decode_s > 0 else None


def timed(llm, pieces: Callable[[], Iterator[str]], first_only: bool = False) -> Trial:
    """Time ``pieces()`` (streamed text), with llama.cpp's counters reset before it."""
    llama_cpp.llama_perf_context_reset(llm.ctx)
    start = time.perf_counter()
    first = last = None
    with contextlib.closing(iter(pieces())) as stream:
        for _ in stream:
            last = time.perf_counter()
            first = first or last
            if first_only:
                break
    if first is None:
        raise RuntimeError("the model produced no text")
    perf = llama_cpp.llama_perf_context(llm.ctx)
    return Trial(first - start, last - first, perf.n_eval, perf.n_p_eval, perf.t_p_eval_ms, perf.t_eval_ms)


def raw_pieces(llm, messages, max_tokens: int, settings: Settings) -> Iterator[str]:
    for part in llm.create_chat_completion(messages=messages, stream=True, max_tokens=max_tokens,
                                           temperature=settings.temperature, seed=settings.seed):
        text = part["choices"][0]["delta"].get("content")
        if text:
            yield text


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def overhead(generator, raw, messages, max_tokens: int, repeats: int, settings: Settings) -> dict:
    """The same prompt, cold (KV cache reset), through both; trial i alternates who goes first."""
    runs = {"advisor": [], "raw": []}
    paths = {"advisor": (generator.llm, lambda: generator.stream(messages, max_tokens)),
             "raw": (raw, lambda: raw_pieces(raw, messages, max_tokens, settings))}
    for i in range(repeats):
        for name in (("advisor", "raw") if i % 2 == 0 else ("raw", "advisor")):
            llm, pieces = paths[name]
            llm.reset()
            runs[name].append(timed(llm, pieces))
    out = {}
    for name, trials in runs.items():
        out[name] = {"first_token_s": round(median(t.first_token_s for t in trials), 3),
                     "tokens_per_s": round(median(t.tokens_per_s for t in trials) or 0, 2),
                     "prompt_tokens": trials[0].prompt_tokens, "generated_tokens": trials[0].tokens + 1,
                     "trials": [asdict(t) | {"tokens_per_s": t.tokens_per_s} for t in trials]}
    raw_trials = runs["raw"]
    out["first_token_ratio"] = ratio(out["advisor"]["first_token_s"], out["raw"]["first_token_s"])
    out["tokens_per_s_ratio"] = ratio(out["advisor"]["tokens_per_s"], out["raw"]["tokens_per_s"])
    # This machine's raw llama.cpp speeds, from llama.cpp's own counters on the raw runs.
    out["raw_prompt_tokens_per_s"] = round(median(t.prompt_tokens / t.prompt_ms * 1000 for t in raw_trials), 1)
    out["raw_generation_tokens_per_s"] = round(median(t.tokens / t.eval_ms * 1000 for t in raw_trials if t.eval_ms), 1)
    return out


def prefix_reuse(generator, before: list[list[dict]], measured: list[dict], max_tokens: int, repeats: int,
                 reset: dict | None = None) -> dict:
    """Time to the first token of ``measured`` after the prompts ``before`` (the product's order),
    and with the KV cache reset instead; prompt tokens llama.cpp evaluated in each. ``reset``: an
    earlier result of the same prompt with the cache reset (not measured again)."""
    llm = generator.llm
    warm, cold = [], []
    for _ in range(repeats):
        for messages in before:
            for _ in generator.stream(messages, max_tokens):
                pass
        warm.append(timed(llm, lambda: generator.stream(measured, max_tokens), first_only=True))
        if reset is None:
            llm.reset()
            cold.append(timed(llm, lambda: generator.stream(measured, max_tokens), first_only=True))
    w = median(t.first_token_s for t in warm)
    prompt_tokens = cold[0].prompt_tokens if cold else reset["prompt_tokens"]
    c = median(t.first_token_s for t in cold) if cold else reset["first_token_s_reset"]
    return {"prompt_tokens": prompt_tokens, "evaluated_tokens": warm[0].prompt_tokens,
            "prefix_reuse_tokens": prompt_tokens - warm[0].prompt_tokens,
            "first_token_s_cached": round(w, 3), "first_token_s_reset": round(c, 3),
            "first_token_speedup": ratio(c, w)}


# --- advisor serve's memory -------------------------------------------------------------------------
def memory_gb(pid: int) -> dict[str, float]:
    """VmRSS, its anonymous and file-backed parts (the mapped model) and the peak, in GB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024 ** 2, 3)  # kB → GB
    return fields


def serve_memory(data_dir: Path, questions: int) -> dict:
    """``advisor serve`` over ``data_dir``: resident memory once ready and after ``questions``
    answers through POST /v1/ask (the last few follow-ups, with history)."""
    from bench.concurrency import own_server

    asks = [{"question": q} for q in SERVE_QUESTIONS]
    for first, follow in zip(SERVE_QUESTIONS[5:], SERVE_FOLLOW_UPS):
        asks.append({"question": follow, "history": [{"role": "user", "content": first},
                                                     {"role": "assistant", "content": "（上一轮回答）"}]})
    asks = (asks * (questions // len(asks) + 1))[:questions]
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data_dir))
    with own_server(env=env) as (url, proc):
        ready = memory_gb(proc.pid)
        started = time.perf_counter()
        with httpx.Client(timeout=httpx.Timeout(1800, connect=10)) as client:
            for body in asks:
                client.post(f"{url}/v1/ask", json=body).raise_for_status()
        after = memory_gb(proc.pid)
    return {"serve_questions": len(asks), "serve_seconds": round(time.perf_counter() - started, 1),
            "serve_rss_gb_ready": ready["VmRSS"], f"serve_rss_gb_after_{len(asks)}": after["VmRSS"],
            "serve_rss_anon_gb": after["RssAnon"], "serve_rss_file_gb": after["RssFile"],
            "serve_peak_rss_gb": after["VmHWM"]}


# --- the run -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="trials per path (medians)")
    parser.add_argument("--max-tokens", type=int, default=128, help="tokens generated per trial")
    parser.add_argument("--data-dir", type=Path, help="an index to use (default: a fresh one of knowledge/)")
    parser.add_argument("--serve", action="store_true", help="also advisor serve's memory after 20 questions")
    parser.add_argument("--serve-questions", type=int, default=20)
    parser.add_argument("--json", help="write the full report to this file")
    args = parser.parse_args(argv)

    settings = Settings(data_dir=args.data_dir or Path(tempfile.mkdtemp(prefix="bench-generation-")))
    if settings.generator != "llama_cpp":
        parser.error("this benchmark measures the llama.cpp generator (ADVISOR_GENERATOR=llama_cpp)")
    services = Services(settings)
    services.ensure_starter_knowledge()
    report: dict = {"model": settings.generator_model, "n_ctx": settings.n_ctx, "n_threads": settings.n_threads,
                    "max_tokens": args.max_tokens, "repeats": args.repeats}
    if args.serve:  # first, while nothing else here computes
        report |= serve_memory(settings.data_dir, args.serve_questions)

    advisor = services.advisor
    advisor.warm_up(calibrate=False)  # the configured evidence budget: the prompt does not depend on the load
    advisor.policy = replace(advisor.policy, max_new_tokens=args.max_tokens)
    prompts = capture_prompts(advisor, settings)
    generator = advisor.generator
    raw = llama_cpp.Llama(model_path=str(generator_model_path(settings)), n_ctx=settings.n_ctx,
                          n_threads=settings.n_threads, n_threads_batch=settings.n_threads, seed=settings.seed,
                          verbose=False)
    report["overhead"] = overhead(generator, raw, prompts["question"], args.max_tokens, args.repeats, settings)
    del raw
    report["system_prompt_tokens"] = generator.count_tokens(advisor.system_prompt)
    report["next_question"] = prefix_reuse(generator, [prompts["question"]], prompts["next_question"],
                                           args.max_tokens, args.repeats)
    report["follow_up"] = prefix_reuse(generator, [prompts["question"], prompts["rewrite"]], prompts["follow_up"],
                                       args.max_tokens, args.repeats)
    # Baseline for the restore: the same follow-up with the saved system-prompt state unused.
    saved, generator.prefix_state = generator.prefix_state, None
    report["follow_up_without_restore"] = prefix_reuse(generator, [prompts["question"], prompts["rewrite"]],
                                                       prompts["follow_up"], args.max_tokens, args.repeats,
                                                       reset=report["follow_up"])
    generator.prefix_state = saved
    for key in ("first_token_ratio", "tokens_per_s_ratio", "raw_prompt_tokens_per_s", "raw_generation_tokens_per_s"):
        report[key] = report["overhead"][key]
    report["prefix_reuse_tokens"] = report["next_question"]["prefix_reuse_tokens"]
    report["first_token_speedup"] = report["next_question"]["first_token_speedup"]
    report["prefix_reuse_tokens_after_rewrite"] = report["follow_up"]["prefix_reuse_tokens"]
    report["first_token_speedup_after_rewrite"] = report["follow_up"]["first_token_speedup"]
    report["prompts"] = prompts

    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    o, n, f = report["overhead"], report["next_question"], report["follow_up"]
    print(f"machine, raw llama.cpp: prompt {report['raw_prompt_tokens_per_s']} tokens/s, generation "
          f"{report['raw_generation_tokens_per_s']} tokens/s ({settings.n_threads} threads)")
    print(f"same prompt ({o['raw']['prompt_tokens']} tokens, cold, {args.max_tokens} new), medians of {args.repeats}: "
          f"first token advisor {o['advisor']['first_token_s']} s / raw {o['raw']['first_token_s']} s = "
          f"{o['first_token_ratio']}; tokens/s advisor {o['advisor']['tokens_per_s']} / raw "
          f"{o['raw']['tokens_per_s']} = {o['tokens_per_s_ratio']}")
    for label, r in (("next question, another conversation", n), ("follow-up after its rewrite", f),
                     ("the same, state not restored (before)", report["follow_up_without_restore"])):
        print(f"{label}: {r['prefix_reuse_tokens']} of {r['prompt_tokens']} prompt tokens from the cache "
              f"(system prompt {report['system_prompt_tokens']}); first token {r['first_token_s_cached']} s "
              f"vs {r['first_token_s_reset']} s reset: ×{r['first_token_speedup']}")
    if args.serve:
        q = report["serve_questions"]
        print(f"advisor serve: VmRSS {report['serve_rss_gb_ready']} GB ready, {report[f'serve_rss_gb_after_{q}']} GB "
              f"after {q} questions (anonymous {report['serve_rss_anon_gb']}, file-backed "
              f"{report['serve_rss_file_gb']}; peak {report['serve_peak_rss_gb']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
