"""The log scrubber (services.common.logging): a BSN is removed wherever it stands, an id is kept whole."""
from __future__ import annotations

from services.common.logging import scrub_personal_data


def _scrub(**fields: object) -> dict[str, object]:
    return scrub_personal_data(None, "info", dict(fields))


def test_nine_digits_are_removed_in_any_field_and_nested_value() -> None:
    out = _scrub(event="client 999993653 niet gevonden", extra={"ids": ["x999993653y"]}, bsn="999993653")
    assert out == {"event": "client [bsn] niet gevonden", "extra": {"ids": ["x[bsn]y"]}, "bsn": "[verwijderd]"}


def test_a_uuid_whose_hex_group_holds_nine_digits_is_kept_whole() -> None:
    # the CI run of 2026-12-03 lost the trace of this declaratie: its last group reads c692943885ae
    uuid = "03ce9ef3-867a-4378-9dc3-c692943885ae"
    assert _scrub(declaratie=uuid, event=f"declaratie {uuid} beoordeeld") == {
        "declaratie": uuid, "event": f"declaratie {uuid} beoordeeld"}


def test_a_bsn_next_to_a_uuid_is_still_removed() -> None:
    uuid = "03ce9ef3-867a-4378-9dc3-c692943885ae"
    assert _scrub(event=f"{uuid} 999993653 {uuid}-999993653") == {"event": f"{uuid} [bsn] {uuid}-[bsn]"}
