"""Text the API schema allows but the database cannot hold (PostgreSQL refuses a NUL character in a text
field) is bad input: a 400 problem, nothing stored, never a 500 (schemathesis found this one)."""
from __future__ import annotations

import random
import string

from services.common.devstack import Stack
from tests.support import api


def test_a_nul_character_is_refused_or_stored_never_a_500(stack: Stack) -> None:
    code = "N" + "".join(random.choices(string.ascii_uppercase + string.digits, k=4))
    gemeente = api(stack, "eligibility", "0164")
    body = {"gemeente": "0164", "aanbieder": "11110005", "domein": "jeugd", "categorie": "45", "code": code,
            "naam": "Nul\u0000teken", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04", "tarief": 100,
            "geldigVanaf": "2020-01-01"}
    resp = gemeente.post("/v1/contracten", json=body)
    stored = gemeente.get("/v1/contracten", params={"code": code}).json()["count"]
    if stack.database_url:  # PostgreSQL cannot store it: refused, nothing half-written
        assert resp.status_code == 400 and resp.headers["content-type"].startswith("application/problem+json")
        assert resp.json()["code"] == "ongeldige-invoer" and stored == 0
    else:  # SQLite stores text with a NUL as it is
        assert resp.status_code == 201 and stored == 1
