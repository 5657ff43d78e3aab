"""The running totals per toewijzing (`verbruik`, read by TR322 and TR369) equal the SUM over the prestaties
they stand for: the approved debets that no approved credit cancelled."""
from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from services.common.devstack import Stack

from .conftest import World, new_ref

_SUMS = ("SELECT gemeente, domein, toewijzing_nummer, SUM(volume_norm), SUM(bedrag_cents) FROM prestatie "
         "WHERE goedgekeurd AND debet AND NOT gecrediteerd GROUP BY gemeente, domein, toewijzing_nummer")
# a toewijzing whose debets were all credited keeps a row of zeros; the SUM has no row for it
_TOTALS = ("SELECT gemeente, domein, toewijzing_nummer, volume_norm, bedrag_cents FROM verbruik "
           "WHERE volume_norm <> 0 OR bedrag_cents <> 0")


def _rows(stack: Stack, sql: str) -> set[tuple[Any, ...]]:
    if stack.database_url:
        engine = create_engine(stack.database_url)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'SET search_path TO "{stack.schema_prefix}declaration"'))
                return {tuple(int(v) if isinstance(v, int) else v for v in r) for r in conn.execute(text(sql))}
        finally:
            engine.dispose()
    conn = sqlite3.connect(stack.base_dir / "declaration.db")
    try:
        return {tuple(r) for r in conn.execute(sql)}
    finally:
        conn.close()


def test_a_correction_round_moves_the_running_totals(world: World, stack: Stack) -> None:
    case = world.case(months=3, volume=10, frequentie="6")
    original = case.prestatie(0, volume=8)
    assert case.post(0, original).antwoord_codes == ["8001"]
    [(_, _, nummer, volume, amount)] = [r for r in _rows(stack, _TOTALS) if r[2] == case.nummer]
    assert (volume, amount) == (8 * 60, 8 * case.tarief)
    # the credit takes the 8 hours back, the replacing debet adds 9: 9 hours used
    assert case.post(1, original.credit_of(new_ref()), case.prestatie(0, volume=9)).antwoord_codes == ["8001"]
    assert [r[3:] for r in _rows(stack, _TOTALS) if r[2] == nummer] == [(9 * 60, 9 * case.tarief)]
    # 2 more hours would exceed the 10 (TR322): refused, and the totals stay
    too_much = case.prestatie(1, volume=2)
    assert case.post(1, too_much).prestatie_codes() == {too_much.ref: ["9322"]}
    assert [r[3:] for r in _rows(stack, _TOTALS) if r[2] == nummer] == [(9 * 60, 9 * case.tarief)]


@pytest.mark.last
def test_the_running_totals_equal_the_prestaties_after_the_whole_session(stack: Stack) -> None:
    totals, sums = _rows(stack, _TOTALS), _rows(stack, _SUMS)
    assert sums, "nothing judged and approved in this session: is this test running last?"
    assert totals == sums


def test_add_usage_loses_nothing_when_told_a_row_exists_that_does_not(stack: Stack) -> None:
    """add_usage updates the toewijzingen `usage` found a row for and inserts the others; should a row it was
    told about be missing, the amount is inserted all the same, and a row it was not told about is added to."""
    from services.common.db import Database
    from services.declaration import store

    db = Database(stack.settings("declaration"))
    gemeente, domein = "0999", "jeugd"  # no test declares for this gemeente
    try:
        with db.transaction() as session:
            store.add_usage(session, gemeente, domein, {901: (60, 100)})  # a row for 901
        with db.transaction() as session:
            # told that 901 and 902 have a row (902 has none); 903 is new
            store.add_usage(session, gemeente, domein, {901: (30, 50), 902: (10, 20), 903: (1, 2)},
                            existing={901, 902})
        with db.transaction() as session:
            store.add_usage(session, gemeente, domein, {903: (1, 2)})  # not told that 903 exists
        with db.transaction() as session:
            volume, amount = store.usage(session, gemeente, domein, [901, 902, 903])
    finally:
        with db.transaction() as session:  # rows without prestaties would spoil the session-wide comparison
            session.execute(text("DELETE FROM verbruik WHERE gemeente = :g"), {"g": gemeente})
        db.engine.dispose()
    assert volume == {901: 90, 902: 10, 903: 2}
    assert amount == {901: 150, 902: 20, 903: 4}
