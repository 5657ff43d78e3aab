"""Idempotency-Key on POST /v1/toewijzingen (services.common.idempotency): a case system that lost the answer
sends the call again and gets the first answer back, without a second toewijzing or a second 301."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from services.common.idempotency import forget_expired
from services.common.store.models import utcnow

from .conftest import World, new_code


def _post(w: World, key: str, **overrides: object):  # type: ignore[no-untyped-def]
    return w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(**overrides), headers={"Idempotency-Key": key})


def _toewijzingen_of_client(w: World) -> list[dict]:  # type: ignore[type-arg]
    resp = w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn})
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def test_the_same_call_again_answers_as_the_first_and_makes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    key = str(uuid.uuid4())
    first, again = _post(w, key), _post(w, key)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert first.headers.get("Idempotent-Replay") is None and again.headers["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    assert len(_toewijzingen_of_client(w)) == 1
    assert [b["id"] for b in w.nieuwe_berichten(f"{w.prefix}301")].count(first.json()["berichtId"]) == 1
    assert len([b for b in w.nieuwe_berichten(f"{w.prefix}301")]) == 1


def test_without_a_key_the_same_call_is_a_second_request(world) -> None:  # type: ignore[no-untyped-def]
    """The contrast that makes the test above mean something: without the key the repeat is judged anew (here
    TR302, the same product over the same period)."""
    w = world()
    assert w.gem.post("/v1/toewijzingen", json=w.toewijzing_body()).status_code == 201
    again = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body())
    assert again.status_code == 409 and again.json()["code"] == "TR302"


def test_the_same_key_with_other_content_is_422_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    key = str(uuid.uuid4())
    assert _post(w, key).status_code == 201
    other = _post(w, key, omvang={"volume": 8, "eenheid": "04", "frequentie": "2"})
    assert other.status_code == 422, other.text
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["code"] == "idempotency-key-hergebruikt"
    assert len(_toewijzingen_of_client(w)) == 1


def test_the_same_call_sent_four_times_at_once_makes_one_toewijzing(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: _post(w, key), range(4)))
    assert [r.status_code for r in results] == [201] * 4, [r.text for r in results]
    assert len({r.json()["toewijzing"]["toewijzingNummer"] for r in results}) == 1
    assert sum(r.headers.get("Idempotent-Replay") == "true" for r in results) == 3
    assert len(_toewijzingen_of_client(w)) == 1


def test_a_refused_call_is_not_remembered(world) -> None:  # type: ignore[no-untyped-def]
    """A 400 changed nothing: the corrected call with the same key is a new call and makes the toewijzing."""
    w = world()
    key = str(uuid.uuid4())
    bad = _post(w, key, einddatum="2000-01-01")  # before the ingangsdatum
    assert bad.status_code == 400, bad.text
    good = _post(w, key)
    assert good.status_code == 201 and good.headers.get("Idempotent-Replay") is None
    assert len(_toewijzingen_of_client(w)) == 1


def test_keys_are_per_gemeente(world) -> None:  # type: ignore[no-untyped-def]
    a, b = world(gemeente="0141"), world(gemeente="0153")
    key = str(uuid.uuid4())
    ra, rb = _post(a, key), _post(b, key)
    assert ra.status_code == rb.status_code == 201, (ra.text, rb.text)
    assert rb.headers.get("Idempotent-Replay") is None
    assert ra.json()["berichtId"] != rb.json()["berichtId"]


def test_a_malformed_key_is_400(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    resp = _post(w, "twee woorden")
    assert resp.status_code == 400 and resp.headers["content-type"].startswith("application/problem+json")
    assert _toewijzingen_of_client(w) == []


def test_expired_keys_are_forgotten(world, stack) -> None:  # type: ignore[no-untyped-def]
    w = world()
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    assert _post(w, old).status_code == 201
    settings = stack.settings("allocation")
    engine = create_engine(settings.resolved_database_url())
    schema = settings.resolved_schema()
    try:
        with engine.begin() as conn:
            if schema:
                conn.execute(text(f'SET search_path TO "{schema}"'))
            conn.execute(text("UPDATE idempotentie SET created_at = :t WHERE key = :k"),
                         {"t": utcnow().replace(year=utcnow().year - 1), "k": old})
        assert _post(w, new, product={"categorie": w.categorie, "code": w.contract(code=new_code())["code"]}
                     ).status_code == 201
        from sqlalchemy.orm import Session
        with Session(engine.execution_options(schema_translate_map={None: schema}) if schema else engine) as session:
            if schema:
                session.execute(text(f'SET search_path TO "{schema}"'))
            assert forget_expired(session, days=7) >= 1
            session.commit()
            keys = set(session.execute(text("SELECT key FROM idempotentie WHERE party = :p"),
                                       {"p": w.gemeente}).scalars())
        assert old not in keys and new in keys
    finally:
        engine.dispose()


def test_a_change_sent_again_with_its_key_makes_one_301(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    out = w.toewijzing()
    nummer, eind = out["toewijzing"]["toewijzingNummer"], out["toewijzing"]["einddatum"]
    before = len(w.nieuwe_berichten(f"{w.prefix}301"))
    key = str(uuid.uuid4())
    change = {"einddatum": eind[:4] + "-06-30", "redenWijziging": "04"}
    first = w.gem.patch(f"/v1/toewijzingen/{nummer}", json=change, headers={"Idempotency-Key": key})
    again = w.gem.patch(f"/v1/toewijzingen/{nummer}", json=change, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert again.headers["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert len(w.nieuwe_berichten(f"{w.prefix}301")) == before + 1
    # the same key on another toewijzing's URL is another call: 422, nothing changes
    other = w.gem.patch(f"/v1/toewijzingen/{nummer + 1}", json=change, headers={"Idempotency-Key": key})
    assert other.status_code == 422 and other.json()["code"] == "idempotency-key-hergebruikt"
