"""Personal data never reaches a log line: after the whole session ran against the stack, every log line of
every service is structured JSON and holds no BSN and no name of any test person."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
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


def offenders_in(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(what, line) for every log line holding a BSN (nine digits that pass the elfproef, outside a UUID) or the
    name of a test person: the bar for the shared stack's logs and for every other stack's (resilience, load)."""
    names = _test_person_names()
    offenders = []
    for line in lines:
        if any(stdnum_bsn.is_valid(c) for c in NINE_DIGITS.findall(UUID.sub("<uuid>", line))):
            offenders.append(("bsn", line[:200]))
        if any(re.search(rf"\b{re.escape(name)}\b", line) for name in names):
            offenders.append(("naam", line[:200]))
    return offenders


@pytest.mark.last
def test_no_bsn_or_name_in_any_log_line(stack) -> None:  # type: ignore[no-untyped-def]
    lines = [line for line in stack.log_lines() if line.strip()]
    assert len(lines) > 20, "the stack wrote almost no logs: is logging configured?"
    offenders = offenders_in(lines)
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


def test_the_bar_reads_ids_out_but_not_a_bsn_beside_them() -> None:
    # the load smoke test of 2026-12-03 flagged this verzoek id: its last group holds 060437698, which passes
    # the elfproef
    line = '{"verzoek": "c8a2ff4d-9496-4e56-8613-060437698eb5", "event": "verzoek_beantwoord"}'
    assert stdnum_bsn.is_valid("060437698")
    assert offenders_in([line]) == []
    with_bsn = line.replace('"event"', '"bsn": "999993653", "event"')
    assert offenders_in([with_bsn]) == [("bsn", with_bsn)]
