"""Consultant plan drafts on the 2024 Guidelines' PDCA path: current state, priorities, phased
implementation, evaluation, iteration. Each section retrieves for its own topic, streams, and has
every sentence verified against its source: it goes through the advisor's one grounded step
(``Advisor.run``) with its own search query and prompt. Sources are numbered across the whole
draft, so [n] means the same source in every section."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterator

from app.answer import pipeline
from app.answer.advisor import Advisor
from app.answer.state import Citation, Request
from app.answer.citations import MARKER, cited_numbers
from app.answer.profile import EnterpriseProfile
from ingest.text import split_sentences
from prompts import LANGUAGES, load_prompt, load_table

if TYPE_CHECKING:
    from app.selfcheck.assessment import SelfCheck

MAX_SECTION_TOKENS = 360
SELF_CHECK_SECTIONS = ("current_state", "plan")  # the sections a self-check result informs


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: dict[str, str]
    query: dict[str, str]  # what the section retrieves, before the profile's words and the goal
    instruction: dict[str, str]


def wording(lang: str) -> dict:
    """The draft's words in ``lang`` (prompts/plan_draft.<lang>.md)."""
    return load_table("plan_draft", lang)


# The PDCA path, in the order of the Chinese table; each section's words in both languages.
SECTIONS = [SectionSpec(key, *({lang: wording(lang)["sections"][key][part] for lang in LANGUAGES}
                               for part in ("title", "query", "instruction")))
            for key in wording("zh")["sections"]]


@dataclass
class PlanSection:
    key: str
    title: str
    text: str = ""
    removed_figures: list[str] = field(default_factory=list)
    verification: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    lang: str
    profile: EnterpriseProfile
    goal: str
    sections: list[PlanSection] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)  # numbered across the draft

    def to_markdown(self) -> str:
        w = wording(self.lang)
        lines = [f"# {w['heading']}", "", self.profile.describe(self.lang).split("。")[0].split(". Tailor")[0], ""]
        if self.goal:
            lines += [w["goal"].format(goal=self.goal), ""]
        for s in self.sections:
            lines += [f"## {s.title}", "", s.text.strip(), ""]
        lines += [f"## {w['sources']}", ""]
        for c in self.sources:
            where = " — ".join(x for x in (c.section, f"p. {c.page}" if c.page else "") if x)
            lines.append(f"[{c.n}] {c.title}" + (f" ({where})" if where else "")
                         + (f" · {c.issuer}" if c.issuer else "") + (f" · {c.date}" if c.date else ""))
        return "\n".join(lines).strip() + "\n"


@dataclass
class PlanEvent:
    kind: str  # "section" (a section starts), "token", "section_done", "done"
    section: PlanSection | None = None
    text: str = ""
    plan: Plan | None = None


def _renumber(text: str, local_to_global: dict[int, int]) -> str:
    def repl(m):
        numbers = [local_to_global[int(n)] for n in cited_numbers(m.group(0)) if int(n) in local_to_global]
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    return MARKER.sub(repl, text)


def section_request(spec: SectionSpec, profile: EnterpriseProfile, goal: str, lang: str, facts: str = "",
                    focus: str = "", shown: tuple[str, ...] = ()) -> Request:
    """``facts``: what is known about the enterprise beyond its profile (a self-check result), given to
    the model with the profile; ``focus``: words added to the search (the priority scenarios);
    ``shown``: what the draft's earlier sections say, not to be said again."""
    described = profile.describe(lang) + (f"\n{facts}" if facts else "")
    instruction = spec.instruction[lang]

    def prompt(blocks: list[str], gap: str) -> str:
        return load_prompt("plan_section", lang).text.format(
            profile=described, goal=goal.strip() or "—", section=spec.title[lang], instruction=instruction,
            sources="\n\n".join(blocks))

    query = f"{profile.search_hint(lang)} {spec.query[lang]} {focus} {goal}".strip()
    return Request(question=instruction, search_query=query, profile=profile,
                   known_text=f"{described}\n{goal}", prompt=prompt, max_tokens=MAX_SECTION_TOKENS, lang=lang,
                   shown_before=shown)


def draft_plan(advisor: Advisor, profile: EnterpriseProfile, goal: str, lang: str,
               selfcheck: SelfCheck | None = None) -> Iterator[PlanEvent]:
    """With a self-check result, the "current state" and "priority scenarios" sections get it as known
    facts about the enterprise (still through the grounded step, sources cited as usual)."""
    plan = Plan(lang, profile, goal.strip())
    global_ids: dict[str, int] = {}
    shown: tuple[str, ...] = ()  # the sentences of the sections so far: each source sentence once in the draft
    for spec in SECTIONS:
        section = PlanSection(spec.key, spec.title[lang])
        plan.sections.append(section)
        yield PlanEvent("section", section=section)
        answer = None
        known = selfcheck is not None and spec.key in SELF_CHECK_SECTIONS
        facts = selfcheck.plan_facts() if known else ""
        focus = " ".join(p.scenario for p in selfcheck.priorities) if known and spec.key == "plan" else ""
        for event in advisor.run(section_request(spec, profile, goal, lang, facts, focus, shown), pipeline.PLAN_SECTION):
            if event.kind == "token":
                yield PlanEvent("token", section=section, text=event.text)
            elif event.kind == "done":
                answer = event.answer
        local_to_global = {}
        by_n = {c.n: c for c in answer.citations}  # looked up before any is renumbered
        for n in cited_numbers(answer.answer):
            if 1 <= n <= len(answer.contexts):
                context = answer.contexts[n - 1]
                if context.chunk_id not in global_ids:
                    global_ids[context.chunk_id] = len(global_ids) + 1
                    plan.sources.append(replace(by_n[n], n=global_ids[context.chunk_id]))
                local_to_global[n] = global_ids[context.chunk_id]
        section.text = _renumber(answer.answer, local_to_global)
        shown += tuple(q.text for q in answer.quoted) + tuple(split_sentences(MARKER.sub("", answer.answer)))
        section.removed_figures = answer.removed_figures
        section.verification = answer.verification
        yield PlanEvent("section_done", section=section)
    yield PlanEvent("done", plan=plan)
