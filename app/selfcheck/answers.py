"""The owner's answers to the self-check: read from a YAML file (consultants) or the web form,
validated against the questionnaire with one plain line per problem, and the YAML template that
lists every choice in comments. Items and scenarios may be named in either language."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.answer.profile import LEVELS, TIERS, EnterpriseProfile
from app.selfcheck.knowledge import RANGE, Question, Questionnaire, load_questionnaire
from prompts import load_table

NOT_RELEVANT = {"0", "不相关", "not relevant", "n/a", "na", "none", "无关"}
SKIP = {"", "skip", "跳过", "-"}
TOP_KEYS = {"lang", "profile", "items", "scenarios"}
PROFILE_KEYS = {"tier", "industry", "headcount", "pain_points"}


class SelfCheckError(ValueError):
    """Answers that cannot be used: one plain line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Answers:
    lang: str
    tier: str = ""
    industry: str = ""
    headcount: int | None = None
    pain_points: str = ""
    bands: dict[str, str] = field(default_factory=dict)  # question key -> chosen band
    notes: dict[str, str] = field(default_factory=dict)  # question key (no bands) -> the owner's line
    levels: dict[str, int | None] = field(default_factory=dict)  # scenario key -> 1-4, None: not relevant

    def profile(self, digital_level: int = 0, priorities: tuple[str, ...] = ()) -> EnterpriseProfile | None:
        if not self.tier:
            return None
        return EnterpriseProfile(self.tier, self.industry, self.headcount, digital_level, self.pain_points,
                                 priorities)


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().lower()


def _band_key(value) -> str:
    return re.sub(r"[\s%]", "", re.sub(r"[-—~～−]", "–", str(value)))


def _lookup(knowledge_dir: Path, attr: str) -> dict[str, str]:
    """Any language's name (or the key) -> key."""
    out = {}
    for lang in ("zh", "en"):
        for thing in getattr(load_questionnaire(knowledge_dir, lang), attr):
            out[_norm(thing.name)] = thing.key
            out[_norm(thing.key)] = thing.key
    return out


def parse_answers(data, knowledge_dir: Path, lang: str | None = None) -> Answers:
    """Validate ``data`` (a mapping as in the template); every problem is reported at once."""
    lang = lang or (data.get("lang") if isinstance(data, dict) and data.get("lang") in ("zh", "en") else "zh")
    errors = load_table("selfcheck", lang)["errors"]
    if not isinstance(data, dict):
        raise SelfCheckError([errors["not_a_mapping"]])
    problems: list[str] = []
    problems += [errors["unknown_key"].format(key=k) for k in data if k not in TOP_KEYS]
    if "lang" in data and data["lang"] not in ("zh", "en"):
        problems.append(errors["bad_lang"].format(value=data["lang"]))
    q = load_questionnaire(knowledge_dir, lang)
    answers = Answers(lang)
    _profile(data.get("profile") or {}, answers, errors, problems)
    _items(data.get("items") or {}, q, knowledge_dir, answers, errors, problems)
    _scenarios(data.get("scenarios") or {}, q, knowledge_dir, answers, errors, problems)
    if problems:
        raise SelfCheckError(problems)
    return answers


def _profile(profile, answers: Answers, errors: dict, problems: list[str]) -> None:
    if not isinstance(profile, dict):
        problems.append(errors["unknown_profile"].format(key=profile))
        return
    problems += [errors["unknown_profile"].format(key=k) for k in profile if k not in PROFILE_KEYS]
    tier = str(profile.get("tier") or "").strip()
    if tier and tier not in TIERS:
        problems.append(errors["bad_tier"].format(value=tier))
    answers.tier = tier if tier in TIERS else ""
    answers.industry = str(profile.get("industry") or "").strip()
    answers.pain_points = str(profile.get("pain_points") or "").strip()
    headcount = profile.get("headcount")
    if headcount not in (None, ""):
        if isinstance(headcount, bool) or not re.fullmatch(r"\d+", str(headcount).strip()):
            problems.append(errors["bad_headcount"].format(value=headcount))
        else:
            answers.headcount = int(str(headcount).strip())


