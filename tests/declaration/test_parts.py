"""A big declaratie is read in parts (services.common.xml.parts; the test platform cuts at 64 KiB instead of
1 MiB): the answers are those of the whole document, wherever a rejection or a schema error falls."""
from __future__ import annotations

import json

from lxml import etree

from services.common.devstack import Stack
from services.common.settings import REPO_ROOT
from tests.builders.declaration import Declaratie, batch
from tests.support import parse_xml

from .conftest import World
from .test_robustness import count_declaraties, load_batch

N = 400  # ~340 KB written out: six parts of 64 KiB


def _declaratie(world: World) -> Declaratie:
    (y, m), = world.months(1)
    toewijzingen, _ = load_batch(world, N, y, m)
    return batch(toewijzingen, afzender=world.aanbieder, ontvanger=world.gemeente, year=y, month=m, compact=False)


def _parts_of(stack: Stack, declaratie_id: str) -> int:
    for line in stack.log_lines():
        if '"declaratie_beoordeeld"' in line and declaratie_id in line:
            return int(json.loads(line[line.index("{"):])["delen"])
    raise AssertionError("no declaratie_beoordeeld line for " + declaratie_id)


def test_rejections_in_the_first_middle_and_last_part_are_named_in_the_325(world: World, stack: Stack) -> None:
    d = _declaratie(world)
    broken = [0, N // 2, N - 1]
    for k in broken:
        d.clients[k][1][0].bedrag = 1  # TR346: bedrag is not volume × tarief
    resp = world.declaration(world.aanbieder).post_xml(d.to_bytes())
    assert resp.status_code == 200, resp.text[:500]
    assert _parts_of(stack, resp.headers["Declaratie-Id"]) >= 4
    root = parse_xml(resp.content)
    named = {
        p.findtext("{*}ProductReferentie/{*}ReferentieNummer"): [c.text for c in p.findall("{*}RetourCodes/{*}RetourCode")]
        for p in root.iterfind("{*}DeclaratieAntwoord/{*}Clienten/{*}Client/{*}Prestaties/{*}Prestatie")}
    assert named == {d.clients[k][1][0].ref: ["9346"] for k in broken}
    # each named prestatie is the one of that client: its Bsn sits next to it
    for client in root.iterfind("{*}DeclaratieAntwoord/{*}Clienten/{*}Client"):
        ref = client.findtext("{*}Prestaties/{*}Prestatie/{*}ProductReferentie/{*}ReferentieNummer")
        assert client.findtext("{*}Bsn") == next(bsn for bsn, ps in d.clients if ps[0].ref == ref)
    toegekend = int(root.findtext("{*}DeclaratieAntwoord/{*}TotaalToegekendBedrag/{*}TotaalBedrag"))
    assert toegekend == sum(p.amount() for i, (_, ps) in enumerate(d.clients) for p in ps if i not in broken)


def test_a_schema_error_in_a_late_part_is_reported_as_for_the_whole_document(world: World) -> None:
    d = _declaratie(world)
    body = d.to_bytes()
    last = d.clients[-2][1][0]
    wrong = body.replace(f"{last.ref}</ijw:ReferentieNummer>".encode(),
                         f"{last.ref}</ijw:ReferentieNummer><ijw:Extra/>".encode())
    assert wrong != body
    body = wrong
    resp = world.declaration(world.aanbieder).post_xml(body)
    assert resp.status_code == 400 and resp.json()["code"] == "xsd-validatie"
    schema = etree.XMLSchema(etree.parse(str(REPO_ROOT / "schemas" / "ijw" / "3.2" / "JW323.xsd")))
    assert not schema.validate(etree.fromstring(body))
    expected_line = schema.error_log[0].line
    assert expected_line > 300  # in the last part, not the first
    assert resp.json()["invalidParams"][0]["reason"].startswith(f"regel {expected_line}:")
    assert count_declaraties(world, d.nummer) == 0


def test_a_cut_that_would_fall_inside_a_comment_reads_the_whole_document(world: World, stack: Stack) -> None:
    """A comment holding a Client end tag in every client: the raw-text cut lands inside one, that part does
    not parse, and the kernel reads the message whole: the same judgement, every prestatie stored."""
    d = _declaratie(world)
    body = d.to_bytes().replace(b"</jw323:Prestaties></jw323:Client>",
                                b"</jw323:Prestaties><!-- </jw323:Client> --></jw323:Client>")
    resp = world.declaration(world.aanbieder).post_xml(body)
    assert resp.status_code == 200, resp.text[:500]
    assert [c.text for c in parse_xml(resp.content).findall("{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode")] == ["8001"]
    assert _parts_of(stack, resp.headers["Declaratie-Id"]) == 1
    decl = world.declaration(world.gemeente).get("/v1/declaraties", params={"declaratieNummer": d.nummer}).json()
    assert decl["results"][0]["aantalPrestaties"] == N
