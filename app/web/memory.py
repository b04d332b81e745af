"""A long-running server answers from many worker threads; glibc gives each thread its own malloc
arena and keeps freed memory in them, so resident memory grows with the threads that ever ran
(measured: +23 % and +42 % over 200 questions, while Python's own allocations grew about 3 KB a
question). Two arenas and trimming at 128 KB keep it flat (+3.4 %). A no-op off glibc."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # from glibc's malloc.h
ARENAS = 2
THRESHOLD_BYTES = 128 * 1024


def limit_malloc_arenas() -> bool:
    """Call once at start, before the worker threads: True when glibc took the settings."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = all(mallopt(option, value) == 1 for option, value in
             ((M_ARENA_MAX, ARENAS), (M_MMAP_THRESHOLD, THRESHOLD_BYTES), (M_TRIM_THRESHOLD, THRESHOLD_BYTES)))
    if not ok:
        log.info("malloc settings not applied (not glibc?)")
    return ok
