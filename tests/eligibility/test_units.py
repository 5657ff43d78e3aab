"""Pure helpers, no processes: dates, BSN, rule configuration, the stand-in's field filter."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


def test_rulebook_extension_grounds_per_gemeente() -> None:
    from services.eligibility.rules import Facts, Question, evaluate

    book = RuleBook({"gemeenten": {"0141": {"jeugd": {"verlengingGronden": {"adolescentenstrafrecht": None}}}}})
    assert book.for_gemeente("0141").jeugd.verlengingGronden["adolescentenstrafrecht"] is None
    assert book.for_gemeente("0141").jeugd.verlengingGronden["pleegzorg"] == 21  # the rest merges in
    assert book.for_gemeente("0153").jeugd.verlengingGronden["adolescentenstrafrecht"] == 23
    with pytest.raises(ValueError):
        RuleBook({"standaard": {"jeugd": {"verlengingGronden": {"rechter": 23}}}})
    with pytest.raises(ValueError):
        RuleBook({"standaard": {"jeugd": {"verlengingGronden": {"pleegzorg": 40}}}})
    with pytest.raises(ValueError):  # the old keys are gone: a stale file fails at start-up, not silently
        RuleBook({"standaard": {"jeugd": {"rechterTotLeeftijd": 23}}})

    from services.eligibility.brp.client import Person

    def outcome(gemeente: str):  # type: ignore[no-untyped-def]
        person = Person(bsn="999900006", geboortedatum=date(2006, 1, 10), gemeente_van_inschrijving=gemeente)
        q = Question(bsn=person.bsn, peildatum=date(2026, 4, 1), gemeente=gemeente, domein="jeugd",
                     verlenging=True, verlenging_grond="adolescentenstrafrecht")
        return evaluate(q, Facts(person=person, regels=book.for_gemeente(gemeente), vandaag=date(2026, 4, 1)))

    assert outcome("0153").toegestaan  # the default allows the ground
    refused = outcome("0141")  # switched off in this (test) configuration
    assert refused.codes() == ["LEEFTIJDSGRENS"] and "adolescentenstrafrecht" in refused.redenen[0]["omschrijving"]


def test_retry_after_header_forms() -> None:
    from email.utils import format_datetime

    from services.eligibility.brp.client import retry_after_seconds

    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 31


def test_primary_reason_for_a_319() -> None:
    from services.eligibility.reasons import primary_reason, reason

    redenen = [reason("GEEN_CONTRACT", gemeente="0141", aanbieder="1"), reason("LEEFTIJDSGRENS", leeftijd=19),
               reason("VERWIJZER_ONGELDIG"), reason("WOONPLAATSBEGINSEL", gemeente="0153")]
    assert primary_reason(redenen) == {"redenAfwijzingVerzoek": "8", "code": "WOONPLAATSBEGINSEL",
                                       "woonplaatsbeginsel": "0153"}
    assert primary_reason(redenen[:2])["redenAfwijzingVerzoek"] == "9"  # type: ignore[index]
    assert primary_reason([reason("CLIENTENSTOP", gemeente="0141", aanbieder="1"), redenen[0]])["code"] == \
        "GEEN_CONTRACT"  # type: ignore[index]
    assert primary_reason([reason("VERWIJZER_ONGELDIG")]) is None
