"""The 325s the service produces: every layering of IV087 validates against the official JW325 XSD (the
iWmo set has no WMO325 XSD; those are checked against the project's schema), and the iWmo flow follows the
same rules in its own namespaces."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from services.common.settings import REPO_ROOT
from tests.support import parse_xml

from .conftest import Answer, World, new_ref, stranger_bsn


@pytest.fixture(scope="module")
def jw325(official_dir: Path) -> etree.XMLSchema:
    path = official_dir / "xsd" / "ijw" / "3.2" / "JW325.xsd"
    if not path.exists():
        pytest.skip(f"official JW325.xsd not found at {path}")
    return etree.XMLSchema(etree.parse(str(path)))


def test_every_kind_of_325_validates_against_the_official_xsd(world: World, jw325: etree.XMLSchema) -> None:
    case = world.case(months=4)
    answers: dict[str, Answer] = {}
    answers["volledig goedgekeurd"] = case.post(0)
    d = world.declaratie(*case.periods[1])
    d.add(case.bsn, case.prestatie(1, toewijzing=case.nummer + 9_000_000))
    case.with_good_prestatie(d, 1)
    answers["prestatie afgekeurd"] = world.post(d)
    d = world.declaratie(*case.periods[2])
    stranger = stranger_bsn()
    d.add(stranger, case.prestatie(2))  # a client without toewijzing: 8187 on Client, 0233 on the prestatie
    answers["client afgekeurd"] = world.post(d)
    d = case.declaratie(3)
    d.nummer = world.declaration(world.aanbieder).get(
        f"/v1/declaraties/{answers['volledig goedgekeurd'].declaratie_id}").json()["declaratieNummer"]
    answers["declaratie afgekeurd (9333)"] = world.post(d)
    d = case.declaratie(3)
    d.totaal = 1
    answers["technisch afgekeurd (0001)"] = world.post(d)
    original = case.prestatie(3, volume=1)
    assert case.post(3, original).toegekend == case.tarief
    for name, a in answers.items():
        assert jw325.validate(a.root), f"{name}: {jw325.error_log}"
    assert answers["client afgekeurd"].client_codes() == {stranger: ["8187"]}
    assert answers["technisch afgekeurd (0001)"].header_codes == ["0001"]


def test_credit_only_declaratie_has_a_credit_total(world: World, jw325: etree.XMLSchema) -> None:
    case = world.case(months=2)
    original = case.prestatie(0, volume=3)
    case.post(0, original)
    a = case.post(1, original.credit_of(new_ref()))
    assert a.ingediend == a.toegekend == -3 * case.tarief
    dc = a.root.find("{*}DeclaratieAntwoord/{*}TotaalToegekendBedrag/{*}DebetCredit").text
    assert dc == "C"
    assert jw325.validate(a.root), jw325.error_log


def test_wmo323_judged_in_the_wmo_namespaces(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="0141", aanbieder="11110002", domein="wmo")
    case = world.case(categorie="02", eenheid="01", tarief=105, volume=240, frequentie="2")
    ok = case.prestatie(volume=600)
    bsn2, nummer2 = case.another_client(eenheid="01", volume=240)
    too_much = case.prestatie(volume=2000, toewijzing=nummer2)  # 240 minutes a week, at most 6 weeks a month
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, ok)
    d.add(bsn2, too_much)
    a = world.post(d)
    assert etree.QName(a.root).namespace == "http://www.istandaarden.nl/iwmo/3_2/wmo325/schema"
    assert a.root.find("{*}Header/{*}BerichtCode").text == "485"
    schema = etree.XMLSchema(etree.parse(str(REPO_ROOT / "schemas" / "iwmo" / "3.2" / "WMO325.xsd")))
    assert schema.validate(a.root), schema.error_log
    assert a.prestatie_codes() == {too_much.ref: ["9321"]}
    assert a.client_codes() == {bsn2: ["0200"]}
    assert a.ingediend == (600 + 2000) * 105 and a.toegekend == 600 * 105


def test_comments_and_processing_instructions_do_not_confuse_reading(world: World) -> None:
    # the prestaties are read by position (the XSD fixes the order); comments and PIs are legal anywhere
    case = world.case()
    good, bad = case.prestatie(volume=2), case.prestatie(volume=1, toewijzing=case.nummer + 9_000_000)
    body = case.declaratie(0, good, bad).to_bytes()
    body = body.replace(b"<jw323:ToewijzingNummer>", b"<!-- opmerking --><?verwerk x?><jw323:ToewijzingNummer>")
    body = body.replace(b"<ijw:Bedrag>", b"<!-- b --><ijw:Bedrag>")
    resp = world.declaration(world.aanbieder).post_xml(body)
    a = Answer(resp, parse_xml(resp.content))
    assert a.prestatie_codes() == {bad.ref: ["9338"]}
    assert a.toegekend == good.amount()
    assert b"opmerking" not in resp.content  # the rejected prestatie is returned without the comment
