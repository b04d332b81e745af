"""The level descriptors of the SME digital-level scenarios, read from the knowledge documents
(``doc_type: scenario``: one ``### <scenario>`` heading each, then ``- 一级：…`` / ``- Level 1: …``
lines), so that an updated document updates whatever uses them. Used to check that a plan draft
quotes each scenario's own descriptors."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LEVEL_LINE = re.compile(r"^-\s*(?:([一二三四])级|Level\s*([1-4]))\s*[:：]\s*(.+?)\s*$", re.I)
LEVEL_OF = {"一": 1, "二": 2, "三": 3, "四": 4}


def load_scenarios(knowledge_dir: Path, lang: str) -> dict[str, dict[int, str]]:
    """{scenario name: {level: descriptor}} from the scenario documents in ``lang``."""
    scenarios: dict[str, dict[int, str]] = {}
    for path in sorted(knowledge_dir.glob(f"*.{lang}.md")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
        if not m or (yaml.safe_load(m.group(1)) or {}).get("doc_type") != "scenario":
            continue
        current = None
        for line in text[m.end():].splitlines():
            if line.startswith("### "):
                current = line[4:].strip()
                scenarios.setdefault(current, {})
            elif line.startswith("#"):
                current = None
            elif current and (lm := LEVEL_LINE.match(line)):
                level = LEVEL_OF.get(lm.group(1) or "", 0) or int(lm.group(2))
                scenarios[current][level] = lm.group(3)
    return {name: levels for name, levels in scenarios.items() if len(levels) == 4}


def specific_descriptors(scenarios: dict[str, dict[int, str]]) -> dict[str, str]:
    """Descriptors that belong to one scenario only (not the general pattern), -> that scenario."""
    owners: dict[str, set[str]] = {}
    for name, levels in scenarios.items():
        for text in levels.values():
            owners.setdefault(text, set()).add(name)
    return {text: next(iter(names)) for text, names in owners.items() if len(names) == 1}
