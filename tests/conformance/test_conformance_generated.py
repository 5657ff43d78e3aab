"""(b) Messages the kernel itself generates: every retour (302/306/308/316/318/320) and every 325 shape,
built from full and minimal samples of their heen-messages, must be valid in the project schema and get
the same verdict from the official XSD (or, for the iWmo retours, from the official iJw sibling)."""
from __future__ import annotations

import pytest
from lxml import etree

from services.common.messages.antwoord import DeclaratieAntwoordBuilder, RejectedClient, all_prestaties_not_judged
from services.common.messages.retour import RetourBuilder
from services.common.messages.types import MESSAGE_TYPES, by_code

from tests.conformance import oracle, samples

HEEN_WITH_RETOUR = sorted(m.code for m in MESSAGE_TYPES.values() if m.retour and m.number != "323")
DECLARATIES = ["JW323", "WMO323"]


def _check(root: etree._Element, code: str, label: str) -> None:
    result = oracle.compare(root, code, expected=True, label=label)
    assert not result.problems, result.problems
    assert result.project_ok, result.errors


@pytest.mark.parametrize("variant", ["full", "minimal"])
@pytest.mark.parametrize("heen", HEEN_WITH_RETOUR)
def test_generated_retours_conform(heen: str, variant: str) -> None:
    mtype = by_code(heen)
    root, _ = samples.build(heen, variant)
    builder = RetourBuilder(mtype, root)
    retour = mtype.retour or ""
    _check(builder.header_only(), retour, f"{variant} approved")
    _check(builder.technical_rejection("1.0.0"), retour, f"{variant} 0001")
    _check(builder.header_only(["9056", "8848"]), retour, f"{variant} header codes")
    every_class = {el: ["9063", "0200"] for el in root.iter() if etree.QName(el).localname in by_code(retour).retour_classes}
    _check(builder.with_classes(every_class), retour, f"{variant} every class coded")
    _check(builder.with_classes({}, default="0233"), retour, f"{variant} not judged")


@pytest.mark.parametrize("variant", ["full", "minimal"])
@pytest.mark.parametrize("heen", DECLARATIES)
def test_generated_declaratie_antwoorden_conform(heen: str, variant: str) -> None:
    mtype = by_code(heen)
    root, _ = samples.build(heen, variant)
    builder = DeclaratieAntwoordBuilder(mtype, root)
    antwoord = mtype.retour or ""
    _check(builder.header_only(["0001"], xslt_versie="1.0.0"), antwoord, f"{variant} 0001")
    _check(builder.answer(ingediend_cents=12345, toegekend_cents=12345), antwoord, f"{variant} 8001")
    _check(builder.answer(ingediend_cents=-500, toegekend_cents=0, antwoord_codes=["9333"]), antwoord,
           f"{variant} declaratie rejected (credit)")
    ns = mtype.namespace
    clients = root.findall(f"{{{ns}}}Declaratie/{{{ns}}}Clienten/{{{ns}}}Client")
    rejected = [RejectedClient(c, ["0200"], {p: ["9321", "0611"] for p in
                                             c.findall(f"{{{ns}}}Prestaties/{{{ns}}}Prestatie")}) for c in clients]
    _check(builder.answer(ingediend_cents=1000, toegekend_cents=0, rejected=rejected), antwoord, f"{variant} prestaties")
    not_judged = [RejectedClient(c, ["8187"], dict(all_prestaties_not_judged(c, mtype))) for c in clients]
    _check(builder.answer(ingediend_cents=1000, toegekend_cents=0, rejected=not_judged), antwoord, f"{variant} 0233")


def _classes_with_retourcodes(code: str) -> set[str]:
    """Complex types in the project's retour XSD that carry RetourCodes, i.e. the berichtklassen."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    doc = etree.parse(str(oracle.project_xsd_path(code)))
    found = set()
    for ctype in doc.iter(f"{xs}complexType"):
        names = {el.get("name") for el in ctype.iter(f"{xs}element")}
        if "RetourCodes" in names and ctype.get("name") not in ("Header", "Root"):
            found.add(ctype.get("name"))
    return found


@pytest.mark.parametrize("code", sorted(m.code for m in MESSAGE_TYPES.values() if m.retour_classes))
def test_kernel_retour_classes_match_the_schema(code: str) -> None:
    expected = _classes_with_retourcodes(code)
    kernel = set(by_code(code).retour_classes)
    if code == "WMO320":  # iWmo's 319/320 have no Woonplaatsbeginsel element (iJw only)
        kernel.discard("Woonplaatsbeginsel")
    assert kernel == expected
