"""Conformance suite: project XSDs (schemas/) vs the official iJw/iWmo 3.2 XSDs.

Official set: $OFFICIAL_STANDARDS_DIR or <repo>/../shared/standards; tests that need it
skip with a clear reason when it is absent. A summary of the number of compared cases
per message type is printed at the end of the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from tests.conformance import oracle  # noqa: E402


def pytest_report_header(config):
    state = "present" if oracle.official_available() else "ABSENT (oracle tests skip)"
    return f"conformance: official standards at {oracle.OFFICIAL_DIR}: {state}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = oracle.STATS
    if not stats:
        return
    tr = terminalreporter
    tr.section("iJw/iWmo 3.2 conformance")
    tr.write_line(f"{'type':<8}{'cases':>8}{'official':>10}{'sibling':>9}{'expected':>10}{'disagree':>10}")
    total = dict(cases=0, official=0, sibling=0, expected=0, disagreements=0)
    for mt in oracle.MESSAGE_TYPES:
        s = stats.get(mt)
        if not s:
            continue
        for k in total:
            total[k] += s[k]
        tr.write_line(
            f"{mt:<8}{s['cases']:>8}{s['official']:>10}{s['sibling']:>9}{s['expected']:>10}{s['disagreements']:>10}"
        )
    tr.write_line(
        "(official: compared with the official XSD; sibling: iWmo document re-namespaced and checked "
        "with the official iJw XSD; expected: compared with the verdict derived from the spec's "
        "cardinalities/facets)"
    )
    n_types = sum(1 for mt in oracle.MESSAGE_TYPES if mt in stats)
    tr.write_line(
        f"conformance: {n_types} message types, {total['cases']} cases compared "
        f"({total['official']} with the official XSD, {total['sibling']} with the iJw sibling, "
        f"{total['expected']} with the expected verdict), {total['disagreements']} disagreements"
    )
    for line in oracle.DISAGREEMENTS[:20]:
        tr.write_line(f"  disagreement: {line}")
