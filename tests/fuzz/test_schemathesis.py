"""API fuzzing with Schemathesis against every service's published OpenAPI document, on a bounded budget:
zero 5xx responses, and every response conforms to its documented status code, content type, headers
and schema. Runs as each kind of party, so the scoped endpoints are exercised too, on a platform of its own
(conftest.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import token_for

CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance",
])
# (service, party): gemeente and aanbieder views of the two message services, the gemeente and service views
# of eligibility, the gemeente and regio views of reporting
RUNS = [
    ("allocation", "0141"), ("allocation", "11110001"),
    ("declaration", "0141"), ("declaration", "11110001"),
    ("eligibility", "0141"), ("eligibility", "svc-allocation"),
    ("reporting", "0141"), ("reporting", "TWENTE"),
]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
# seconds per run (schemathesis keeps fuzzing until the budget is spent): 6 runs of 40 s keep the module
# near 5 minutes on a 2-core CI machine, with room for a fourth service's runs
MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "40"))


@pytest.mark.parametrize("service,party", RUNS, ids=[f"{s}-as-{p}" for s, p in RUNS])
def test_no_server_errors_and_documented_responses(stack, tmp_path: Path, service: str, party: str) -> None:  # type: ignore[no-untyped-def]
    schemathesis = Path(sys.executable).with_name("schemathesis")
    report = tmp_path / "report"
    cmd = [
        str(schemathesis), "run", f"{stack.url(service)}/v1/openapi.json",
        "--checks", CHECKS,
        "--header", f"Authorization: Bearer {token_for(party)}",
        "--max-examples", str(MAX_EXAMPLES), "--max-time", str(MAX_TIME),
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1", "--seed", "20261124", "--generation-database", "none",
        "--request-timeout", "30", "--suppress-health-check", "all",
        "--report", "junit", "--report-dir", str(report), "--no-color",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=MAX_TIME * 4 + 120)
    lines = result.stdout.splitlines()
    # the failures (each with a curl line to reproduce it) come before the long warnings section
    start = next((i for i, line in enumerate(lines) if "FAILURES" in line), max(0, len(lines) - 60))
    detail = "\n".join(lines[start:start + 200])
    assert result.returncode == 0, f"schemathesis found problems ({service} as {party}):\n{detail}"
