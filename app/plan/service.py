"""A plan draft asked for without the UI (``advisor plan``, ``POST /v1/plans``, scripts): the input
checked field by field with one plain sentence per problem, the self-check's result merged into
the profile as the web app merges it, the draft, its JSON and its export. Both front ends call
these; neither holds any of it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from app.answer.citations import cited_numbers
from app.answer.profile import LEVELS, TIERS, EnterpriseProfile
from app.plan.drafts import Plan, PlanEvent, draft_plan
from prompts import LANGUAGES

if TYPE_CHECKING:
    from app.answer.advisor import Advisor
    from app.selfcheck.answers import Answers
    from app.selfcheck.assessment import SelfCheck

# A goal is a line or two; it goes into every section's search query and prompt, so a page of
# text would crowd the sources out of the small model's context.
MAX_GOAL_CHARS = 500
PROFILE_FIELDS = ("tier", "industry", "headcount", "digital_level", "pain_points")
EXPORT_SUFFIXES = (".docx", ".md")
# How the problems name the fields: the JSON body's names here, the options' on the command line.
JSON_NAMES = {"goal": "goal", "lang": "lang", "profile": "profile", **{f: f"profile.{f}" for f in PROFILE_FIELDS}}


class PlanInputError(ValueError):
    """Input a plan cannot be drafted from: one plain line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanRequest:
    goal: str
    profile: EnterpriseProfile  # with a self-check: its indicative level and priority scenarios
    lang: str
    selfcheck: SelfCheck | None = None


def _whole_number(value, name: str, allowed: range | None, problems: list[str]) -> int | None:
    """An int or a string of digits (a command-line option), else a problem; bools are not numbers."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        number = int(value)
    else:
        number = -1
    if number < 0 or (allowed is not None and number not in allowed):
        wanted = "a whole number of 0 or more" if allowed is None else "0 (unknown) or 1-4"
        problems.append(f"{name} must be {wanted}, not {value!r}")
        return None
    return number


def _text(value, name: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"{name} must be text, not {value!r}")
        return ""
    return value.strip()


def plan_request(goal, profile: Mapping | None, lang: str | None, answers: Answers | None, knowledge_dir: Path,
                 names: Mapping[str, str] = JSON_NAMES) -> PlanRequest:
    """Check the input and merge the self-check ``answers`` (already read by the self-check's own
    loader) into it: the profile's fields given here win, the self-check fills the rest with its
    tier, industry, headcount, pain points and indicative level, and its priority scenarios join the
    profile, as in the web app. ``lang`` defaults to the answers' language, else Chinese; the
    self-check is assessed in the plan's language. Every problem is reported at once."""
    problems: list[str] = []
    goal = _text(goal, names["goal"], problems)
    if not goal and not problems:
        problems.append(f"{names['goal']} is required: what the enterprise wants from the plan, "
                        "e.g. \"减少设备意外停机\" or \"cut unplanned downtime\"")
    elif len(goal) > MAX_GOAL_CHARS:
        problems.append(f"{names['goal']} has {len(goal)} characters; the limit is {MAX_GOAL_CHARS} (a line or two)")
    lang = _text(lang, names["lang"], problems) or (answers.lang if answers is not None else "zh")
    if lang not in LANGUAGES:
        problems.append(f"{names['lang']} must be {' or '.join(LANGUAGES)}, not {lang!r}")
    if profile is None:
        profile = {}
    if not isinstance(profile, Mapping):
        problems.append(f"{names['profile']} must be an object like {{\"tier\": \"sme\", \"industry\": …}}")
        profile = {}
    problems += [f"unknown field {names['profile']}.{key}; known: {', '.join(PROFILE_FIELDS)}"
                 for key in profile if key not in PROFILE_FIELDS]
    tier = _text(profile.get("tier"), names["tier"], problems)
    if tier and tier not in TIERS:
        problems.append(f"{names['tier']} must be one of {', '.join(TIERS)}, not {tier!r}")
    given = {"tier": tier, "industry": _text(profile.get("industry"), names["industry"], problems),
             "headcount": _whole_number(profile.get("headcount"), names["headcount"], None, problems),
             "digital_level": _whole_number(profile.get("digital_level"), names["digital_level"], range(len(LEVELS)),
                                            problems),
             "pain_points": _text(profile.get("pain_points"), names["pain_points"], problems)}
    selfcheck = None
    if answers is not None and not problems:
        from app.selfcheck.assessment import assess

        selfcheck = assess(answers if answers.lang == lang else replace(answers, lang=lang), knowledge_dir)
    known = {"tier": answers.tier, "industry": answers.industry, "headcount": answers.headcount,
             "digital_level": selfcheck.indicative_band, "pain_points": answers.pain_points} if selfcheck else {}
    merged = {f: given[f] if given[f] not in ("", None) else known.get(f) for f in PROFILE_FIELDS}
    if not merged["tier"] and not problems:
        problems.append(f"{names['tier']} is required: one of {', '.join(TIERS)} (or profile.tier in the "
                        "self-check answers)")
    if problems:
        raise PlanInputError(problems)
    priorities = tuple(p.scenario for p in selfcheck.priorities) if selfcheck else ()
    return PlanRequest(goal, EnterpriseProfile(merged["tier"], merged["industry"] or "", merged["headcount"],
                                               merged["digital_level"] or 0, merged["pain_points"] or "", priorities),
                       lang, selfcheck)


def draft(advisor: Advisor, request: PlanRequest) -> Iterator[PlanEvent]:
    """The draft's events (section, token, section_done, done with the Plan)."""
    return draft_plan(advisor, request.profile, request.goal, request.lang, selfcheck=request.selfcheck)


def plan_json(plan: Plan) -> dict:
    """The draft as ``advisor plan --json`` and ``POST /v1/plans`` return it (README, "JSON plan"):
    each section's ``citations`` are the numbers of ``sources`` it cites; a section citing none is
    ``refused`` (the sources held nothing for it, or nothing the model wrote survived verification).
    ``sources`` have the shape of the answer JSON's ``citations``, numbered 1..n across the draft."""
    numbers = range(1, len(plan.sources) + 1)
    sections = []
    for s in plan.sections:
        cited = [n for n in cited_numbers(s.text) if n in numbers]
        sections.append({"key": s.key, "title": s.title, "text": s.text.strip(), "citations": cited,
                         "refused": not cited})
    return {"lang": plan.lang, "goal": plan.goal, "profile": plan.profile.to_json(), "sections": sections,
            "sources": [asdict(c) for c in plan.sources]}


def draft_json(advisor: Advisor, request: PlanRequest) -> dict:
    """The whole draft, then its JSON (for scripts: ``draft`` streams)."""
    plan = None
    for event in draft(advisor, request):
        if event.kind == "done":
            plan = event.plan
    return plan_json(plan)


def export_plan(plan: Plan, path: Path, selfcheck: SelfCheck | None = None) -> Path:
    """Markdown as the web app's export writes it, or Word; Word adds the self-check report with its
    chart after the plan when there is one (as the web app's Word export does)."""
    from app.plan.export import export_docx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise PlanInputError([f"the plan can be written as {' or '.join(EXPORT_SUFFIXES)}, not {path.name}"])
    if suffix == ".docx":
        return export_docx(plan.to_markdown(), path, selfcheck)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan.to_markdown(), encoding="utf-8")
    return path
