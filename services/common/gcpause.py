"""Pause the cyclic garbage collector while a big message is read and judged.

Reading a 10,000-prestatie declaratie allocates tens of thousands of small objects (element proxies,
prestaties, their lists, rows); every 700 allocations the collector scans the young ones, and every few
such messages it scans the whole heap of the process. Measured on the declaration service: reading the
parts of a 7.6 MB 323 took 210 ms with the collector running against 62 ms for the same code in a fresh
process. None of these objects form reference cycles (reference counting frees them), so nothing is lost
by pausing. Nesting-safe across threads: the collector resumes when the last pause ends.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    global _pauses
    with _lock:
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                gc.enable()
