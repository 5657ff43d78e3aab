"""services.common.memory: what a worker thread freed goes back to the system (glibc keeps it in that thread's
arena otherwise, where the request's own thread cannot reuse it)."""
from __future__ import annotations

import threading

import pytest

from services.common import memory


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(memory._TRIM is None, reason="no glibc malloc_trim on this platform")
def test_memory_a_thread_freed_is_given_back() -> None:
    survivors: list[bytes] = []

    def parse_like_a_part_thread() -> None:
        blocks = [bytes(2000) for _ in range(40_000)]  # ~80 MB in this thread's arena (above pymalloc's size)
        survivors.extend(blocks[::50])  # a few blocks stay alive, as the first part's tree does
        del blocks

    worker = threading.Thread(target=parse_like_a_part_thread)
    worker.start()
    worker.join()
    before = _rss_mib()
    memory.release_freed_memory()
    assert before - _rss_mib() > 40  # most of the 80 MB; without the trim it stays with the process
    assert len(survivors) == 800
