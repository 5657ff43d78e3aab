"""Give the heap memory a big message freed back to the operating system.

A 25 MB declaratie is read in parts by worker threads (services.common.xml.parts): each part's tree is
freed once read, but glibc keeps what a thread freed in that thread's own arena, where the main thread's
allocations for judging cannot reuse it; the process's peak then holds both. `malloc_trim(0)` returns the
free pages of every arena. Measured on the declaration service with the 25 MB file: peak RSS 207-214 →
194-202 MiB (PostgreSQL), 240-249 → 220-233 MiB (SQLite); a trim costs well under a millisecond. Elsewhere than
glibc (musl, macOS) there is no malloc_trim and this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Any


def _malloc_trim() -> Callable[[int], Any] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_freed_memory() -> None:
    if _TRIM is not None:
        _TRIM(0)
