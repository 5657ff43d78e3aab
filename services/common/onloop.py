"""A small message judged on the event loop, its two database round trips awaited there.

Why: a 305 (the hot path of the allocation service) costs ~1.6 ms of CPU in-process, but ~2.6 ms more than
the validate-only endpoint inside the server. The difference is thread traffic: the request goes from the
event loop to a worker thread, the worker gives up the GIL at each of its two database waits and has to
win it back from the loop and the other workers, and the answer goes back to the loop. Here the pipeline
runs in a greenlet on the loop itself (SQLAlchemy's own `greenlet_spawn`, the mechanism behind its asyncio
extension): the code stays synchronous, and where it would block on PostgreSQL (`services.common.writes.
execute_raw`, the only I/O of a single_statement handler's first pass) it hands the driver's own
non-blocking generator to `psycopg.waiting.wait_async` and the loop serves other requests meanwhile.

Only what cannot block the loop runs here: PostgreSQL, a body of at most `onloop_max_bytes`, a handler
marked single_statement, the first (autocommit) pass. Anything else raises `NeedsThread` before it does
any I/O (nothing is written before the one statement at the end, so nothing is lost or doubled), and the
message runs again from the start in a worker thread as before:
- the kernel needs a transaction (SQLite, a handler without single_statement, the retry after a duplicate or
  after NeedsTransaction): Pipeline.process;
- any statement through SQLAlchemy (an ORM query, a flush): the engine's before_cursor_execute guard;
- a call to another service (ServiceClient.request), which would wait on the network with the loop stopped.
What remains blocking on the loop is the pool's own work at checkout: opening a new connection, or the
ping of one idle for more than 10 s (services.common.db); the pool is not allowed to make it wait for a free
connection (`pool_has_room`).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_ON_LOOP: ContextVar[bool] = ContextVar("berichten_on_loop", default=False)


class NeedsThread(BaseException):
    """Raised on the event loop before anything blocking would happen; the caller runs the work again in a
    thread. A BaseException, so that no `except Exception` in a handler can swallow it (it is control flow,
    like GeneratorExit)."""


def on_loop() -> bool:
    return _ON_LOOP.get()


def leave_loop(reason: str) -> None:
    """Call before work that would block: on the event loop it stops here (the work runs again in a thread)."""
    if _ON_LOOP.get():
        raise NeedsThread(reason)


def wait(awaitable: Awaitable[T]) -> T:
    """From synchronous code running on the loop (inside run_on_loop): await and return the result."""
    from sqlalchemy.util import await_only

    return await_only(awaitable)  # type: ignore[no-any-return]


async def run_on_loop(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) in a greenlet on the running loop; raises NeedsThread when it had to stop."""
    from sqlalchemy.util import greenlet_spawn

    token = _ON_LOOP.set(True)
    try:
        return await greenlet_spawn(fn, *args)
    finally:
        _ON_LOOP.reset(token)
