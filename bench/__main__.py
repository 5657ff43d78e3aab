"""Run every benchmark in turn: `python -m bench` (or `make bench`). Each prints its own ratios."""
from __future__ import annotations

import importlib
import sys
import time

# bench_reporting (a full Twente-scale year, ~20 minutes) runs on request: python -m bench bench_reporting
BENCHMARKS = ["bench_kernel", "bench_eligibility", "bench_allocation", "bench_declaration"]


def main() -> int:
    for name in BENCHMARKS + [a for a in sys.argv[1:] if a not in BENCHMARKS]:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        saved, sys.argv = sys.argv, [name]
        try:
            module.main()
        finally:
            sys.argv = saved
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
