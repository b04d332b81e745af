"""Runs a blocking event stream (the advisor's) in a thread of its own and hands its events to
asyncio. One thread drives the stream from start to end, so the compute lock taken inside it is
released by the thread that took it; ``cancel`` makes that thread stop between two tokens and
close the stream."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Iterator

from app.generation.cancel import Cancelled, cancellable

_END = object()


class EventPump:
    def __init__(self, make_events: Callable[[], Iterator[Any]], on_finish: Callable[[], None] | None = None):
        self._make_events = make_events
        self._on_finish = on_finish
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue = asyncio.Queue()
        self._cancel = threading.Event()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="advisor-answer", daemon=True)

    def start(self) -> "EventPump":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def _put(self, item) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone (server shutting down): nobody is listening
            self._cancel.set()

    def _run(self) -> None:
        events = None
        try:
            with cancellable(self._cancel):
                events = self._make_events()
                for event in events:
                    if self._cancel.is_set():
                        break
                    self._put(event)
        except Cancelled:
            pass
        except BaseException as exc:  # handed to the consumer, which turns it into an error reply
            self._put(exc)
        finally:
            if events is not None and hasattr(events, "close"):
                events.close()  # in this thread: a generator suspended at yield releases its lock here
            self._put(_END)  # after an error too: a consumer never waits on a finished stream
            self.finished.set()
            if self._on_finish is not None:
                self._on_finish()

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await self._queue.get()
        if item is _END:
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        return item
