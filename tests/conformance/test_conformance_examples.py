"""(a) Every official example message gets the same verdict from project and official XSD."""

from __future__ import annotations

import pytest

from tests.conformance import oracle

#: examples that are invalid in the official set itself (errors in the examples):
#: JW315 has the date 2027-06-31, JW318 a bare RetourCode under Verzoek (no RetourCodes).
KNOWN_INVALID = {"JW315", "JW318"}


def _examples():
    root = oracle.OFFICIAL_DIR / "examples"
    found = sorted(root.glob("*/*.xml")) if root.is_dir() else []
    return found or [None]


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem if p else "no-examples")
def test_example_same_verdict(path):
    oracle.require_official()
    if path is None:
        pytest.skip(f"no examples under {oracle.OFFICIAL_DIR / 'examples'}")
    mt = path.stem.upper()
    data = path.read_bytes()
    assert oracle.detect_message_type(data) == mt, "root namespace does not match the file name"
    c = oracle.compare(data, mt, expected=mt not in KNOWN_INVALID, label=f"example {path.name}")
    assert not c.problems, c.problems
    assert c.official_ok is not None  # every example has an official XSD


def test_assert_same_verdict_api():
    """assert_same_verdict passes on an agreed-invalid document and raises on a wrong expectation."""
    oracle.require_official()
    data = (oracle.OFFICIAL_DIR / "examples" / "ijw" / "JW315.xml").read_bytes()
    v = oracle.assert_same_verdict(data, "JW315")
    assert v.project_ok is False and v.official_ok is False and v.errors["project"]
    with pytest.raises(AssertionError):
        oracle.assert_same_verdict(data, "JW315", expected=True)
