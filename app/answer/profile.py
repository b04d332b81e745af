"""The enterprise being advised: its tier as the 2024 Guidelines distinguish them, industry, size,
digital level (SME evaluation indicators, 1-4) and pain points. Retrieval prefers documents that
apply to the tier; the prompt tells the model whom it is advising."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from prompts import LANGUAGES, load_table

Tier = Literal["leading", "large", "sme", "micro"]


def wording(lang: str) -> dict:
    """The profile's words in ``lang`` (prompts/profile.<lang>.md)."""
    return load_table("profile", lang)


def _by_key(part: str) -> dict:
    """{key: {lang: text}} from one part of both tables, in the order of the Chinese one."""
    return {key: {lang: wording(lang)[part][key] for lang in LANGUAGES} for key in wording("zh")[part]}


TIERS: dict[str, dict[str, str]] = _by_key("tiers")  # leading, large, sme, micro
LEVELS: dict[int, dict[str, str]] = _by_key("levels")  # 0 (unknown), 1-4


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
        w = wording(lang)
        values = {"tier": TIERS[self.tier][lang], "industry": self.industry,
                  "headcount": "" if self.headcount is None else str(self.headcount),
                  "digital_level": LEVELS[self.digital_level][lang], "pain_points": self.pain_points,
                  "priority_scenarios": w["list_sep"].join(self.priority_scenarios)}
        fields = [w["field"].format(label=w["labels"][key], value=value) for key, value in values.items()
                  if value or key in ("tier", "digital_level")]
        return w["describe"].format(fields=w["field_sep"].join(fields))

    def search_hint(self, lang: str) -> str:
        """Words added to the search query so retrieval finds the sections about this tier."""
        return wording(lang)["search_hints"][self.tier]

    def to_json(self) -> dict:
        return asdict(self)
