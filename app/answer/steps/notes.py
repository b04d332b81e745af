"""Notes the answer opens with: the profile it assumed from the question's words."""

from __future__ import annotations

from typing import Iterator

from app.answer.profile import TIERS, EnterpriseProfile
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table


def assumed_profile(state: AnswerState, tools: Tools) -> Iterator[Event]:
    if state.request.profile_assumed and state.profile:
        note = load_table("answer_notes", state.lang)["assumed_profile"]
        yield from state.say(note.format(profile=profile_words(state.profile, state.lang)) + "\n\n")


def profile_words(profile: EnterpriseProfile, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    words = [TIERS[profile.tier][lang]]
    if profile.industry:
        words.append(profile.industry if lang == "zh" else f"industry: {profile.industry}")
    if profile.headcount is not None:
        words.append(f"约{profile.headcount}人" if lang == "zh" else f"about {profile.headcount} staff")
    return sep.join(words)
