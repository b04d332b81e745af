"""How well OCR read a page: the character error rate against the text a person reads on it.
Both sides are compared as characters, spaces left out and full-width forms folded (NFKC), so
"4 017 km²" against "4017km2" or "，" against "," is no error: what counts is a character the
reader of the answer would see changed, missing or added."""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein

# Forms that print alike and that a scan cannot tell apart; folded before comparing.
LOOK_ALIKE = str.maketrans({"～": "~", "〜": "~", "′": "'", "’": "'", "—": "-", "–": "-", "－": "-"})


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(LOOK_ALIKE)
    return "".join(folded.split())


def character_error_rate(reference: str, read: str) -> float:
    """Edits (insertions, deletions, substitutions) to turn ``read`` into ``reference``, per
    character of the reference."""
    ref, hyp = normalise(reference), normalise(read)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))
