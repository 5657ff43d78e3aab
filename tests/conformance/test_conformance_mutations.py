"""(c) Mutated documents: the project schema's verdict equals the official one.

Per message type the full and minimal samples are mutated in many ways (see
``mutations.py``): structure (remove/duplicate/swap/rename/namespace/extra/...) at every
element, values (codes, lengths, patterns, ranges, dates, times, BSN, BerichtCode/Versie)
at every distinct element path. Every document is checked against

* the official XSD (iJw: all 14; iWmo: the 7 heenberichten),
* for the 7 iWmo retourberichten without official XSD: the official iJw sibling XSD on
  the document re-namespaced to iJw (``oracle.sibling_verdict``),
* the expected verdict derived from the spec (cardinalities / facets), for all 28.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from tests.conformance import mutations, oracle

MIN_KINDS = 15


@functools.lru_cache(maxsize=None)
def _results(mt: str) -> tuple[oracle.Comparison, ...]:
    return tuple(
        oracle.compare(case.xml, mt, expected=case.expected, label=f"[{case.kind}] {case.label}")
        for case in mutations.cases(mt)
    )


def _fmt(problems: list[str], limit: int = 15) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return "\n".join(problems[:limit]) + more


@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_enough_mutation_kinds(mt):
    kinds = Counter(c.kind for c in mutations.cases(mt))
    assert len(kinds) >= MIN_KINDS, kinds
    # both outcomes occur: mutations that must stay valid and ones that must be rejected
    assert {c.expected for c in mutations.cases(mt)} == {True, False}


@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_mutations_match_expected_verdict(mt):
    problems = [c.label + ": " + c.expected_problem for c in _results(mt) if c.expected_problem]
    assert not problems, _fmt(problems)


@pytest.mark.parametrize("mt", oracle.MESSAGE_TYPES)
def test_mutations_same_verdict_as_official(mt):
    oracle.require_official()
    results = _results(mt)
    if oracle.official_schema(mt) is not None:
        problems = [c.label + ": " + c.official_problem for c in results if c.official_problem]
        assert not problems, _fmt(problems)
        assert all(c.official_ok is not None for c in results)
    else:
        problems = [c.label + ": " + c.sibling_problem for c in results if c.sibling_problem]
        assert not problems, _fmt(problems)
        applicable = sum(c.sibling_ok is not None for c in results)
        # the sibling check applies to (nearly) every case; only documents that contain an
        # element that exists in the iJw variant only are excluded
        assert applicable >= 0.95 * len(results), (applicable, len(results))
