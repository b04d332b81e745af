"""Test hook for the crash-safety tests: ``ADVISOR_TEST_KILL_AT=<stage>:<n>`` makes the process
SIGKILL itself the n-th time it reaches ``<stage>`` (parse, embed, store, lexical), so a test can
cut an ingest short at a chosen point. Unset (always, outside those tests), it does nothing."""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "ADVISOR_TEST_KILL_AT"
STAGES = ("parse", "embed", "store", "lexical")
_reached: Counter = Counter()


def crash_point(stage: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    want, _, nth = spec.partition(":")
    _reached[stage] += 1
    if stage == want and _reached[stage] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
