"""TR378 (externe bron, S300): the Ontvanger of a 305/307/315/317 is a gemeentecode from the CBS overview.

The platform only takes messages for gemeenten connected to it, and the demo gemeenten all have CBS codes; so
this module starts its own allocation service with a parties file that also connects a gemeente under a code
that is not in the overview (a misconfiguration, or a gemeente gone in a herindeling and not added to the list).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import yaml

from services.common.clock import today_nl
from services.common.devstack import Stack
from services.common.migrate import upgrade
from services.common.settings import REPO_ROOT
from tests.builders.allocation import Aanvraag, Client, Regel, TeWijzigen, new_ref, start, stop, vot, vow
from tests.conftest import database_url
from tests.support import DEMO_AANBIEDER, DEMO_GEMEENTE, api, header_codes, next_bsn, parse_xml

GEEN_CBS_GEMEENTE = "0999"  # four digits, but no gemeente in the CBS indeling
TODAY = today_nl()


@pytest.fixture(scope="module")
def allocation_met_onbekende_gemeente(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    base = tmp_path_factory.mktemp("tr378")
    parties = yaml.safe_load((REPO_ROOT / "deploy" / "demo" / "parties.yaml").read_text(encoding="utf-8"))
    parties["parties"].append({"code": GEEN_CBS_GEMEENTE, "kind": "gemeente", "name": "Niet in het CBS-overzicht",
                               "tokens": []})
    parties_file = base / "parties.yaml"
    parties_file.write_text(yaml.safe_dump(parties), encoding="utf-8")
    st = Stack(base_dir=base, database_url=database_url(), extra_env={"PARTIES_FILE": str(parties_file)})
    try:
        upgrade("allocation", st.settings("allocation"))
        st.start(("allocation",))
        yield st
    finally:
        st.stop()
        st.drop_schemas()


def _305(gemeente: str, bsn: str) -> bytes:
    return start(DEMO_AANBIEDER, gemeente, Client(bsn), [Regel(1, TODAY)])


def _307(gemeente: str, bsn: str) -> bytes:
    return stop(DEMO_AANBIEDER, gemeente, Client(bsn), [Regel(1, TODAY - timedelta(days=5), einddatum=TODAY)])


def _315(gemeente: str, bsn: str) -> bytes:
    aanvraag = Aanvraag(new_ref(), "45", "45A03", TODAY + timedelta(days=7), TODAY + timedelta(days=90),
                        omvang=(4, "04", "2"))
    return vot(DEMO_AANBIEDER, gemeente, Client(bsn), [aanvraag])


def _317(gemeente: str, bsn: str) -> bytes:
    return vow(DEMO_AANBIEDER, gemeente, bsn, new_ref("VOW"),
               te_wijzigen=[TeWijzigen(1, TODAY + timedelta(days=7), TODAY + timedelta(days=90), (4, "04", "2"))])


@pytest.mark.parametrize("bericht", [_305, _307, _315, _317], ids=["305", "307", "315", "317"])
def test_TR378_ontvanger_outside_the_cbs_overview_gets_S300(allocation_met_onbekende_gemeente: Stack,
                                                             bericht: Callable[[str, str], bytes]) -> None:
    aanbieder = api(allocation_met_onbekende_gemeente, "allocation", DEMO_AANBIEDER)
    resp = aanbieder.post_xml(bericht(GEEN_CBS_GEMEENTE, next_bsn()))
    assert resp.status_code == 200, resp.text
    root = parse_xml(resp.content)
    assert header_codes(root) == ["S300"] and root.find("{*}Client") is None  # header-only retour (IV028)
    assert resp.headers["Afkeur-Regels"] == "TR378" and resp.headers["Berichten-Oordeel"] == "verworpen"
    # the same message to a gemeente in the overview passes the header (whatever its classes get)
    resp = aanbieder.post_xml(bericht(DEMO_GEMEENTE, next_bsn()))
    assert resp.status_code == 200, resp.text
    assert "S300" not in header_codes(parse_xml(resp.content))
    assert "TR378" not in resp.headers.get("Afkeur-Regels", "")
