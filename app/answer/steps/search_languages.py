"""A question in one language about documents in the other: the starter documents come in pairs,
but a user's Chinese report has no English twin, and an English question's words find none of its
Chinese ones in the lexical index (and only weaker matches in the dense one). When documents in
the search's scope have no translation in the question's language, the model translates the
question (short, for the search only: never shown, never answered from) and retrieval searches
both wordings. Nothing is asked of the model when every document has its translation."""

from __future__ import annotations

import time
from typing import Iterator

from app.answer.documents import title_names
from app.answer.state import AnswerState, Event, Tools
from ingest.language import detect_language
from ingest.text import content_words, romanised_in
from prompts import load_prompt
from retrieval.query_expansion import expansion_terms


def search_in_other_languages(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req = state.request
    other = tools.retriever.languages_without_twin(req.doc_ids or None) - {state.lang}
    if not other or tools.generator is None:
        return
    start = time.perf_counter()
    # the Chinese names of the user's documents the question writes in pinyin ("Yancheng" for 盐城): the
    # translation does not always give them back (射阳 once came back as 邵阳)
    names = romanised_in(req.asked, title_names(req.documents or req.describable))
    for lang in sorted(other):
        wording = translated(req.asked, lang, tools)
        if lang == "zh":
            wording = " ".join([wording, *(n for n in names if n not in wording)]).strip()
        if wording:
            extra = expansion_terms(req.question, lang)  # the policies' terms for its everyday words
            state.search_also.append(f"{wording} {extra}" if extra else wording)
    state.record("search_languages", f"{len(state.search_also)} other wording(s) for documents in "
                 f"{', '.join(sorted(other))}", wordings=list(state.search_also), names=names,
                 ms=round((time.perf_counter() - start) * 1000))
    yield from ()


def translated(question: str, lang: str, tools: Tools) -> str:
    """The question in ``lang`` by the model: its first line, or '' when it gave none in ``lang``."""
    prompt = load_prompt("search_translation", lang).text.format(question=question)
    out = "".join(tools.generator.stream([{"role": "user", "content": prompt}],
                                         tools.policy.search_translation_max_tokens)).strip()
    line = out.splitlines()[0].strip().strip("\"“”'") if out else ""
    if not line or detect_language(line) != lang:
        return ""
    # an answer ("否") or a fragment of the question is no wording to search with
    enough = len(content_words(line)) >= tools.policy.search_translation_min_share * len(content_words(question))
    return line if enough else ""
