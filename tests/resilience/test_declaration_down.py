"""Withdrawing a toewijzing (RedenWijziging 13) needs the declaration service's word that no approved
prestaties hang on it (TR385). While that service is down the gemeente gets a clear 503 with Retry-After and
nothing is withdrawn or sent; once it is back the same request goes through."""
from __future__ import annotations

import httpx

from services.common.devstack import Stack
from tests.support import token_for

from .conftest import issue_toewijzing, wait_until

GEMEENTE, AANBIEDER = "0153", "11110002"  # this test's pair (each resilience test has its own)


def test_withdrawal_waits_for_the_declaration_service(rstack: Stack) -> None:
    _bsn, nummer, _ingang = issue_toewijzing(rstack, GEMEENTE, AANBIEDER, code_prefix="TRV")
    with httpx.Client(base_url=rstack.url("allocation"), timeout=60,
                      headers={"Authorization": f"Bearer {token_for(GEMEENTE)}"}) as gem:
        mailbox_before = gem.get("/v1/berichten", params={"pageSize": 1}).json()["count"]
        rstack.stop(("declaration",))
        try:
            refused = gem.delete(f"/v1/toewijzingen/{nummer}")
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["code"] == "declaraties-onbekend" and refused.headers["Retry-After"]
            assert gem.get(f"/v1/toewijzingen/{nummer}").json()["status"] != "verwijderd"
            assert gem.get("/v1/berichten", params={"pageSize": 1}).json()["count"] == mailbox_before  # no 301
        finally:
            rstack.start(("declaration",))
        gone = wait_until(lambda: (r := gem.delete(f"/v1/toewijzingen/{nummer}")).status_code == 200 and r,
                          timeout=60, what="the withdrawal once the declaration service is back")
        assert gone.json()["toewijzing"]["status"] == "verwijderd"
