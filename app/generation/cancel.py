"""Cooperative cancellation of a running answer. The thread that drives an answer installs a
cancel event; the generators check it between tokens, so a client that goes away frees the model
within one token instead of after the whole answer."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from typing import Iterator

_current: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("advisor_cancel", default=None)


class Cancelled(Exception):
    """The answer was cancelled (its client disconnected)."""


@contextlib.contextmanager
def cancellable(event: threading.Event) -> Iterator[threading.Event]:
    """Everything generated in this thread while the block runs stops once ``event`` is set."""
    token = _current.set(event)
    try:
        yield event
    finally:
        _current.reset(token)


def raise_if_cancelled() -> None:
    event = _current.get()
    if event is not None and event.is_set():
        raise Cancelled("the answer was cancelled")
