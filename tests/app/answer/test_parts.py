"""A question's asks (app/answer/parts.py)."""

from app.answer.parts import split_parts


def test_the_word_joining_two_asks_stays_with_neither():
    """A plan section's instruction was cut into "explain how to evaluate results and" + "which
    indicators…", and the first was said to be unanswered with its dangling "and"."""
    asks = lambda q: [p.text for p in split_parts(q)]  # noqa: E731
    assert asks("explain how to evaluate results and which indicators or standards to use.") == [
        "explain how to evaluate results", "which indicators or standards to use."]
    assert asks("上云是什么以及有哪些补贴？") == ["上云是什么", "有哪些补贴？"]
    assert asks("What does the Guideline say about Android and iOS?") == [
        "What does the Guideline say about Android and iOS?"]  # an "and" inside an ask stays
