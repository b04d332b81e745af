"""Prompt files (``<name>.<lang>.md``, YAML front matter with ``version`` and ``purpose``, then the
text) and the code that fills them. Nothing else in the project holds prompt wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROMPT_DIR = Path(__file__).parent
LANGUAGES = ("zh", "en")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Prompt:
    name: str
    lang: str
    version: int
    text: str


@lru_cache(maxsize=None)
def load_prompt(name: str, lang: str) -> Prompt:
    if lang not in LANGUAGES:
        raise ValueError(f"prompt language must be one of {LANGUAGES}, not {lang!r}")
    path = PROMPT_DIR / f"{name}.{lang}.md"
    raw = path.read_text(encoding="utf-8")
    m = _FRONT.match(raw)
    if not m:
        raise ValueError(f"{path.name} has no front matter with a version")
    meta = yaml.safe_load(m.group(1))
    return Prompt(name, lang, int(meta["version"]), raw[m.end():].strip())


def refusal_phrase(lang: str) -> str:
    return load_prompt("refusal", lang).text


def refusal_with(lang: str, more: str) -> str:
    """The refusal phrase and what follows it, as one text ("…cover this. My sources are …")."""
    return refusal_phrase(lang) + (" " if lang == "en" and more else "") + more


# Other ways a model opens an answer that says the sources do not give it.
REFUSAL_OPENINGS = re.compile(
    r"(sources?|documents?|guidelines|materials?)\s+(do|does|did)\s+not\s+(cover|provide|give|mention|specify|state|"
    r"contain|include|guarantee|say)|(sources?|documents?)\s+gives?\s+no\b|"
    r"no (information|figure|data|details?) (is|are )?(given|provided|available)|"
    r"(资料|文档)(中)?(没有|未|并未)(提供|提及|说明|给出|涉及)|没有(提供|找到)(相关|这方面)的?信息", re.I)


def is_refusal(answer: str) -> bool:
    """Does the answer say the sources do not cover the question (in either language)? True when
    the refusal phrase appears anywhere, or the answer's first sentence says so in other words."""
    flat = re.sub(r"\s+", " ", answer).lower()
    if any(refusal_phrase(lang).rstrip("。.").lower() in flat for lang in LANGUAGES):
        return True
    first = re.split(r"(?<=[。！？!?])|(?<=\.)\s|\n", flat.replace("*", "").strip(), maxsplit=1)[0]
    return bool(REFUSAL_OPENINGS.search(first))


def format_source(n: int, text: str, metadata: dict) -> str:
    where = " — ".join(x for x in (metadata.get("section"), f"p. {metadata['page']}" if metadata.get("page") else "")
                       if x)
    head = f"[{n}] {metadata.get('title', '')}" + (f" ({where})" if where else "")
    return f"{head}\n{text.strip()}"


@lru_cache(maxsize=None)
def load_table(name: str, lang: str) -> dict:
    """A prompt file whose text is a YAML table of short texts (e.g. ``fact_gaps``)."""
    table = yaml.safe_load(load_prompt(name, lang).text)
    if not isinstance(table, dict):
        raise ValueError(f"{name}.{lang}.md must hold a YAML table")
    return table


def format_evidence(n: int, metadata: dict, sentences: list[str]) -> str:
    """One numbered source as the model sees it: title, section, then its selected sentences."""
    head = format_source(n, "", metadata).strip()
    return head + "\n" + "\n".join(f"- {s.strip()}" for s in sentences)


def render_answer(lang: str, question: str, blocks: list[str], profile: str = "", history: str = "",
                  gap: str = "") -> str:
    """The user message: the numbered source blocks (see ``format_evidence``), then the question."""
    template = load_prompt("answer", lang).text
    return template.format(profile=profile + "\n\n" if profile else "", history=history + "\n\n" if history else "",
                           sources="\n\n".join(blocks), question=question.strip(), gap=gap + "\n" if gap else "")


def render_lead(lang: str, question: str, blocks: list[str], asks: list[str], profile: str = "", history: str = "",
                gap: str = "") -> str:
    """The lead step's user message: the evidence that will follow the lead, then the question and,
    when it asks several things, its asks."""
    template = load_prompt("lead", lang).text
    asks_line = ""
    if len(asks) > 1:
        sep = "；" if lang == "zh" else "; "
        listed = sep.join(f"{i}. {a.strip().rstrip('，,；;？?。. ')}" for i, a in enumerate(asks, start=1))
        asks_line = load_table("answer_notes", lang)["asks"].format(n=len(asks), asks=listed)
    return template.format(profile=profile + "\n\n" if profile else "", history=history + "\n\n" if history else "",
                           sources="\n\n".join(blocks), question=question.strip(), asks=asks_line,
                           gap=gap + "\n" if gap else "")
