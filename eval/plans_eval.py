"""Plan drafts: run the product's ``draft_plan`` on each case (an enterprise profile, a goal and a
rubric of points a good draft states) and judge the draft with the evaluation's own code:

- per section: cited content (a sentence that is not a fragment, with a [n] naming one of the
  draft's sources), no bare heading (``eval.judges.fragments``' "heading" and "title" kinds, or a
  line that only repeats a section title), no refusal (the section opens with an uncited sentence
  saying the sources do not give it);
- per draft: the rubric points it states (``PointMatcher``, as for answers), its repeated units
  (over the whole draft: a section saying again what another said is a repeat to the reader) and
  its fragments.
Summary: ``sections_with_content`` (share of sections passing all three checks) and
``rubric_coverage`` (mean over cases), higher is better; ``bare_headings``, ``fragments`` and
``repeated_units`` (counts over all drafts), lower is better."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from app.answer.profile import EnterpriseProfile
from app.plan.drafts import draft_plan
from eval.judges import MARKER, cited_numbers, classified_units, repeats, says_not_given, sentences, strip_markers
from eval.matching import PointMatcher

PLAN_METRICS = ("sections_with_content", "rubric_coverage")  # higher is better: --fail-under
PLAN_LOWER_IS_BETTER = ("bare_headings", "fragments", "repeated_units")  # --fail-over
HEADING_KINDS = ("heading", "title")  # the fragment kinds that are a bare heading in a section


@dataclass(frozen=True)
class PlanCase:
    id: str
    lang: str
    profile: EnterpriseProfile
    goal: str
    rubric: tuple[str, ...]


def load_cases(path: Path) -> list[PlanCase]:
    """One case a line: {id, lang, profile: {tier, industry, headcount, digital_level, pain_points},
    goal, rubric}; a bad line (or a profile the product refuses) is a clear error naming the line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row["lang"] not in ("zh", "en"):
                raise ValueError(f"lang must be zh or en, not {row['lang']!r}")
            cases.append(PlanCase(str(row["id"]), row["lang"], EnterpriseProfile(**row["profile"]), row["goal"],
                                  tuple(row["rubric"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a plan case line ({exc})") from None
    return cases


def bare_line(text: str) -> str:
    """A line as a title compares: no markers, bold, heading marks, spaces or end punctuation."""
    return re.sub(r"[\s*#]+", "", strip_markers(text)).rstrip("。．.：:")


def refuses(text: str) -> bool:
    """Does the section refuse? It opens with an uncited sentence saying that the sources do not
    give what was asked ("资料中没有提供这方面的信息。", "My sources do not cover this.")."""
    units = sentences(text)
    return bool(units) and not MARKER.search(units[0]) and says_not_given(units[0])


def judge_section(text: str, source_numbers: set[int], titles: tuple[str, ...] = ()) -> dict:
    """The checks of one section (see the module's docstring), with the fragments they rest on.
    A line that only repeats one of the draft's section ``titles`` ("二、制定转型规划：优先场景") is a
    bare heading too."""
    bare_titles = {bare_line(t) for t in titles}
    units = [(u, "heading" if kind is None and bare_titles and bare_line(u) in bare_titles else kind)
             for u, kind in classified_units(text)]
    cited = [u for u, kind in units if kind is None and set(cited_numbers(u)) & source_numbers]
    headings = [u for u, kind in units if kind in HEADING_KINDS]
    refusal = refuses(text)
    return {"cited_content": bool(cited), "bare_headings": headings, "refusal": refusal,
            "fragments": [{"text": u, "kind": kind} for u, kind in units if kind],
            "ok": bool(cited) and not headings and not refusal}


def draft(advisor, case: PlanCase, make_draft: Callable[..., Iterator] = draft_plan):
    """The finished ``Plan`` of ``make_draft``'s events (the product's ``draft_plan`` by default)."""
    plan = None
    for event in make_draft(advisor, case.profile, case.goal, case.lang):
        if event.kind == "done":
            plan = event.plan
    return plan


def run_plans_eval(cases: list[PlanCase], advisor, matcher: PointMatcher,
                   make_draft: Callable[..., Iterator] = draft_plan,
                   progress: Callable[[str], None] = print) -> tuple[dict, list[dict]]:
    rows = []
    for i, case in enumerate(cases, start=1):
        started = time.perf_counter()
        plan = draft(advisor, case, make_draft)
        seconds = time.perf_counter() - started
        numbers = {c.n for c in plan.sources}
        titles = tuple(s.title for s in plan.sections)
        sections = [dict(key=s.key, title=s.title, text=s.text, **judge_section(s.text, numbers, titles))
                    for s in plan.sections]
        body = "\n".join(s.text.strip() for s in plan.sections)  # the titles are the product's, not the draft's
        matches = matcher.match(list(case.rubric), body) if case.rubric else []
        coverage = sum(m.matched for m in matches) / len(matches) if matches else None
        found = [asdict(r) for r in repeats(body)]
        pieces = [dict(f, section=s["key"]) for s in sections for f in s["fragments"]]
        rows.append({
            "id": case.id, "lang": case.lang, "profile": case.profile.to_json(), "goal": case.goal,
            "sections": sections,
            "sources": [{"n": c.n, "title": c.title, "section": c.section} for c in plan.sources],
            "rubric": [{"point": m.point, "matched": m.matched, "how": m.how, "terms": m.term_share,
                        "semantic": m.semantic} for m in matches],
            "rubric_coverage": coverage, "repeats": found, "fragments": pieces,
            "markdown": plan.to_markdown(), "seconds": round(seconds, 1),
        })
        progress(f"[{i}/{len(cases)}] {case.id}: sections with content "
                 f"{sum(s['ok'] for s in sections)}/{len(sections)}, rubric "
                 f"{'—' if coverage is None else round(coverage, 2)}, fragments {len(pieces)}, repeats {len(found)}, "
                 f"{seconds:.0f} s")
    return summarize_plans(rows), rows


def summarize_plans(rows: list[dict]) -> dict:
    sections = [s for r in rows for s in r["sections"]]
    coverages = [r["rubric_coverage"] for r in rows if r["rubric_coverage"] is not None]
    seconds = [r["seconds"] for r in rows]
    return {
        "kind": "plans", "items": len(rows), "sections": len(sections),
        "sections_with_content": round(sum(s["ok"] for s in sections) / len(sections), 4) if sections else None,
        "rubric_coverage": round(float(np.mean(coverages)), 4) if coverages else None,
        "bare_headings": sum(len(s["bare_headings"]) for s in sections),
        "refused_sections": sum(1 for s in sections if s["refusal"]),
        "fragments": sum(len(r["fragments"]) for r in rows),
        "repeated_units": sum(len(r["repeats"]) for r in rows),
        "drafts_with_repeats": sum(1 for r in rows if r["repeats"]),
        "draft_p50_s": round(float(np.percentile(seconds, 50)), 1) if seconds else None,
    }
