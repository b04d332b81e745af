"""Citation markers ([n], 【n】, [1, 3]) and the source numbers an answer cites. Sentences and the
lexical overlap between a sentence and a source are the text toolkit's (``ingest.text``:
``SENTENCE``, ``terms``, ``share``); ``app.answer.verification`` uses them to check every sentence
against the source it cites. (The evaluation judges with its own code, ``eval.judges``.)"""

from __future__ import annotations

import re

MARKER = re.compile(r"[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")


def cited_numbers(text: str) -> list[int]:
    """Source numbers in order of first citation."""
    seen: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.split(r"\s*[,，、]\s*", m.group(1)):
            if int(n) not in seen:
                seen.append(int(n))
    return seen
