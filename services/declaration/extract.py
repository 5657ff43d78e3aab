"""Read a schema-valid 323 into plain objects, fast.

The kernel has parsed and validated the message, so the element order inside a Prestatie is the XSD's
sequence; the prestaties are read by position (a 10,000-prestatie declaratie in a few tens of
milliseconds) instead of one XPath per field. Comments and processing instructions, the only other nodes
the XSD allows, never reach this tree: the kernel's safe parser drops them.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from services.common.messages.types import MessageType

from .domain import ClientIn, DeclaratieIn, PrestatieIn


def extract(root: etree._Element, mtype: MessageType, *, sender: str, recipient: str,
            bericht_dagtekening: date) -> DeclaratieIn:
    m = mtype.namespace
    decl_el = root.find(f"{{{m}}}Declaratie")
    assert decl_el is not None  # guaranteed by the XSD
    # Declaratie: DeclaratieNummer, DeclaratiePeriode, DeclaratieDagtekening, TotaalIngediendBedrag, Clienten
    nummer_el, periode_el, dagtekening_el, totaal_el, clienten_el = decl_el
    dates = _DateCache()
    share = {}.setdefault  # one str object per distinct categorie/code/eenheid/DebetCredit
    total_abs = int(totaal_el[0].text or 0)
    total_dc = (totaal_el[1].text or "D").strip()
    decl = DeclaratieIn(
        mtype=mtype,
        domein=mtype.domain,
        gemeente=recipient,
        aanbieder=sender,
        nummer=(nummer_el.text or "").strip(),
        periode_begin=dates(periode_el[0].text),
        periode_eind=dates(periode_el[1].text),
        dagtekening=dates(dagtekening_el.text),
        bericht_dagtekening=bericht_dagtekening,
        totaal_abs=total_abs,
        totaal_dc=total_dc,
    )
    clients = decl.clients
    prestaties = decl.prestaties
    for client_el in clienten_el:
        bsn_el, prestaties_el = client_el
        client = ClientIn(client_el, (bsn_el.text or "").strip())
        clients.append(client)
        for p_el in prestaties_el:
            p = _prestatie(p_el, client, dates, share)
            client.prestaties.append(p)
            prestaties.append(p)
    return decl


def _prestatie(p_el: etree._Element, client: ClientIn, dates: _DateCache, share: Any) -> PrestatieIn:
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
        p_el,
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
