"""The load generator (bench/load.py) for 20 seconds on a small world of its own: every message it posts is
stored exactly once and answered exactly once, repeats are replayed, and nothing answers 5xx or otherwise
unexpectedly. The full-scale run (5 minutes, 16,000 clients) and its figures are in bench/README.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.demo_year import plan_year
from bench.load import ok, print_report, run_load, start_stack

from ..conftest import database_url
from ..resilience.conftest import assert_logs_clean

pytestmark = pytest.mark.slow


def test_load_smoke_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    plan = plan_year(300, 12, seed=41)
    stack = start_stack(tmp_path, plan, database_url())
    try:
        report = run_load(stack, plan, duration=20, workers=6)
        assert_logs_clean(stack)
    finally:
        stack.stop()
        stack.drop_schemas()
    print_report(report)
    r, s = report["reconciliation"], report["summary"]
    assert r["accepted"] > 300 and r["repeats"] > 20, r  # the run really ran
    assert (r["lost"], r["duplicated"], r["unanswered"], r["answered_more_than_once"]) == (0, 0, 0, 0), r
    assert s["5xx"] == 0, s["unexpected_examples"]
    assert ok(report), (r, s["unexpected_examples"])
