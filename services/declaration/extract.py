"""Read a schema-valid 323 into plain objects, fast.

The kernel has parsed and validated the message, so the element order inside a Prestatie is the XSD's
sequence; the prestaties are read by position (a 10,000-prestatie declaratie in a few tens of
milliseconds) instead of one XPath per field. Comments and processing instructions, the only other nodes
the XSD allows, never reach this tree: the kernel's safe parser drops them.

A big 323 reaches this module in parts (services.common.xml.parts: the Clienten cut into ~1 MiB documents,
each parsed and validated on its own): `read_part` turns one part into plain objects and keeps no element,
so each part's tree is freed as soon as it is read; the 325 finds the few elements it copies again through
`client_element` (part, position).
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from lxml import etree

from services.common.xml.parts import Parts

from .domain import ClientIn, DeclaratieIn, PrestatieIn

if TYPE_CHECKING:
    from services.common.pipeline import Inbound


def extract(msg: Inbound) -> DeclaratieIn:
    """The declaratie: its own fields from the message root, its clients from the parts the kernel read
    (`read_part`, one part for all but the biggest messages)."""
    mtype = msg.mtype
    m = mtype.namespace
    decl_el = msg.root.find(f"{{{m}}}Declaratie")
    assert decl_el is not None and msg.parts is not None  # guaranteed by the XSD and by reads_in_parts
    # Declaratie: DeclaratieNummer, DeclaratiePeriode, DeclaratieDagtekening, TotaalIngediendBedrag, Clienten
    nummer_el, periode_el, dagtekening_el, totaal_el, _ = decl_el
    dates = _DateCache()
    decl = DeclaratieIn(
        mtype=mtype,
        domein=mtype.domain,
        gemeente=msg.recipient,
        aanbieder=msg.sender,
        nummer=(nummer_el.text or "").strip(),
        periode_begin=dates(periode_el[0].text),
        periode_eind=dates(periode_el[1].text),
        dagtekening=dates(dagtekening_el.text),
        bericht_dagtekening=msg.header.dagtekening,
        totaal_abs=int(totaal_el[0].text or 0),
        totaal_dc=(totaal_el[1].text or "D").strip(),
    )
    for clients in msg.parts.take():
        decl.clients.extend(clients)
        for client in clients:
            decl.prestaties.extend(client.prestaties)
    return decl


def read_part(root: etree._Element, part: int) -> list[ClientIn]:
    """The clients and prestaties of one schema-valid part, as plain objects (no elements kept: they would
    keep the part's tree alive; `element_of` finds them again for the 325)."""
    clienten_el = root[1][4]  # Bericht: Header, Declaratie; Declaratie: ..., Clienten (XSD sequence)
    dates = _DateCache()
    share = {}.setdefault  # one str object per distinct categorie/code/eenheid/DebetCredit
    clients: list[ClientIn] = []
    for pos, client_el in enumerate(clienten_el):
        bsn_el, prestaties_el = client_el
        client = ClientIn(part, pos, (bsn_el.text or "").strip())
        clients.append(client)
        client.prestaties.extend(_prestatie(i, p_el, client, dates, share) for i, p_el in enumerate(prestaties_el))
    return clients


def client_element(parts: Parts, client: ClientIn) -> etree._Element:
    return parts.root(client.part)[1][4][client.pos]  # type: ignore[no-any-return]


def prestatie_element(client_el: etree._Element, prestatie: PrestatieIn) -> etree._Element:
    return client_el[1][prestatie.pos]  # type: ignore[no-any-return]


def _prestatie(pos: int, p_el: etree._Element, client: ClientIn, dates: _DateCache, share: Any) -> PrestatieIn:
    # ProductReferentie, ToewijzingNummer, ProductCategorie, ProductCode, ProductPeriode, GeleverdVolume,
    # Eenheid, ProductTarief?, IngediendBedrag
    c = p_el[:]
    ref_el = c[0]
    periode = c[4]
    if len(c) == 9:
        tarief: int | None = int(c[7].text)  # type: ignore[arg-type]
        bedrag_el = c[8]
    else:
        tarief = None
        bedrag_el = c[7]
    amount = int(bedrag_el[0].text)  # type: ignore[arg-type]
    dc = bedrag_el[1].text
    cat, code, eenheid = c[2].text, c[3].text, c[6].text
    return PrestatieIn(
        pos,
        client,
        ref_el[0].text,
        ref_el[1].text if len(ref_el) > 1 else None,
        int(c[1].text),  # type: ignore[arg-type]
        share(cat, cat),
        share(code, code),
        dates(periode[0].text),
        dates(periode[1].text),
        int(c[5].text),  # type: ignore[arg-type]
        share(eenheid, eenheid),
        tarief,
        amount,
        share(dc, dc),
    )


class _DateCache(dict):  # type: ignore[type-arg]
    """The same few dates repeat thousands of times in a declaratie: parse each once."""

    def __call__(self, text: str | None) -> date:
        value = self.get(text)
        if value is None:
            value = self[text] = date.fromisoformat((text or "").strip())
        return value  # type: ignore[no-any-return]
