"""Personal data never reaches a log line: after the whole session ran against the stack, every log line of
every service is structured JSON and holds no BSN and no name of any test person."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from stdnum.nl import bsn as stdnum_bsn

REPO = Path(__file__).resolve().parents[1]
NINE_DIGITS = re.compile(r"(?<![\d.])\d{9}(?![\d.])")
# ids are UUIDs, kept whole by the scrubber: a hex group may hold nine digits that pass the elfproef
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _test_person_names() -> set[str]:
    names = {"Testpersoon"}
    fixture = REPO / "services" / "eligibility" / "brp" / "fixtures" / "personen.yaml"
    if fixture.exists():
        data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
        people = data.get("personen", data) if isinstance(data, dict) else data
        for person in people or []:
            for key in ("geslachtsnaam", "achternaam", "voornamen"):
                value = person.get(key) if isinstance(person, dict) else None
                if value and len(value) > 3:
                    names.add(str(value))
    return names


@pytest.mark.last
def test_no_bsn_or_name_in_any_log_line(stack) -> None:  # type: ignore[no-untyped-def]
    lines = [line for line in stack.log_lines() if line.strip()]
    assert len(lines) > 20, "the stack wrote almost no logs: is logging configured?"
    names = _test_person_names()
    offenders = []
    for line in lines:
        for candidate in NINE_DIGITS.findall(UUID.sub("<uuid>", line)):
            if stdnum_bsn.is_valid(candidate):
                offenders.append(("bsn", line[:200]))
        for name in names:
            if re.search(rf"\b{re.escape(name)}\b", line):
                offenders.append(("naam", line[:200]))
    assert not offenders, offenders[:5]


@pytest.mark.last
def test_service_logs_are_structured_json_with_request_ids(stack) -> None:  # type: ignore[no-untyped-def]
    records = []
    for name in ("allocation", "declaration", "eligibility"):
        proc = stack.procs.get(name)
        assert proc is not None
        for line in proc.log_path.read_text(errors="replace").splitlines():
            if line.strip():
                records.append(json.loads(line))  # every line parses: nothing unstructured slips through
    assert all("level" in r and "timestamp" in r and r.get("service") for r in records)
    assert any(r.get("request_id") for r in records)
