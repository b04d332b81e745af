"""The enterprise being advised: its tier as the 2024 Guidelines distinguish them, industry, size,
digital level (SME evaluation indicators, 1-4) and pain points. Retrieval prefers documents that
apply to the tier; the prompt tells the model whom it is advising."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Tier = Literal["leading", "large", "sme", "micro"]
TIERS: dict[str, dict[str, str]] = {
    "leading": {"zh": "行业龙头企业", "en": "industry-leading enterprise"},
    "large": {"zh": "大型企业", "en": "large enterprise"},
    "sme": {"zh": "中小企业", "en": "small or medium-sized enterprise (SME)"},
    "micro": {"zh": "小微企业", "en": "small or micro enterprise"},
}
LEVELS = {
    0: {"zh": "未知", "en": "unknown"},
    1: {"zh": "一级", "en": "level 1"}, 2: {"zh": "二级", "en": "level 2"},
    3: {"zh": "三级", "en": "level 3"}, 4: {"zh": "四级", "en": "level 4"},
}


@dataclass(frozen=True)
class EnterpriseProfile:
    tier: Tier
    industry: str = ""
    headcount: int | None = None
    digital_level: int = 0
    pain_points: str = ""
    priority_scenarios: tuple[str, ...] = ()  # from a self-check (app/selfcheck/assessment.py), lowest levels first

    def __post_init__(self):
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}, not {self.tier!r}")
        if self.digital_level not in LEVELS:
            raise ValueError("digital_level must be 0 (unknown) or 1-4")
        if self.headcount is not None and self.headcount < 0:
            raise ValueError("headcount cannot be negative")

    def describe(self, lang: str) -> str:
        """One line for the prompt, and for the answer's 'assumed profile' note."""
        t = TIERS[self.tier][lang]
        level = LEVELS[self.digital_level][lang]
        if lang == "zh":
            parts = [f"企业类型：{t}"]
            self.industry and parts.append(f"行业：{self.industry}")
            self.headcount is not None and parts.append(f"人数：{self.headcount}")
            parts.append(f"数字化水平：{level}")
            self.pain_points and parts.append(f"主要痛点：{self.pain_points}")
            self.priority_scenarios and parts.append(f"自评优先场景：{'、'.join(self.priority_scenarios)}")
            return "提问企业情况（" + "；".join(parts) + "）。请针对这类企业回答。"
        parts = [f"type: {t}"]
        self.industry and parts.append(f"industry: {self.industry}")
        self.headcount is not None and parts.append(f"headcount: {self.headcount}")
        parts.append(f"digital level: {level}")
        self.pain_points and parts.append(f"main pain points: {self.pain_points}")
        self.priority_scenarios and parts.append(f"self-check priority scenarios: {', '.join(self.priority_scenarios)}")
        return "The asking enterprise (" + "; ".join(parts) + "). Tailor the answer to this kind of enterprise."

    def search_hint(self, lang: str) -> str:
        """Words added to the search query so retrieval finds the sections about this tier."""
        return {"zh": {"leading": "行业龙头企业", "large": "大型企业", "sme": "中小企业", "micro": "小微企业"},
                "en": {"leading": "industry-leading enterprises", "large": "large enterprises", "sme": "SMEs",
                       "micro": "small and micro enterprises"}}[lang][self.tier]

    def to_json(self) -> dict:
        return asdict(self)
