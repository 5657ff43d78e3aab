"""Pure helpers, no processes: dates, BSN, rule configuration, the stand-in's field filter."""
from __future__ import annotations

from datetime import date

import pytest

from services.eligibility.bsn import bsn_hash, is_valid_bsn
from services.eligibility.config import RuleBook
from services.eligibility.rules import age_on, day_of_age


def test_age_and_birthdays() -> None:
    assert age_on(date(2008, 4, 1), date(2026, 3, 31)) == 17
    assert age_on(date(2008, 4, 1), date(2026, 4, 1)) == 18
    assert day_of_age(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert day_of_age(date(2008, 2, 29), 20) == date(2028, 2, 29)


def test_bsn_pattern_before_elfproef() -> None:
    assert is_valid_bsn("999900006")
    assert not is_valid_bsn("40645678")  # stdnum alone would pad it to 9 digits and accept it
    assert not is_valid_bsn("999900007")
    assert not is_valid_bsn(" 99990000")
    assert bsn_hash("k", "999900006") != bsn_hash("other", "999900006")
    assert "999900006" not in bsn_hash("k", "999900006")


def test_rulebook_merges_per_gemeente_and_refuses_nonsense() -> None:
    book = RuleBook({"standaard": {"verwijzing": {"geldigheidDagen": {"02": 365}}},
                     "gemeenten": {"0141": {"verwijzing": {"geldigheidDagen": {"02": 90}}}}})
    assert book.for_gemeente("0141").verwijzing.geldigheidDagen == {"02": 90}
    assert book.for_gemeente("0153").verwijzing.geldigheidDagen == {"02": 365}
    assert book.for_gemeente("0141").jeugd.leeftijdsgrens == 18
    with pytest.raises(ValueError):
        RuleBook({"gemeenten": {"Almelo": {}}})
    with pytest.raises(ValueError):
        RuleBook({"standaard": {"verwijzing": {"toegestaneTypen": {"jeugd": ["07"]}}}})
    with pytest.raises(ValueError):
        RuleBook({"standaard": {"jeugd": {"leeftijdsgrns": 18}}})


def test_shipped_rulebook_loads() -> None:
    from services.eligibility.settings import PACKAGE_DIR

    book = RuleBook.from_file(PACKAGE_DIR / "regels.yaml")
    assert book.for_gemeente("1640").jeugd.signaalOvergangWmoVanaf == 16


def test_standin_fixture_persons_are_valid_test_bsns() -> None:
    from services.eligibility.brp.standin import FIXTURE, State

    state = State()
    state.load(FIXTURE)
    assert len(state.persons) >= 15
    assert all(is_valid_bsn(b) and "999900006" <= b <= "999999990" for b in state.persons)