def _items(items, q: Questionnaire, knowledge_dir: Path, answers: Answers, errors: dict,
           problems: list[str]) -> None:
    lookup = _lookup(knowledge_dir, "questions")
    names = ("、" if q.lang == "zh" else ", ").join(x.name for x in q.questions)
    given: dict[str, object] = {}
    for name, value in (items.items() if isinstance(items, dict) else []):
        key = lookup.get(_norm(name))
        if key is None:
            problems.append(errors["unknown_item"].format(name=name, choices=names))
        else:
            given[key] = value
    for question in q.questions:
        value = given.get(question.key)
        if question.bands:
            choices = ", ".join(question.bands)
            if value is None or str(value).strip() == "":
                problems.append(errors["missing_item"].format(name=question.name, choices=choices))
                continue
            band = next((b for b in question.bands if _band_key(b) == _band_key(value)), None)
            if band is None:
                problems.append(errors["unknown_band"].format(name=question.name, value=value, choices=choices))
            else:
                answers.bands[question.key] = band
        elif value is not None:
            if isinstance(value, (dict, list)):
                problems.append(errors["bad_note"].format(name=question.name))
            elif _norm(value) not in SKIP:
                answers.notes[question.key] = str(value).strip()


def _scenarios(scenarios, q: Questionnaire, knowledge_dir: Path, answers: Answers, errors: dict,
               problems: list[str]) -> None:
    lookup = _lookup(knowledge_dir, "scenarios")
    names = ("、" if q.lang == "zh" else ", ").join(s.name for s in q.scenarios)
    for name, value in (scenarios.items() if isinstance(scenarios, dict) else []):
        key = lookup.get(_norm(name))
        if key is None:
            problems.append(errors["unknown_scenario"].format(name=name, choices=names))
            continue
        if value is None or str(value).strip() == "":
            continue  # reported as missing below
        text = _norm(value)
        if text in NOT_RELEVANT:
            answers.levels[key] = None
        elif not isinstance(value, bool) and text in ("1", "2", "3", "4"):
            answers.levels[key] = int(text)
        else:
            problems.append(errors["level_range"].format(name=q.scenario(key).name, value=value))
            answers.levels[key] = None
    for s in q.scenarios:
        if s.key not in answers.levels:
            problems.append(errors["missing_scenario"].format(name=s.name))


def load_answers_file(path: Path, knowledge_dir: Path) -> Answers:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SelfCheckError([load_table("selfcheck", "en")["errors"]["unreadable"].format(path=path, reason=reason)])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise SelfCheckError([load_table("selfcheck", "en")["errors"]["bad_yaml"].format(line=line or "?")])
    return parse_answers(data, knowledge_dir)


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def _question_help(question: Question, t: dict) -> str:
    if question.bands:
        return f"{t['bands_label']}: {', '.join(question.bands)} ({t['template_band_choices']})"
    if re.search(RANGE, question.bands_note):  # some bands named, not the complete list
        return t["partial_bands"].format(note=question.bands_note)
    return t["no_bands"]


def template(knowledge_dir: Path, lang: str) -> str:
    """The answers file to fill in: every choice listed in comments, taken from the documents."""
    q = load_questionnaire(knowledge_dir, lang)
    t = load_table("selfcheck", lang)
    key = lambda name: json.dumps(name, ensure_ascii=False)  # noqa: E731 - quoted YAML keys
    lines = _comment(t["template_head"]) + [f"lang: {lang}", ""] + _comment(t["template_profile"])
    lines += ["profile:", "  tier: ", "  industry: ", "  headcount: ", "  pain_points: ", ""]
    lines += _comment(t["items_heading"]) + ["items:"]
    for question in q.questions:
        dimension = q.dimension(question.dimension)
        path = f"{dimension.name} ({dimension.weight}) › {question.item} ({question.item_weight})"
        lines += _comment(path + (f" › {question.name} ({question.sub_weight})" if question.sub_weight else ""), "  ")
        lines += _comment(f"{t['content_label']}: {c}", "  ") if (c := "; ".join(question.content)) else []
        lines += _comment(_question_help(question, t), "  ")
        lines.append(f"  {key(question.name)}: " + ("" if question.bands else "skip"))
    lines += [""] + _comment(t["scenarios_heading"] + " — " + t["template_levels"]) + ["scenarios:"]
    for s in q.scenarios:
        lines += _comment(f"{s.name} ({q.group(s.group).name})" + ("" if s.specific else f" — {t['general_only']}"),
                          "  ")
        lines += _comment("\n".join(f"  {level} = {LEVELS[level][lang]}: {s.levels[level]}" for level in range(1, 5)),
                          "  ")
        lines += _comment(f"  0 = {t['not_relevant']}", "  ")
        lines.append(f"  {key(s.name)}: ")
    return "\n".join(lines) + "\n"


def question_help(question: Question, lang: str) -> str:
    """The line shown next to a question in the web form."""
    return _question_help(question, load_table("selfcheck", lang))
