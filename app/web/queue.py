"""Admission to the model: one answer at a time (one model instance on a CPU), a bounded line of
waiting requests in arrival order, and an immediate "full" for anyone beyond it. Thread-safe and
shared by the HTTP API (asyncio) and the Gradio chat (worker threads)."""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
from typing import Awaitable, Callable, Iterator

POLL_S = 0.05  # how often an asyncio waiter looks at its place in line


class QueueFull(Exception):
    """The line is full; ``retry_after_s`` is an estimate of when a place frees up."""

    def __init__(self, waiting: int, retry_after_s: int):
        super().__init__(f"{waiting} requests are already waiting")
        self.waiting = waiting
        self.retry_after_s = retry_after_s


class Ticket:
    """One request's place: waiting, then holding a slot, then released (idempotent)."""

    def __init__(self, queue: "AdmissionQueue", number: int):
        self._queue = queue
        self.number = number
        self.admitted_at: float | None = None
        self.released = False

    def ahead(self) -> int:
        """Requests before this one: those being answered plus those waiting in front."""
        return self._queue._ahead(self)

    def try_admit(self) -> bool:
        return self._queue._try_admit(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block (a worker thread) until admitted or ``timeout`` seconds pass."""
        return self._queue._wait(self, timeout)

    def waiting(self, interval_s: float = 1.0) -> Iterator[int]:
        """Until admitted (blocking, for worker threads): how many are ahead, every ``interval_s``."""
        while not self.wait(interval_s) and not self.released:
            yield self.ahead()

    async def wait_async(self, gone: Callable[[], Awaitable[bool]] | None = None,
                         timeout_s: float | None = None) -> bool:
        """Wait without blocking the event loop, at most ``timeout_s``; True once admitted. When
        ``gone()`` says the client left first, the place is given up (``released``)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while not self.try_admit():
            if self.released:
                return False
            if gone is not None and await gone():
                self.release()
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            await asyncio.sleep(POLL_S)
        return True

    def release(self) -> None:
        self._queue._release(self)

    def __enter__(self) -> "Ticket":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class AdmissionQueue:
    def __init__(self, max_waiting: int, slots: int = 1, expected_answer_s: float = 20.0):
        if max_waiting < 0 or slots < 1:
            raise ValueError("max_queue must be >= 0 and slots >= 1")
        self.max_waiting = max_waiting
        self.slots = slots
        self._lock = threading.Condition()
        self._waiting: list[Ticket] = []
        self._active: set[Ticket] = set()
        self._numbers = itertools.count(1)
        # A running mean of how long an admitted request holds its slot, for Retry-After.
        self._mean_s = expected_answer_s
        self._served = 0

    # --- for callers
    def enter(self) -> Ticket:
        """A place in line, or QueueFull when ``max_waiting`` requests already wait for a busy slot."""
        with self._lock:
            if len(self._active) >= self.slots and len(self._waiting) >= self.max_waiting:
                raise QueueFull(len(self._waiting), self._retry_after())
            ticket = Ticket(self, next(self._numbers))
            self._waiting.append(ticket)
            self._admit_front()
            return ticket

    def snapshot(self) -> dict:
        with self._lock:
            return {"active": len(self._active), "waiting": len(self._waiting), "max_waiting": self.max_waiting,
                    "mean_answer_s": round(self._mean_s, 1)}

    # --- used by Ticket
    def _retry_after(self) -> int:
        """Seconds until a place in line is likely to free up: when the answer that started first
        is expected to end (a running mean of how long answers hold the model)."""
        now = time.monotonic()
        oldest = min((t.admitted_at or now for t in self._active), default=now)
        remaining = self._mean_s - (now - oldest)
        # An answer running past the mean ends soon, but not this second: no one-second polling.
        return max(1, math.ceil(remaining if remaining > 0 else self._mean_s / 4))

    def _admit_front(self) -> None:
        """Give free slots to the front of the line (caller holds the lock)."""
        while self._waiting and len(self._active) < self.slots:
            ticket = self._waiting.pop(0)
            ticket.admitted_at = time.monotonic()
            self._active.add(ticket)
        self._lock.notify_all()

    def _ahead(self, ticket: Ticket) -> int:
        with self._lock:
            if ticket in self._active:
                return 0
            if ticket not in self._waiting:
                return 0
            return len(self._active) + self._waiting.index(ticket)

    def _try_admit(self, ticket: Ticket) -> bool:
        with self._lock:
            return ticket in self._active

    def _wait(self, ticket: Ticket, timeout: float | None) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: ticket in self._active or ticket not in self._waiting, timeout) \
                and ticket in self._active

    def _release(self, ticket: Ticket) -> None:
        with self._lock:
            ticket.released = True
            if ticket in self._active:
                self._active.discard(ticket)
                held = time.monotonic() - (ticket.admitted_at or time.monotonic())
                self._served += 1
                weight = 1 / min(self._served + 1, 10)  # the prior counts as one answer; then ~10 last
                self._mean_s += (held - self._mean_s) * weight
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            else:
                return
            self._admit_front()
