"""Time to the first answer token on real questions over the starter knowledge base, through the
product's answer step: with the system prompt's KV cache reused across questions (the product)
against a cold start of the same question (cache reset before it). Prints both medians, their
ratio and the prompt speed warm-up measured on this machine."""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from app.services import Services
from app.settings import Settings

QUESTIONS = [
    "指南从哪几个方面提出了数字化转型路径？", "设备管理场景要达到三级，需要做到什么程度？",
    "What do the Guidelines ask of large enterprises?", "灯塔工厂是什么？",
    "How is Singapore's Smart Industry Readiness Index structured?", "中小企业数字化转型城市试点是什么？",
]


def first_token_ms(advisor, question: str) -> float:
    """Until the first token the model produced (the answer's own timing), generation cut short."""
    events = advisor.stream(question)
    try:
        for event in events:
            if event.kind == "done":
                return event.answer.timings["first_token_ms"]
    finally:
        events.close()
    raise RuntimeError("no answer")


def main() -> int:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="bench-"))
    services = Services(Settings(data_dir=data_dir))
    services.ensure_starter_knowledge()
    advisor = services.advisor
    advisor.warm_up()
    advisor.policy = replace(advisor.policy, max_new_tokens=8)  # the first sentence is all this measures
    warm, cold = [], []
    for question in QUESTIONS:
        warm.append(first_token_ms(advisor, question))
        advisor.generator.llm.reset()
        cold.append(first_token_ms(advisor, question))
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"machine: prompt processing {advisor.prompt_tokens_per_s:.1f} tokens/s (warm-up), "
          f"evidence budget {advisor.evidence_tokens} tokens")
    print(f"first token, cached system prompt: median {w:.0f} ms")
    print(f"first token, cold prompt (baseline): median {c:.0f} ms")
    print(f"ratio product/baseline: {w / c:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
