"""The digital-level self-check: validated answers -> per-scenario levels, an indicative picture of
the weighted dimensions, an indicative overall level with its reasoning, and the three priority
scenarios with the next level's descriptor quoted from the knowledge documents.

The official rule that combines dimension scores and scenario levels is not public (a known gap in
the sources), so every rule here is the tool's own, stated in the result, and labelled indicative:
- a question with bands earns k/n of its points for the k-th of n bands; its points are its
  dimension's weight shared by item and sub-item weights (each out of 100); questions without
  bands are not scored;
- the indicative level is the lower median of the levels of the relevant scenarios;
- priorities: the lowest levels among the scenarios the pain points, industry or tier point to
  (``app/selfcheck/words.yaml``), more relevant first, then the indicators' group order.
The recommendations for the priorities come from the advisor's grounded step
(``app/selfcheck/advice.py``); the UI, the CLI and the tests all call this module."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from app.answer.profile import LEVELS
from app.selfcheck.answers import Answers
from app.selfcheck.knowledge import Questionnaire, Scenario, Source, load_questionnaire
from prompts import load_table

WORDS_FILE = Path(__file__).with_name("words.yaml")
PRIORITY_COUNT = 3
PAIN_POINTS, INDUSTRY_POINTS, TIER_POINTS = 2, 1, 1


@dataclass
class ItemScore:
    key: str
    name: str
    band: str
    k: int
    n: int
    possible: float
    points: float


@dataclass
class DimensionResult:
    key: str
    name: str
    weight: int
    scored: float = 0.0  # points of the questions the sources give bands for
    earned: float = 0.0
    items: list[ItemScore] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (question, the owner's line), not scored

    @property
    def share(self) -> float | None:
        return self.earned / self.scored if self.scored else None


@dataclass
class Priority:
    key: str
    scenario: str
    group: str
    level: int
    next_level: int
    next_level_descriptor: str
    descriptor_specific: bool  # the next level's descriptor is this scenario's own, not the general pattern
    descriptor_source: Source
    relevance: int
    why: str
    recommendation: str = ""
    citations: list[dict] = field(default_factory=list)
    advice_error: str = ""


@dataclass
class SelfCheck:
    lang: str
    answers: Answers
    questionnaire: Questionnaire
    dimensions: list[DimensionResult]
    indicative_band: int  # 0: no relevant scenario
    reasoning: list[str]
    priorities: list[Priority]
    knowledge_dir: Path

    @property
    def texts(self) -> dict:
        return load_table("selfcheck", self.lang)

    def level_name(self, level: int | None) -> str:
        return self.texts["not_relevant"] if level is None else LEVELS[level][self.lang]

    def profile(self):
        """The enterprise profile with the indicative level and the priority scenarios, or None."""
        return self.answers.profile(self.indicative_band, tuple(p.scenario for p in self.priorities))

    def scenario_rows(self) -> list[dict]:
        q = self.questionnaire
        return [{"scenario": s.name, "key": s.key, "group": q.group(s.group).name, "group_key": s.group,
                 "level": self.answers.levels.get(s.key), "specific": s.specific} for s in q.scenarios]

    def group_rows(self) -> list[dict]:
        rows = []
        for g in self.questionnaire.groups:
            levels = [self.answers.levels.get(s.key) for s in self.questionnaire.scenarios if s.group == g.key]
            rated = [lv for lv in levels if lv]
            rows.append({"group": g.name, "key": g.key, "scenarios": len(levels), "relevant": len(rated),
                         "lowest_level": min(rated) if rated else None,
                         "average_level": round(sum(rated) / len(rated), 2) if rated else None})
        return rows

    def to_json(self) -> dict:
        t = self.texts
        return {
            "lang": self.lang,
            "profile": {"tier": self.answers.tier, "industry": self.answers.industry,
                        "headcount": self.answers.headcount, "pain_points": self.answers.pain_points},
            "scenarios": self.scenario_rows(),
            "groups": self.group_rows(),
            "dimensions": [{"dimension": d.name, "key": d.key, "weight": d.weight, "scored_points": _num(d.scored),
                            "earned_points": _num(d.earned),
                            "share": None if d.share is None else round(d.share, 4),
                            "items": [{"item": i.name, "key": i.key, "band": i.band, "band_index": i.k,
                                       "bands": i.n, "points": _num(i.points), "possible": _num(i.possible)}
                                      for i in d.items],
                            "notes": [{"item": name, "note": note} for name, note in d.notes]}
                           for d in self.dimensions],
            "dimension_rule": t["dimension_rule"],
            "indicative_band": self.indicative_band or None,
            "indicative_band_name": LEVELS[self.indicative_band][self.lang] if self.indicative_band else None,
            "reasoning": self.reasoning,
            "priority_rule": t["priority_rule"],
            "priorities": [{"scenario": p.scenario, "key": p.key, "group": p.group, "level": p.level,
                            "next_level": p.next_level, "next_level_descriptor": p.next_level_descriptor,
                            "descriptor_specific": p.descriptor_specific,
                            "descriptor_source": p.descriptor_source.to_json(), "why": p.why,
                            "recommendation": p.recommendation, "citations": p.citations,
                            "advice_error": p.advice_error} for p in self.priorities],
            "notice": t["notice"],
        }

    # ------------------------------------------------------------------ text for people and prompts
    def descriptor_line(self, p: Priority) -> str:
        t = self.texts
        line = t["descriptor_quote"].format(descriptor=p.next_level_descriptor, title=p.descriptor_source.title,
                                            section=p.descriptor_source.section)
        return line + ("" if p.descriptor_specific else " " + t["descriptor_general"])

    def to_markdown(self, chart: str = "") -> str:
        """The report; ``chart`` names an image (``![…](chart)``) for the DOCX export."""
        t, q, lang = self.texts, self.questionnaire, self.lang
        lines = [f"# {t['result_heading']}", "", f"**{t['notice']}**", ""]
        profile = self.profile()
        if profile:
            line = profile.describe(lang).split("。")[0].split(". Tailor")[0]
            line = line.removeprefix("提问企业情况（").removeprefix("The asking enterprise (").removesuffix("）").rstrip(")")
            lines += [f"## {t['profile_heading']}", "", line, ""]
        lines += [f"## {t['levels_heading']}", ""]
        if chart:
            lines += [f"![{t['chart_caption']}]({chart})", ""]
        for g in q.groups:
            members = [s for s in q.scenarios if s.group == g.key]
            lines.append(f"- **{g.name}**{t['colon']}" + t["list_sep"].join(
                f"{s.name} {self.level_name(self.answers.levels.get(s.key))}" for s in members))
        lines += ["", f"## {t['dimensions_heading']}", "", t["dimension_rule"], ""]
        for d in self.dimensions:
            lines.append("- " + self.dimension_line(d))
            lines += ["  - " + t["item_line"].format(name=i.name, band=i.band, k=i.k, n=i.n, points=_num(i.points),
                                                     possible=_num(i.possible)) for i in d.items]
            lines += ["  - " + t["note_line"].format(name=name, note=note) for name, note in d.notes]
        band = LEVELS[self.indicative_band][lang] if self.indicative_band else t["no_band"]
        lines += ["", f"## {t['band_heading']}{t['colon']}{band}", "", f"### {t['reasoning_heading']}", ""]
        lines += [f"{i}. {step}" for i, step in enumerate(self.reasoning, start=1)]
        lines += ["", f"## {t['priorities_heading']}", "", t["priority_rule"], ""]
        for i, p in enumerate(self.priorities, start=1):
            requires = t["next_level"].format(level=LEVELS[p.next_level][lang]) + t["colon"]
            lines += [f"### {i}. {p.scenario} ({LEVELS[p.level][lang]} → {LEVELS[p.next_level][lang]})", "",
                      p.why, "", requires + self.descriptor_line(p), ""]
            if p.recommendation:
                lines += [f"**{t['advice_label']}**{t['colon']}{p.recommendation.strip()}", ""]
            elif p.advice_error:
                lines += [t["advice_failed"].format(error=p.advice_error), ""]
            if p.citations:
                lines += [f"{t['sources_label']}{t['colon']}", ""]
                lines += [f"- [{c['n']}] {c['title']}" + (f" — {c['section']}" if c.get("section") else "")
                          for c in p.citations]
                lines.append("")
        return "\n".join(lines).strip() + "\n"

    def dimension_line(self, d: DimensionResult) -> str:
        t = self.texts
        if not d.scored:
            return t["dimension_none"].format(dimension=d.name, weight=d.weight)
        return t["dimension_line"].format(dimension=d.name, weight=d.weight, scored=_num(d.scored),
                                          earned=_num(d.earned), share=f"{d.share:.0%}",
                                          unscored=_num(d.weight - d.scored))

    def plan_facts(self) -> str:
        """What the plan's "current state" and "priority scenarios" sections know about the enterprise."""
        t, lang = self.texts, self.lang
        levels = t["list_sep"].join(f"{row['scenario']} {self.level_name(row['level'])}"
                                    for row in self.scenario_rows())
        priorities = t["list_sep"].join(
            t["plan_priority"].format(scenario=p.scenario, level=LEVELS[p.level][lang],
                                      next_level=LEVELS[p.next_level][lang], descriptor=p.next_level_descriptor)
            for p in self.priorities)
        band = LEVELS[self.indicative_band][lang] if self.indicative_band else t["no_band"]
        return t["plan_facts"].format(band=band, levels=levels, priorities=priorities or t["no_band"])


