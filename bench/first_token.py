"""Time to the first answer token on real questions over the starter knowledge base: the product
(system prompt's KV cache reused across questions) against a cold start of the same prompt (cache
reset before each question). Prints both medians and their ratio."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.services import Services
from app.settings import Settings
from prompts import render_answer

QUESTIONS = [
    "指南从哪几个方面提出了数字化转型路径？", "设备管理场景要达到三级，需要做到什么程度？",
    "What do the Guidelines ask of large enterprises?", "灯塔工厂是什么？",
    "How is Singapore's Smart Industry Readiness Index structured?", "中小企业数字化转型城市试点是什么？",
]


def first_token_ms(generator, messages) -> float:
    start = time.perf_counter()
    for _ in generator.stream(messages, 1):
        break
    return (time.perf_counter() - start) * 1000


def main() -> int:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="bench-"))
    services = Services(Settings(data_dir=data_dir))
    services.ensure_starter_knowledge()
    advisor = services.advisor
    advisor.warm_up()
    warm, cold, prompt_tokens = [], [], []
    for question in QUESTIONS:
        retrieval = services.retriever.search(question)
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en"
        user = render_answer(lang, question, [(s.text, s.metadata) for s in retrieval.sources])
        messages = [{"role": "system", "content": advisor.system_prompt}, {"role": "user", "content": user}]
        prompt_tokens.append(advisor.generator.count_tokens(advisor.system_prompt + user))
        first_token_ms(advisor.generator, [{"role": "system", "content": advisor.system_prompt},
                                           {"role": "user", "content": "你好"}])  # the state every question meets
        warm.append(first_token_ms(advisor.generator, messages))
        advisor.generator.llm.reset()
        cold.append(first_token_ms(advisor.generator, messages))
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"prompt tokens (median): {statistics.median(prompt_tokens):.0f}")
    print(f"first token, cached system prompt: median {w:.0f} ms")
    print(f"first token, cold prompt (baseline): median {c:.0f} ms")
    print(f"ratio product/baseline: {w / c:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
