"""The self-check questionnaire, read from the knowledge documents so that an updated document
updates it: the scored items of the SME digital-level evaluation indicators (``### <item>`` with
``- 所属维度：`` / ``- Dimension:``, ``- 权重：``, ``- 子项：``, ``- 评分内容：``, ``- 分档：`` lines)
and the 16 business scenarios (``doc_type: scenario``: ``### <scenario>``, a note line, then
``- 一级：…`` / ``- Level 1: …``). Nothing here holds a descriptor, a weight or a band.

Chinese and English documents are translations of each other (``translation_of``) with their
headings in the same order, so the n-th item or scenario of one is the n-th of the other: its
Chinese name is the key that answers in either language share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.selfcheck.scenario_levels import LEVEL_LINE, LEVEL_OF, specific_descriptors

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# "…数字化" in quotes or brackets: the group's own (Chinese) name in a "## … group" heading.
GROUP_IN_HEADING = re.compile(r"[“(（]([^”)）]+?数字化)[”)）]")
GROUP_LIST_ZH = re.compile(r"^-\s*([^\s：:（(]+数字化)\s*[：:]\s*(.+?)\s*$")
GROUP_LIST_EN = re.compile(r"^-\s*(.+?)\s*\(([^()]+数字化)\)\s*:\s*(.+?)\s*$")
# The note line says when a scenario has no descriptors of its own (only the general pattern).
GENERAL_ONLY = re.compile(r"没有[^。；]*专属的分级描述|gives no [^.;]*descriptors of its own", re.I)

DIMENSION_LINE = re.compile(r"^-\s*(?:所属维度|Dimension)\s*[:：]\s*(.+?)\s*[（(]\s*(?:权重|weight)\s*(\d+)\s*[)）]\s*$", re.I)
WEIGHT_LINE = re.compile(r"^-\s*(?:权重|Weight)\s*[:：]\s*(\d+)\s*$", re.I)
SUB_ITEM_LINE = re.compile(r"^-\s*(?:子项|Sub-item)\s*[:：]\s*(.+?)\s*[，,]\s*(?:权重|weight)\s*(\d+)"
                           r"\s*(?:[；;]\s*(?:分档|bands)\s*[:：]\s*(.+?))?\s*$", re.I)
CONTENT_LINE = re.compile(r"^-\s*(?:评分内容|What is scored)\s*[:：]\s*(.+?)\s*$", re.I)
BANDS_LINE = re.compile(r"^-\s*(?:分档|Bands)\s*[:：]\s*(.+?)\s*$", re.I)
RANGE = r"\d+(?:\.\d+)?\s*[–—-]\s*\d+(?:\.\d+)?\s*%"
BAND_LIST = re.compile(rf"{RANGE}(?:\s*[、,，]\s*{RANGE})+")


@dataclass(frozen=True)
class Source:
    """Where a descriptor or an item is quoted from: the citation shown next to it."""
    file: str
    title: str
    section: str

    def to_json(self) -> dict:
        return {"file": self.file, "title": self.title, "section": self.section}


@dataclass(frozen=True)
class Scenario:
    key: str  # the Chinese name
    name: str  # in the document's language
    group: str  # the group's Chinese name, e.g. 生产执行数字化
    levels: dict[int, str]
    specific: bool  # the note line does not say "only the general pattern"
    specific_levels: tuple[int, ...]  # levels whose descriptor belongs to this scenario alone
    note: str
    source: Source


@dataclass(frozen=True)
class Group:
    key: str
    name: str


@dataclass(frozen=True)
class Question:
    """One thing the owner answers for a dimension: a sub-item, or an item without sub-items."""
    key: str  # the Chinese name
    name: str
    item: str  # the item it belongs to (its own name when it has no sub-items)
    dimension: str  # dimension key
    item_weight: int  # of 100 within the dimension
    sub_weight: int | None  # of 100 within the item
    bands: tuple[str, ...]  # empty: the sources give none
    bands_note: str  # the document's words when it gives no (complete) list of bands
    content: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    weight: int  # of 100


@dataclass(frozen=True)
class Questionnaire:
    lang: str
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    groups: tuple[Group, ...]
    scenarios: tuple[Scenario, ...]  # in group order, then the indicators' order within a group
    indicator_source: Source | None = None

    def scenario(self, key: str) -> Scenario:
        return next(s for s in self.scenarios if s.key == key)

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)


def _documents(knowledge_dir: Path, lang: str) -> list[tuple[Path, dict, str]]:
    out = []
    for path in sorted(knowledge_dir.glob(f"*.{lang}.md")):
        text = path.read_text(encoding="utf-8")
        m = FRONT.match(text)
        if m:
            out.append((path, yaml.safe_load(m.group(1)) or {}, text[m.end():]))
    return out


def _sections(body: str) -> list[tuple[str, str, list[str]]]:
    """(## heading, ### heading, its lines) for every ### section."""
    out, h2, current = [], "", None
    for line in body.splitlines():
        if line.startswith("### "):
            current = (h2, line[4:].strip(), [])
            out.append(current)
        elif line.startswith("## "):
            h2, current = line[3:].strip(), None
        elif line.startswith("#"):
            current = None
        elif current is not None:
            current[2].append(line)
    return out


def _levels(lines: list[str]) -> dict[int, str]:
    levels = {}
    for line in lines:
        if lm := LEVEL_LINE.match(line):
            levels[LEVEL_OF.get(lm.group(1) or "", 0) or int(lm.group(2))] = lm.group(3)
    return levels


def _zh_names(knowledge_dir: Path, lang: str) -> dict[tuple[str, int], str]:
    """(file, position of a ### heading in it) -> the same heading in the Chinese original."""
    if lang == "zh":
        return {}
    originals = {path.name: [name for _, name, _ in _sections(body)] for path, _, body in
                 _documents(knowledge_dir, "zh")}
    out = {}
    for path, meta, body in _documents(knowledge_dir, lang):
        other = originals.get(str(meta.get("translation_of", "")), [])
        for i, (_, name, _) in enumerate(_sections(body)):
            out[(path.name, i)] = other[i] if i < len(other) else name
    return out


def _scenarios(knowledge_dir: Path, lang: str, zh_names: dict) -> list[Scenario]:
    """Scenarios in document order, each with its group and its note line."""
    parsed: list[dict] = []
    for path, meta, body in _documents(knowledge_dir, lang):
        if meta.get("doc_type") != "scenario":
            continue
        for i, (h2, name, lines) in enumerate(_sections(body)):
            levels = _levels(lines)
            note = next((line.strip() for line in lines if line.strip()), "")
            group = GROUP_IN_HEADING.search(h2)
            if len(levels) == 4 and group:
                parsed.append({"key": zh_names.get((path.name, i), name), "name": name, "group": group.group(1),
                               "levels": levels, "note": "" if note.startswith("-") else note,
                               "source": Source(path.name, str(meta.get("title", path.stem)), name)})
    owners = specific_descriptors({p["name"]: p["levels"] for p in parsed})
    return [Scenario(p["key"], p["name"], p["group"], p["levels"], not GENERAL_ONLY.search(p["note"]),
                     tuple(lv for lv, text in sorted(p["levels"].items()) if owners.get(text) == p["name"]),
                     p["note"], p["source"]) for p in parsed]


def _group_list(knowledge_dir: Path, lang: str) -> list[tuple[str, str, list[str]]]:
    """(group key, group name, scenario names) from the first document that lists the groups."""
    for _, _, body in _documents(knowledge_dir, lang):
        found: list[tuple[str, str, list[str]]] = []
        for line in body.splitlines():
            if lang == "zh" and (m := GROUP_LIST_ZH.match(line)):
                found.append((m.group(1), m.group(1), re.split(r"\s*[、，,]\s*", m.group(2))))
            elif lang != "zh" and (m := GROUP_LIST_EN.match(line)):
                found.append((m.group(2), m.group(1), re.split(r"\s*,\s*", m.group(3))))
            elif found and line.strip():
                break
        if len(found) >= 2:
            return found
    return []


def _bands(text: str) -> tuple[tuple[str, ...], str]:
    """A complete list of ranges ("0–10%、10–20%…"), or the document's words when it gives none."""
    text = text.strip()
    if BAND_LIST.fullmatch(text):
        return tuple(re.sub(r"\s*[–—-]\s*", "–", b) for b in re.split(r"\s*[、,，]\s*", text)), ""
    return (), text


def _questions(knowledge_dir: Path, lang: str) -> tuple[list[Dimension], list[Question], Source | None]:
    """Dimensions and questions in document order; keys are filled in by ``load_questionnaire``."""
    dimensions: list[Dimension] = []
    questions: list[Question] = []
    source = None
    for path, meta, body in _documents(knowledge_dir, lang):
        for _, item, lines in _sections(body):
            dim = next((m for line in lines if (m := DIMENSION_LINE.match(line))), None)
            if dim is None:
                continue
            where = Source(path.name, str(meta.get("title", path.stem)), item)
            source = source or Source(path.name, where.title, "")
            if all(d.name != dim.group(1) for d in dimensions):
                dimensions.append(Dimension(dim.group(1), dim.group(1), int(dim.group(2))))
            weight = next((int(m.group(1)) for line in lines if (m := WEIGHT_LINE.match(line))), 0)
            content = tuple(m.group(1) for line in lines if (m := CONTENT_LINE.match(line)))
            bands_text = next((m.group(1) for line in lines if (m := BANDS_LINE.match(line))), "")
            subs = [m for line in lines if (m := SUB_ITEM_LINE.match(line))]
            for sub in subs:
                bands, note = _bands(sub.group(3) or "")
                questions.append(Question(sub.group(1), sub.group(1), item, dim.group(1), weight, int(sub.group(2)),
                                          bands, note, (), where))
            if not subs:
                bands, note = _bands(bands_text)
                questions.append(Question(item, item, item, dim.group(1), weight, None, bands, note, content, where))
    return dimensions, questions, source


def _stamp(knowledge_dir: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(knowledge_dir.glob("*.md")))


def load_questionnaire(knowledge_dir: Path, lang: str) -> Questionnaire:
    """The questionnaire in ``lang`` (zh or en); re-read whenever a knowledge document changes."""
    if lang not in ("zh", "en"):
        raise ValueError(f"language must be zh or en, not {lang!r}")
    return _load(Path(knowledge_dir), lang, _stamp(Path(knowledge_dir)))


@lru_cache(maxsize=8)
def _load(knowledge_dir: Path, lang: str, stamp: tuple) -> Questionnaire:
    scenarios = _scenarios(knowledge_dir, lang, _zh_names(knowledge_dir, lang))
    listed = _group_list(knowledge_dir, lang)
    names = {key: name for key, name, _ in listed}
    order = {key: i for i, (key, _, _) in enumerate(listed)}
    within = {name.lower(): i for _, _, members in listed for i, name in enumerate(members)}
    position = {s.key: i for i, s in enumerate(scenarios)}
    scenarios.sort(key=lambda s: (order.get(s.group, len(order)), within.get(s.name.lower(), len(within)),
                                  position[s.key]))
    groups: list[Group] = []
    for s in scenarios:
        if all(g.key != s.group for g in groups):
            groups.append(Group(s.group, names.get(s.group, s.group)))

    dimensions, questions, indicator_source = _questions(knowledge_dir, lang)
    if lang != "zh":  # the translation lists the same dimensions and questions in the same order
        zh_dims, zh_questions, _ = _questions(knowledge_dir, "zh")
        dim_keys = {d.name: (zh_dims[i].key if i < len(zh_dims) else d.key) for i, d in enumerate(dimensions)}
        dimensions = [Dimension(dim_keys[d.name], d.name, d.weight) for d in dimensions]
        questions = [Question(zh_questions[i].key if i < len(zh_questions) else q.key, q.name,
                              q.item, dim_keys[q.dimension], q.item_weight, q.sub_weight, q.bands, q.bands_note,
                              q.content, q.source) for i, q in enumerate(questions)]
    return Questionnaire(lang, tuple(dimensions), tuple(questions), tuple(groups), tuple(scenarios),
                         indicator_source)