def _num(x: float) -> float | int:
    x = round(x, 2)
    return int(x) if x == int(x) else x


# ---------------------------------------------------------------------- the rules
def score_dimensions(q: Questionnaire, answers: Answers) -> list[DimensionResult]:
    """Band k of n earns k/n of the question's points (dimension weight × item/100 × sub-item/100)."""
    results = {d.key: DimensionResult(d.key, d.name, d.weight) for d in q.dimensions}
    for question in q.questions:
        d = results[question.dimension]
        if question.key in answers.notes:
            d.notes.append((question.name, answers.notes[question.key]))
        band = answers.bands.get(question.key)
        if not question.bands or band is None:
            continue
        possible = d.weight * question.item_weight / 100 * (question.sub_weight or 100) / 100
        k, n = question.bands.index(band) + 1, len(question.bands)
        d.items.append(ItemScore(question.key, question.name, band, k, n, possible, possible * k / n))
        d.scored += possible
        d.earned += possible * k / n
    return list(results.values())


def indicative_band(levels: list[int]) -> int:
    """The lower median of the relevant scenarios' levels (0 when none is relevant)."""
    ordered = sorted(levels)
    return ordered[(len(ordered) - 1) // 2] if ordered else 0


@lru_cache(maxsize=1)
def _words(stamp: float) -> dict:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def relevance(s: Scenario, names: list[str], answers: Answers, lang: str) -> tuple[int, list[str]]:
    """(points, reasons): pain-point words (the table's and the scenario's own names), the industry
    table, the tier table."""
    words, why = _words(WORDS_FILE.stat().st_mtime), load_table("selfcheck", lang)["why"]
    points, reasons = 0, []
    pattern = "|".join([words["pain_points"].get(s.key, "")] + [re.escape(n) for n in names if n]).strip("|")
    found = list(dict.fromkeys(m.group(0) for m in re.finditer(pattern, answers.pain_points, re.I))) \
        if answers.pain_points and pattern else []
    if found:
        points += PAIN_POINTS
        reasons.append(why["pain"].format(words=load_table("selfcheck", lang)["list_sep"].join(found)))
    if answers.industry and any(s.key in row["scenarios"] and re.search(row["words"], answers.industry, re.I)
                                for row in words["industries"]):
        points += INDUSTRY_POINTS
        reasons.append(why["industry"].format(industry=answers.industry))
    tier = words["tiers"].get(answers.tier) if answers.tier else None
    if tier and s.key in tier["scenarios"]:
        points += TIER_POINTS
        reasons.append(why["tier"].format(reason=tier[lang]))
    return points, reasons


def choose_priorities(q: Questionnaire, answers: Answers, knowledge_dir: Path) -> list[Priority]:
    """The lowest levels among the relevant scenarios; more relevant first at equal levels, then the
    indicators' order; fewer than three relevant: the lowest-level others fill in."""
    other = load_questionnaire(knowledge_dir, "en" if q.lang == "zh" else "zh")
    names = {s.key: [s.name] for s in other.scenarios}
    why = load_table("selfcheck", q.lang)["why"]
    ranked = []
    for position, s in enumerate(q.scenarios):
        level = answers.levels.get(s.key)
        if not level or level >= 4:
            continue
        points, reasons = relevance(s, [s.name, s.key] + names.get(s.key, []), answers, q.lang)
        ranked.append(((points == 0, level, -points, position), s, level, points, reasons))
    ranked.sort(key=lambda row: row[0])
    out = []
    for _, s, level, points, reasons in ranked[:PRIORITY_COUNT]:
        reasons = reasons or [why["filler"]]
        reasons.append(why["level"].format(level=LEVELS[level][q.lang]))
        out.append(Priority(s.key, s.name, q.group(s.group).name, level, level + 1, s.levels[level + 1],
                            level + 1 in s.specific_levels, s.source, points, why["joiner"].join(reasons)))
    return out


def reasoning_steps(q: Questionnaire, answers: Answers, dimensions: list[DimensionResult], band: int) -> list[str]:
    t = load_table("selfcheck", q.lang)
    steps = t["reasoning"]
    levels = [answers.levels.get(s.key) for s in q.scenarios]
    rated = sorted(lv for lv in levels if lv)
    counts = t["list_sep"].join(t["count_item"].format(level=LEVELS[lv][q.lang], n=rated.count(lv))
                                for lv in sorted(set(rated)))
    out = [steps["scenarios"].format(rated=len(rated), skipped=len(levels) - len(rated), counts=counts or "—")]
    out.append(steps["median"].format(levels=", ".join(map(str, rated)), band=LEVELS[band][q.lang])
               if band else steps["no_levels"])
    picture = t["list_sep"].join(
        t["dimension_short"].format(dimension=d.name, share=f"{d.share:.0%}", scored=_num(d.scored), weight=d.weight)
        if d.scored else t["dimension_short_none"].format(dimension=d.name) for d in dimensions)
    out.append(steps["dimensions"].format(scored=_num(sum(d.scored for d in dimensions)), picture=picture))
    out += [steps["official"], steps["third_party"]]
    return out


def assess(answers: Answers, knowledge_dir: Path) -> SelfCheck:
    """Everything but the model's recommendations (``app.selfcheck.advice.add_recommendations``)."""
    q = load_questionnaire(knowledge_dir, answers.lang)
    dimensions = score_dimensions(q, answers)
    band = indicative_band([lv for lv in answers.levels.values() if lv])
    return SelfCheck(answers.lang, answers, q, dimensions, band, reasoning_steps(q, answers, dimensions, band),
                     choose_priorities(q, answers, knowledge_dir), Path(knowledge_dir))
