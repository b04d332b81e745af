"""The text toolkit at the bottom layer: sentences and list units, numbers with their units, terms
with one tokenisation, one overlap measure, and the text of a document that must never act. Used by
ingest, retrieval and the answer's steps alike; nothing here imports from them."""

from ingest.text.numbers import (DOC_NUMBER, FIGURE, FIGURE_UNITS, LIST_NUMBER, NUMBER, RANGE_JOIN, YEAR,
                                 counted_figures, figure_clause, figure_segment, figure_sentence, other_item,
                                 series_labels, year_of)
from ingest.text.places import figure_places, places
from ingest.text.overlap import char_share, share
from ingest.text.romanised import romanised, romanised_in
from ingest.text.sentences import (CLAUSE_BREAK, END_MARKS, LEAD_END, LIST_MARK, MIN_UNIT_CHARS, SENTENCE,
                                   SENTENCE_END, TABLE_RULE, TRAILING_MARKERS, marked_units, row_with_header,
                                   split_clauses, split_sentences, split_units, table_cells)
from ingest.text.tokens import (CJK, STOPWORDS, WORDLIKE, compound_heads, content_terms, content_words, english_stems,
                                is_english_prose, terms, tokenize)
from ingest.text.untrusted import (ADDRESSED_TO_MODEL, FAKE_TURN, addressed_to_model, strip_remote_content)

__all__ = [
    "ADDRESSED_TO_MODEL", "CJK", "char_share", "compound_heads", "CLAUSE_BREAK", "DOC_NUMBER", "END_MARKS", "FAKE_TURN", "FIGURE", "FIGURE_UNITS",
    "LEAD_END", "LIST_MARK", "LIST_NUMBER", "MIN_UNIT_CHARS", "NUMBER", "RANGE_JOIN", "SENTENCE", "SENTENCE_END",
    "STOPWORDS", "TABLE_RULE", "TRAILING_MARKERS", "WORDLIKE", "addressed_to_model", "content_terms", "content_words",
    "marked_units", "row_with_header", "share", "split_clauses", "split_sentences", "split_units",
    "strip_remote_content", "table_cells", "terms", "tokenize", "YEAR", "year_of", "figure_clause", "figure_sentence", "figure_places", "places",
    "counted_figures", "figure_segment", "other_item", "series_labels", "english_stems", "is_english_prose", "romanised", "romanised_in",
]
