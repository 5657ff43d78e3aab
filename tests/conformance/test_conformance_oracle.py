"""The oracle API that other suites rely on (kept stable)."""

from __future__ import annotations

import pytest

from tests.conformance import oracle, samples


def test_message_types():
    assert len(oracle.MESSAGE_TYPES) == 28
    assert oracle.MESSAGE_TYPES[0] == "JW301" and oracle.MESSAGE_TYPES[-1] == "WMO325"
    assert oracle.standard_of("wmo302") == "iwmo"
    with pytest.raises(ValueError):
        oracle.project_schema("JW303")


def test_project_schema_cached():
    assert oracle.project_schema("JW301") is oracle.project_schema("JW301")


def test_official_schema_none_for_missing_iwmo_retour():
    oracle.require_official()
    assert oracle.official_schema("WMO302") is None
    assert oracle.official_schema("WMO301") is not None
    assert oracle.official_schema("JW302") is oracle.official_schema("JW302")


def test_verdicts_inputs():
    data = samples.sample_bytes("JW319", "minimal")
    v = oracle.verdicts(data, "JW319")
    assert v.project_ok and v.errors["project"] == []
    project_ok, official_ok, errors = v  # unpacks as a 3-tuple
    assert oracle.verdicts(data.decode("utf-8"), "JW319").project_ok  # str with declaration
    assert oracle.verdicts(oracle.parse(data), "JW319").project_ok  # element tree
    assert oracle.verdicts(oracle.parse(data).getroot(), "JW319").project_ok  # element
    assert oracle.validate(data, "JW319") == []
    assert oracle.validate(data, "JW320")  # wrong type -> errors


def test_malformed_and_unsafe_input():
    v = oracle.verdicts(b"<a><b></a>", "JW301")
    assert v.project_ok is False and "parse" in v.errors
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    tree = oracle.parse(bomb)
    assert "root:" not in (tree.getroot().text or "")  # external entity not resolved


def test_detect_message_type():
    assert oracle.detect_message_type(samples.sample_bytes("WMO325", "minimal")) == "WMO325"
    assert oracle.detect_message_type(b"<Bericht/>") is None
    assert (
        oracle.detect_message_type(b'<Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/wmo301/schema"/>')
        is None
    )


def test_sibling_mapping_is_validity_preserving():
    oracle.require_official()
    data = samples.sample_bytes("WMO307", "full")
    assert oracle.sibling_verdict(data, "WMO307") is True
    converted = oracle.to_ijw(data, "WMO307")
    assert b"http://www.istandaarden.nl/ijw/3_2/jw307/schema" in converted and b"iwmo" not in converted
    assert b">440<" in converted  # BerichtCode 420 -> 440
    assert oracle.sibling_verdict(data.replace(b">19<", b">32<"), "WMO307") is False  # iJw-only reden
    assert oracle.sibling_verdict(samples.sample_bytes("JW307", "full"), "JW307") is None
