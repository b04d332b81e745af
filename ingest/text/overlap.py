"""One overlap measure: the share of a text's terms that a source holds.

Every check that asks "does the source say this?" uses ``share``; the variants are parameters:
which terms are wanted (content terms by default, all terms with ``keep_stop_words``, jieba's
compounds too with ``segment``, or a set of words the caller chose), and how the source holds one
(as one of its own terms, or anywhere in its text with ``substring``)."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Collection

from ingest.text.tokens import content_terms, terms


def share(text: str | Collection[str], source: str, *, keep_stop_words: bool = False, segment: bool = False,
          substring: bool = False) -> float:
    """Share (0..1) of ``text``'s terms that ``source`` holds; 0.0 when there are none.

    ``text``: a text (its ``content_terms``; ``terms`` with ``keep_stop_words``) or the wanted terms
    themselves (e.g. a question's content words). ``segment``: jieba's compounds join the bigrams
    and words, on both sides. ``substring``: a term is held when it occurs anywhere in the source's
    lower-cased text (for whole words: "小快轻准" in "采用“小快轻准”的方案"), not only as one of its terms."""
    if isinstance(text, str):
        wanted = (terms if keep_stop_words else content_terms)(text, segment=segment)
    else:
        wanted = set(text)
    if not wanted:
        return 0.0
    if substring:
        flat = source.lower()
        return sum(t in flat for t in wanted) / len(wanted)
    return len(wanted & terms(source, segment=segment)) / len(wanted)


def char_share(part: str, whole: str, block: int = 3) -> float:
    """Share (0..1) of ``part``'s characters that ``whole`` holds in the same order, in runs of at
    least ``block`` characters: how much of a sentence another one says again, word for word."""
    if not part:
        return 0.0
    blocks = SequenceMatcher(None, part, whole, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= block) / len(part)
