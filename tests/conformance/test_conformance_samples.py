"""(b) Full and minimal sample instances of all 28 message types are valid everywhere."""

from __future__ import annotations

import pytest
from lxml import etree

from schemas.model import load_spec
from tests.conformance import oracle, samples


@pytest.mark.parametrize("variant", samples.VARIANTS)
@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_sample_valid_in_project_schema(mt, variant):
    data = samples.sample_bytes(mt, variant)
    assert oracle.validate(data, mt) == []
    assert oracle.detect_message_type(data) == mt


@pytest.mark.parametrize("variant", samples.VARIANTS)
@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_sample_same_verdict_as_official(mt, variant):
    oracle.require_official()
    c = oracle.compare(samples.sample_bytes(mt, variant), mt, expected=True, label=f"sample {variant}")
    assert not c.problems, c.problems
    if oracle.official_schema(mt) is None:
        # iWmo retourbericht: no official XSD; the iJw sibling must accept it
        assert c.sibling_ok is True, "the iJw sibling check did not apply"
    else:
        assert c.official_ok is True


@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_full_sample_has_every_element(mt):
    """Full = every element of the structure present (every optional filled, repeats twice)."""
    msg = load_spec().message(mt)
    _root, sites = samples.build(mt, "full")
    present = {s.names for s in sites}
    expected = {path for path, _t, _p in msg.walk()}
    assert expected - present == set()
    repeats = [s for s in sites if s.particle is not None and s.particle.repeating]
    assert all(s.count == 2 for s in repeats)


@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_minimal_sample_has_only_mandatory_elements(mt):
    _root, sites = samples.build(mt, "minimal")
    assert all(
        s.particle is None or (s.particle.min_occurs >= 1 and s.count == s.particle.min_occurs) for s in sites
    )


def test_sample_bsns_pass_elfproef():
    assert all(samples.elfproef(b) for b in samples.BSNS)
    assert not samples.elfproef("123456789")
    assert not samples.elfproef("999900007")
    for mt in oracle.MESSAGE_TYPES:
        root, _ = samples.build(mt, "full")
        for el in root.iter():
            if isinstance(el.tag, str) and etree.QName(el).localname == "Bsn":
                assert samples.elfproef(el.text), (mt, el.text)


def test_sample_declaratie_totals_consistent():
    for mt in ("JW323", "WMO323", "JW325", "WMO325"):
        root, _ = samples.build(mt, "full")
        bedragen = [int(e.text) for e in root.iter() if etree.QName(e).localname == "Bedrag"]
        totaal = [int(e.text) for e in root.iter() if etree.QName(e).localname == "TotaalBedrag"]
        assert totaal and all(t == sum(bedragen) for t in totaal)
