"""Terms: one tokenisation of Chinese and English text for every overlap measure, and jieba's
search tokens for the BM25 index.

- ``terms(text)``: the lexical terms of a text: Chinese character bigrams, lower-cased English
  words and numbers (``ingest.text.numbers.NUMBER``). Deterministic, no dictionary: a sentence and
  the source it paraphrases share bigrams even when a segmenter would cut them differently.
  ``segment=True`` (ranking evidence) takes jieba's search-mode words (whole compounds such as 世界杯,
  stop words out) instead of the plain words.
- ``content_terms(text)``: the same, stop words out: what a sentence claims.
- ``content_words(text)``: whole words (jieba's precise cut, two characters or more, stop words
  out), for tests of presence: "世界杯" must occur whole, its bigram "世界" would meet 世界经济论坛.
- ``compound_heads(text, words)``: which of a text's words are the heads of its compounds.
- ``tokenize(text)``: the BM25 index's tokens (jieba's search mode: words and their sub-words). BM25
  indexing is a different job from overlap: its tokens must match what is stored in the index, and
  its weights come from term frequencies, so it keeps its own tokenisation rather than ``terms``."""

from __future__ import annotations

import re

import jieba
import snowballstemmer

from ingest.text.numbers import NUMBER

jieba.setLogLevel(60)

CJK = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character
WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]")  # a token with this in it is a word, not punctuation
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 对 为 以 于 等 中 有 也 就 都 而 之 其 这 那 哪 什么 怎么 如何 哪些 多少 吗 呢 吧 啊 "
    "我们 你们 他们 我 你 他 她 它 请 要 会 能 可以 应该 一个 "
    "the a an of to in on for and or is are was were be what which how do does did can could should "
    "with by as at from that this these those it its our we you your they their there about".split())
TOKEN = re.compile(rf"[\u4e00-\u9fff]|[A-Za-z]+|{NUMBER.pattern}")


def tokenize(text: str, *, search: bool = True) -> list[str]:
    """jieba tokens, lower-cased, punctuation and stop words dropped. ``search`` (the BM25 index's
    tokens): jieba's search mode, words and their sub-words ("智能制造" also gives 智能, 制造);
    otherwise its precise cut, each word once."""
    cut = jieba.cut_for_search if search else jieba.cut
    return [t for t in (w.strip() for w in cut(text.lower()))
            if t and WORDLIKE.search(t) and t not in STOPWORDS]


def terms(text: str, *, segment: bool = False) -> set[str]:
    """Character bigrams of Chinese runs plus lower-cased words and numbers.

    ``segment`` (how evidence is ranked, ``retrieval.evidence``): jieba's search-mode words (whole
    compounds, stop words out) instead of the plain words and numbers, and bigrams of the Chinese
    characters in order across anything between them ("到2027年" gives 到年, which meets the same
    date pattern in another sentence). Unifying those bigrams with the plain ones reorders the lexical
    evidence of about one question in twelve of eval/sets, so the ranking keeps its own; measure
    before changing it."""
    if segment:
        chars = CJK.findall(text)
        return {a + b for a, b in zip(chars, chars[1:])} | set(tokenize(text))
    tokens = TOKEN.findall(text.lower())
    out = {a + b for a, b in zip(tokens, tokens[1:]) if CJK.fullmatch(a) and CJK.fullmatch(b)}
    out.update(t for t in tokens if not CJK.fullmatch(t))
    return out


_ENGLISH = snowballstemmer.stemmer("english")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def is_english_prose(text: str, min_function_words: int = 2) -> bool:
    """Is the text English prose, however many Chinese words it quotes? English prose has its
    function words (the stop words): "Jiangxi issued a provincial standard, 《…》, with a scale"."""
    return sum(w.lower() in STOPWORDS for w in re.findall(r"[A-Za-z]+", text)) >= min_function_words


def english_stems(text: str) -> set[str]:
    """The stems of a text's English words, stop words out ("cities" and "city" are "citi", "funding"
    and "funds" "fund"): English words vary in form where a share of them is asked."""
    return set(_ENGLISH.stemWords([w for w in (m.lower() for m in LATIN_WORD.findall(text)) if w not in STOPWORDS]))


def content_terms(text: str, *, segment: bool = False) -> set[str]:
    """``terms`` without stop words: what a sentence states."""
    return {t for t in terms(text, segment=segment) if t not in STOPWORDS}


# A ratio's name in Latin letters ("P/B", "EV/EBITDA"): one word, which jieba cuts into single letters.
RATIO_WORD = re.compile(r"(?<![A-Za-z/])[A-Z][A-Za-z]{0,5}(?:/[A-Za-z]{1,8})+(?![A-Za-z/])")


def compound_heads(text: str, words: set[str]) -> dict[str, set[str]]:
    """The ``words`` that stand in ``text`` only right after another of them, as the head of a
    compound ("含量" in "蛋白质含量", "标准" in "地方标准"), each with the words it follows: a sentence
    that names the head without them ("碎米含量") speaks of another thing. A word that also stands
    on its own somewhere in the text is no head."""
    heads: dict[str, set[str]] = {}
    alone: set[str] = set()
    previous = ""
    for token in (t.strip() for t in jieba.cut(text.lower())):
        if token in words:
            if previous in words:
                heads.setdefault(token, set()).add(previous)
            else:
                alone.add(token)
        previous = token
    return {w: before for w, before in heads.items() if w not in alone}


def content_words(text: str) -> set[str]:
    """The words that say what a text is about: jieba's precise cut (so "世界杯" stays whole and does
    not meet "世界经济论坛"), minus stop words and single characters; a ratio's name ("P/B") whole."""
    return {w for w in tokenize(text, search=False) if len(w) >= 2} | {m.lower() for m in RATIO_WORD.findall(text)}
