"""services.common.xml.parts: where a big message is cut, and when it is not cut at all."""
from __future__ import annotations

from lxml import etree

from services.common.xml.parts import split
from tests.builders.declaration import Declaratie, Prestatie
from datetime import date


def _declaratie(n_clients: int, compact: bool = False) -> bytes:
    d = Declaratie(afzender="11110001", ontvanger="0141", periode=(2024, 3), compact=compact)
    for i in range(n_clients):
        d.add(f"{999_900_006 + i}", Prestatie(ref=f"R{i:09d}", toewijzing=1000 + i, categorie="45", code="45A48",
                                              begin=date(2024, 3, 1), eind=date(2024, 3, 31), volume=60,
                                              eenheid="01", tarief=130))
    return d.to_bytes()


def _clienten(body: bytes) -> bytes:
    start = body.index(b"<jw323:Clienten>") + len(b"<jw323:Clienten>")
    return body[start:body.index(b"</jw323:Clienten>")]


def test_parts_are_the_clienten_cut_at_client_boundaries_in_one_envelope() -> None:
    body = _declaratie(600)
    cut = split(body, "Clienten", "Client", 64 * 1024)
    assert cut is not None and len(cut) >= 4
    # together the parts are exactly the original list, each part ends on a whole Client
    assert b"".join(body[a:b] for a, b in cut.ranges) == _clienten(body)
    counts = []
    for k in range(len(cut)):
        root = etree.fromstring(cut.document(k))
        clienten = root.find("{*}Declaratie/{*}Clienten")
        counts.append(len(clienten))
        assert root.find("{*}Header/{*}Afzender").text == "11110001"  # the same envelope every time
    assert sum(counts) == 600
    # about the asked size (the last one may be up to 1.5 times it)
    assert all(b - a < 64 * 1024 * 3 // 2 + 2048 for a, b in cut.ranges)


def test_a_message_that_fits_in_one_part_is_not_cut() -> None:
    body = _declaratie(20)
    assert split(body, "Clienten", "Client", 64 * 1024) is None


def test_a_clienten_tag_with_attributes_is_not_cut() -> None:
    """A namespace declaration on Clienten would have to be carried into every part: not cut, read whole."""
    body = _declaratie(600).replace(b"<jw323:Clienten>", b'<jw323:Clienten xmlns:x="urn:x">', 1)
    assert split(body, "Clienten", "Client", 64 * 1024) is None


def test_a_second_clienten_end_tag_is_not_cut() -> None:
    body = _declaratie(600)
    body = body.replace(b"</jw323:Bericht>", b"<!-- </jw323:Clienten> --></jw323:Bericht>")
    assert split(body, "Clienten", "Client", 64 * 1024) is None


def test_a_cut_inside_a_comment_gives_a_part_that_does_not_parse() -> None:
    """The reason a raw-text cut is safe: a cut inside a comment leaves it open, so that part fails to parse
    and the kernel reads the whole document instead (tests/declaration/test_parts.py shows the answer)."""
    body = _declaratie(600).replace(b"</jw323:Prestaties></jw323:Client>",
                                    b"</jw323:Prestaties><!-- </jw323:Client> --></jw323:Client>")
    cut = split(body, "Clienten", "Client", 64 * 1024)
    assert cut is not None
    broken = 0
    for k in range(len(cut)):
        try:
            etree.fromstring(cut.document(k))
        except etree.XMLSyntaxError:
            broken += 1
    assert broken >= 1


def test_schemas_with_an_identity_constraint_are_never_validated_in_parts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """xs:unique/xs:key span the whole document: an operator's schema set that has one is read whole."""
    import shutil

    from services.common.messages.types import by_code
    from services.common.settings import REPO_ROOT
    from services.common.xml.schemas import SchemaRegistry

    jw323 = by_code("JW323")
    assert not SchemaRegistry(REPO_ROOT / "schemas").has_identity_constraints(jw323)
    folder = tmp_path / "ijw" / "3.2"
    shutil.copytree(REPO_ROOT / "schemas" / "ijw" / "3.2", folder)
    xsd = folder / "JW323.xsd"
    text = xsd.read_text(encoding="utf-8")
    marker = '<xs:element name="Client" type="jw323:Client" maxOccurs="unbounded"/>'
    assert marker in text
    xsd.write_text(text.replace(marker, marker.replace("/>", '><xs:unique name="u"><xs:selector xpath="."/>'
                                                               '<xs:field xpath="jw323:Bsn"/></xs:unique>'
                                                               '</xs:element>')), encoding="utf-8")
    assert SchemaRegistry(tmp_path).has_identity_constraints(jw323)


def test_the_official_schemas_allow_validation_in_parts(official_dir) -> None:  # type: ignore[no-untyped-def]
    from services.common.messages.types import by_code
    from services.common.xml.schemas import SchemaRegistry

    registry = SchemaRegistry(official_dir / "xsd")
    for code in ("JW323", "WMO323"):
        assert registry.path_for(by_code(code)).exists()
        assert not registry.has_identity_constraints(by_code(code))
