"""Verzoeken of aanbieders (315 VOT, 317 VOW) and the gemeente's answers: a 301 that honours them, or a
319 that refuses them (VerzoekAntwoord 1) or puts them 'in onderzoek' (VerzoekAntwoord 2).

Answer rules for the 319 (TR355/TR359/TR360/TR365) are checked here, before anything is sent: the
answer goes to a verzoek that exists (TR355), not after a 301 honoured it (TR359), 'in onderzoek' only
once (TR360), and after a refusal nothing more (TR365).
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.logging import get_logger
from services.common.messages.types import by_code
from services.common.messages.xmlutil import new_identificatie
from services.common.outbound import store_outbound
from services.common.pipeline import Inbound, Reply, reply_for_outcome
from services.common.problems import Problem
from services.common.rules import Outcome, run_rules
from services.common.store.models import Bericht, new_id

from . import deadlines
from .context import PREFIX, gateway, kalender, vandaag
from .eligibility import EligibilityUnavailable, variant_past
from .messages import ClientIn, build_319, read_vot, read_vow
from .models import Client, Toewijzing, Verzoek
from .rules.extern import bestaande_gemeentecode
from .rules.verzoek import VerzoekContext
from .toewijzingen import (
    ClientGegevens,
    ProductInvoer,
    Resultaat,
    Wijziging,
    bewaar_client,
    client_van,
    controleer_stapeling,
    lock_gemeente,
    maak_toewijzing,
    toewijzingen_van,
    verstuur_301,
    wijzig_toewijzing,
)

if TYPE_CHECKING:
    from services.common.app import ServiceContext

log = get_logger("allocation.verzoeken")

AANVRAAG_IN_ONDERZOEK = "2"
VERZOEK_AFGEWEZEN = "1"
PAST_NIET_BINNEN_CONTRACT = "4"
WOONPLAATSBEGINSEL = "8"  # RedenAfwijzingVerzoek (WJ759)


# ---- receiving --------------------------------------------------------------------------------
def _context(msg: Inbound, session: Session, bericht: Any, client: ClientIn, referenties: list[str]) -> VerzoekContext:
    gemeente, aanbieder, domein = msg.recipient, msg.sender, msg.mtype.domain
    bekend = client_van(session, gemeente, client.bsn)
    toewijzingen: list[Toewijzing] = []
    onderhanden = False
    if bekend is not None:
        toewijzingen = toewijzingen_van(session, gemeente=gemeente, domein=domein, client_id=bekend.id, aanbieder=aanbieder)
        onderhanden = session.scalar(
            select(Verzoek.id).where(Verzoek.client_id == bekend.id, Verzoek.aanbieder == aanbieder,
                                     Verzoek.domein == domein, Verzoek.status.in_(("open", "in_onderzoek"))).limit(1)
        ) is not None
    bekende = set(session.scalars(
        select(Verzoek.referentie_aanbieder).where(Verzoek.aanbieder == aanbieder, Verzoek.domein == domein,
                                                   Verzoek.referentie_aanbieder.in_(referenties))))
    return VerzoekContext(gemeente=gemeente, aanbieder=aanbieder, domein=domein, dagtekening=msg.header.dagtekening,
                          bericht=bericht, client=client, toewijzingen=toewijzingen, onderhanden=onderhanden,
                          bekende_referenties=bekende)


def _client_uit_bericht(c: ClientIn) -> ClientGegevens:
    return ClientGegevens(bsn=c.bsn, geboortedatum=c.geboortedatum or date(1900, 1, 1), geslacht=c.geslacht or "0",
                          achternaam=c.achternaam or "Onbekend", voorvoegsel=c.voorvoegsel, voornamen=c.voornamen,
                          voorletters=c.voorletters, datum_gebruik=c.datum_gebruik)


def _nieuw_verzoek(msg: Inbound, client: Client, *, soort: str, referentie: str, inhoud: dict[str, Any]) -> Verzoek:
    ontvangen = vandaag()
    return Verzoek(
        id=new_id(), soort=soort, gemeente=msg.recipient, domein=msg.mtype.domain, aanbieder=msg.sender, client_id=client.id,
        referentie_aanbieder=referentie, status="open", bericht_id=msg.id, dagtekening=msg.header.dagtekening,
        ontvangen_op=ontvangen, uiterlijk=deadlines.antwoord_verzoek_uiterlijk(kalender(msg.ctx), ontvangen),
        inhoud=inhoud, voorcontrole="wacht",
    )


def ontvang_vot(msg: Inbound, session: Session) -> Reply:
    """315: judge it (316 at once), register one verzoek per accepted AangevraagdProduct."""
    bericht = read_vot(msg.root, msg.mtype)
    ctx = _context(msg, session, bericht, bericht.client, [p.referentie for p in bericht.producten])
    outcome = run_rules(msg.mtype.code, msg.mtype.number,
                        {"Client": [bericht.client], "Bericht": [bericht], "AangevraagdProduct": bericht.producten}, ctx)
    reply = reply_for_outcome(msg, outcome, lambda: _retour_316(msg, outcome, bericht))
    if outcome.technical or outcome.header or outcome.codes_for(bericht.client):
        return reply
    geaccepteerd = [p for p in bericht.producten if not outcome.codes_for(p)]
    if not geaccepteerd:
        return reply
    client = bewaar_client(session, msg.recipient, _client_uit_bericht(bericht.client), bijwerken=False)
    verzoeken = []
    for p in geaccepteerd:
        inhoud = p.inhoud()
        inhoud["gezagsdragerBekend"] = None
        v = _nieuw_verzoek(msg, client, soort="vot", referentie=p.referentie, inhoud=inhoud)
        session.add(v)
        verzoeken.append(v)
    session.flush()
    for v in verzoeken:
        voorcontrole(msg.ctx, session, v)
    return reply


def _retour_316(msg: Inbound, outcome: Outcome, bericht: Any) -> Any:
    codes = {bericht.client.el: outcome.codes_for(bericht.client)}
    for p in bericht.producten:
        codes[p.el] = outcome.codes_for(p)
    return msg.retour_builder().with_classes({k: v for k, v in codes.items() if v})


def ontvang_vow(msg: Inbound, session: Session) -> Reply:
    """317: judge it (318 at once); a VOW is one coherent request (OP308), so any remark refuses all of it."""
    bericht = read_vow(msg.root, msg.mtype)
    v = bericht.verzoek
    ctx = _context(msg, session, bericht, bericht.client, [v.referentie])
    subjects = {"Client": [bericht.client], "Verzoek": [v], "OngewijzigdProduct": v.ongewijzigd,
                "TeWijzigenProduct": v.te_wijzigen, "NieuwProduct": v.nieuw}
    outcome = run_rules(msg.mtype.code, msg.mtype.number, subjects, ctx)

    def classes() -> Any:
        codes: dict[Any, list[str]] = {}
        for group in subjects.values():
            for item in group:
                found = outcome.codes_for(item)
                if found:
                    codes[item.el] = found
        return msg.retour_builder().with_classes(codes)

    reply = reply_for_outcome(msg, outcome, classes)
    if outcome.failures:
        return reply
    client = client_van(session, msg.recipient, bericht.client.bsn)
    if client is None:  # cannot happen after TR351/TR350 passed, but never lose the request
        client = bewaar_client(session, msg.recipient, ClientGegevens(bsn=bericht.client.bsn, geboortedatum=date(1900, 1, 1),
                                                                       achternaam="Onbekend"), bijwerken=False)
    verzoek = _nieuw_verzoek(msg, client, soort="vow", referentie=v.referentie, inhoud=v.inhoud())
    session.add(verzoek)
    session.flush()
    voorcontrole(msg.ctx, session, verzoek)
    return reply


# ---- the contract pre-check (point 4 of the issue) -------------------------------------------
def _aangevraagde_producten(v: Verzoek) -> list[dict[str, Any]]:
    if v.soort == "vot":
        return [v.inhoud]
    return [{**n, "ingangsdatum": n["gewensteIngangsdatum"]} for n in v.inhoud.get("nieuw", [])]


def contract_redenen(ctx: ServiceContext, v: Verzoek) -> list[str] | None:
    """Why the requested products cannot be a toewijzing under the contract (TAAKGERICHT, EENHEID_PAST_NIET);
    [] when they can (or when there is no contract line: then the case worker decides, and eligibility
    says GEEN_CONTRACT on the check); None when the eligibility service cannot answer now."""
    redenen: list[str] = []
    try:
        for p in _aangevraagde_producten(v):
            product = p.get("product") or {}
            if not product.get("categorie"):
                continue  # generiek (budget only): no product line to compare with
            cp = gateway(ctx).contract_product(v.gemeente, v.aanbieder, v.domein, product["categorie"],
                                               product.get("code"), date.fromisoformat(p["ingangsdatum"]))
            if cp is None:
                continue
            if variant_past(cp.uitvoeringsvariant, (p.get("omvang") or {}).get("eenheid")):
                redenen.append("TAAKGERICHT" if cp.uitvoeringsvariant == "taakgericht" else "EENHEID_PAST_NIET")
    except EligibilityUnavailable:
        return None
    return redenen


def voorcontrole(ctx: ServiceContext, session: Session, v: Verzoek, redenen: list[str] | None = None,
                 *, gevraagd: bool = False) -> None:
    """Does the requested product exist as a client-level toewijzing in the contract, with an Omvang that
    fits its uitvoeringsvariant (point 4)? If not, answer at once with a 319 (RedenAfwijzingVerzoek 4).
    When the eligibility service cannot answer, the verzoek keeps `voorcontrole = wacht` and a background
    loop tries again; nothing about the verzoek is lost."""
    if v.status not in ("open", "in_onderzoek") or v.voorcontrole != "wacht":
        return
    if not gevraagd:
        redenen = contract_redenen(ctx, v)
    if redenen is None:
        log.info("voorcontrole_uitgesteld", verzoek=v.id)
        return
    v.voorcontrole_codes = redenen or None
    if not redenen:
        v.voorcontrole = "ok"
        return
    v.voorcontrole = "afgewezen"
    if getattr(ctx.settings, "auto_afwijzen_contract", True):
        beantwoord_met_319(ctx, session, v, VERZOEK_AFGEWEZEN, PAST_NIET_BINNEN_CONTRACT, None, actor="platform")


def voorcontrole_openstaand(ctx: ServiceContext) -> int:
    """Background: retry the contract pre-check of verzoeken that waited on the eligibility service. The
    contract is read before the transaction, so no lock is held while another service is asked."""
    done = 0
    with ctx.db.session() as session:
        wachtend = list(session.scalars(select(Verzoek).where(
            Verzoek.voorcontrole == "wacht", Verzoek.status.in_(("open", "in_onderzoek"))).limit(100)))
    for item in wachtend:
        redenen = contract_redenen(ctx, item)
        if redenen is None:
            return done  # still away: try again next round
        with ctx.db.session() as session, session.begin():
            lock_gemeente(session, item.gemeente)  # answers to verzoeken are serialised per gemeente
            v = session.get(Verzoek, item.id)
            if v is None:
                continue
            voorcontrole(ctx, session, v, redenen, gevraagd=True)
            done += v.voorcontrole != "wacht"
    return done


# ---- answering --------------------------------------------------------------------------------
def _check_antwoord_toegestaan(v: Verzoek, verzoek_antwoord: str) -> None:
    if v.status == "toegewezen":
        raise Problem(409, "TR359", "Op dit verzoek is al een toewijzing gestuurd; een antwoordbericht kan niet meer (TR359).",
                      extra={"regel": "TR359"})
    if v.status == "afgewezen":
        raise Problem(409, "TR365", "Dit verzoek is al afgewezen; er volgt geen ander antwoord meer (TR365).",
                      extra={"regel": "TR365"})
    if verzoek_antwoord == AANVRAAG_IN_ONDERZOEK and v.status == "in_onderzoek":
        raise Problem(409, "TR360", "Dit verzoek staat al 'in onderzoek'; dat antwoord kan maar één keer (TR360).",
                      extra={"regel": "TR360"})


def beantwoord_met_319(
    ctx: ServiceContext, session: Session, v: Verzoek, verzoek_antwoord: str, reden: str | None,
    woonplaats_gemeente: str | None, *, actor: str, request_id: str | None = None,
) -> Bericht:
    _check_antwoord_toegestaan(v, verzoek_antwoord)
    if verzoek_antwoord == VERZOEK_AFGEWEZEN and not reden:
        raise Problem(400, "CD085", "Bij een afwijzing hoort een RedenAfwijzingVerzoek (CD085).")
    if reden == "8" and v.domein == "jeugd" and not woonplaats_gemeente:
        raise Problem(400, "TR377", "Bij afwijzing op het woonplaatsbeginsel hoort de verantwoordelijke gemeente (TR377).",
                      invalid_params=[{"name": "gemeente", "code": "TR377", "reason": "verplicht bij reden 8"}])
    if reden == "8" and v.domein == "jeugd" and not bestaande_gemeentecode(woonplaats_gemeente):
        # TR378: the aanbieder would reject the 319 (S300) for a code outside the CBS overview
        raise Problem(400, "TR378", f"Gemeentecode {woonplaats_gemeente} komt niet voor in het CBS-overzicht van "
                                    "gemeenten (TR378); geef de code van de verantwoordelijke gemeente.",
                      invalid_params=[{"name": "gemeente", "code": "TR378", "reason": "geen bestaande CBS-gemeentecode"}])
    mtype = by_code(f"{PREFIX[v.domein]}319")
    identificatie, dagtekening = new_identificatie(), vandaag()
    root = build_319(mtype, gemeente=v.gemeente, aanbieder=v.aanbieder, identificatie=identificatie,
                     dagtekening=dagtekening, referentie=v.referentie_aanbieder, verzoek_antwoord=verzoek_antwoord,
                     reden=reden if verzoek_antwoord == VERZOEK_AFGEWEZEN else None,
                     woonplaatsbeginsel_gemeente=woonplaats_gemeente, xsd_versie=ctx.settings.xsd_versie)
    # link the 319 to its 315/317; while that message is itself being received (an automatic refusal) its
    # row is written after this handler, so the link lives on the verzoek only
    heen = v.bericht_id if session.get(Bericht, v.bericht_id) is not None else None
    bericht = store_outbound(ctx, session, root=root, mtype=mtype, sender=v.gemeente, recipient=v.aanbieder,
                             identificatie=identificatie, dagtekening=dagtekening, in_reply_to=heen,
                             request_id=request_id)
    v.antwoord_bericht_id = bericht.id
    if verzoek_antwoord == AANVRAAG_IN_ONDERZOEK:
        v.status = "in_onderzoek"
        v.in_onderzoek_op = vandaag()
        v.uiterlijk = deadlines.in_onderzoek_uiterlijk(v.dagtekening)  # OP274/OP346: from the verzoek's dagtekening
    else:
        v.status = "afgewezen"
        v.reden_afwijzing = reden
        v.beantwoord_op = datetime.now(UTC)
    session.flush()
    log.info("verzoek_beantwoord", verzoek=v.id, antwoord=verzoek_antwoord, reden=reden, actor=actor)
    return bericht


def _invoer_vot(inhoud: dict[str, Any]) -> ProductInvoer:
    product = inhoud.get("product") or {}
    omvang = inhoud.get("omvang") or {}
    return ProductInvoer(
        categorie=product.get("categorie"), code=product.get("code"),
        ingangsdatum=date.fromisoformat(inhoud["ingangsdatum"]),
        einddatum=date.fromisoformat(inhoud["einddatum"]) if inhoud.get("einddatum") else None,
        volume=omvang.get("volume"), eenheid=omvang.get("eenheid"), frequentie=omvang.get("frequentie"),
        budget=inhoud.get("budget"), commentaar=inhoud.get("commentaar"))


def honoreer(
    ctx: ServiceContext, session: Session, v: Verzoek, *, actor: str, checks: list[tuple[ProductInvoer, Any]],
    request_id: str | None = None,
) -> Resultaat:
    """Honour a verzoek with a 301 carrying its ReferentieAanbieder (TR379; for a VOW in every ToegewezenProduct,
    IV093). A TeWijzigenProduct with another Omvang ends that toewijzing the day before its GewensteIngangsdatum
    and gets a successor (IV066); from the ingangsdatum that cannot be honoured (409 IV066). `checks` are the
    eligibility answers the caller got (per product) before opening the transaction."""
    _check_antwoord_toegestaan(v, "honoreren")
    client = v.client
    bestaande = toewijzingen_van(session, gemeente=v.gemeente, domein=v.domein, client_id=client.id, aanbieder=v.aanbieder)
    gewijzigd: list[Toewijzing] = []
    variant_van = {id(invoer): getattr(check, "uitvoeringsvariant", None) for invoer, check in checks}
    if v.soort == "vot":
        invoer = checks[0][0]
        controleer_stapeling(bestaande, invoer)
        gewijzigd.append(maak_toewijzing(session, gemeente=v.gemeente, domein=v.domein, client=client,
                                         aanbieder=v.aanbieder, invoer=invoer, variant=variant_van[id(invoer)],
                                         referentie=v.referentie_aanbieder, verzoek_id=v.id))
    else:
        per_nummer = {t.nummer: t for t in bestaande}
        for w in v.inhoud.get("teWijzigen", []):
            tw = per_nummer.get(int(w["toewijzingNummer"]))
            if tw is None:
                raise Problem(409, "TR351", f"Toewijzing {w['toewijzingNummer']} bestaat niet meer (TR351).")
            eind = date.fromisoformat(w["einddatum"]) if w.get("einddatum") else tw.einddatum
            gewijzigd.extend(wijzig_toewijzing(session, tw, Wijziging(
                reden_wijziging="12", einddatum=eind, einddatum_gegeven=True, omvang=w.get("omvang"),
                budget=w.get("budget"), wijzigingsdatum=date.fromisoformat(w["gewensteIngangsdatum"]),
                referentie=v.referentie_aanbieder, verzoek_id=v.id)))
        session.flush()
        for invoer, check in checks:
            controleer_stapeling([t for t in bestaande + gewijzigd], invoer)
            gewijzigd.append(maak_toewijzing(session, gemeente=v.gemeente, domein=v.domein, client=client,
                                             aanbieder=v.aanbieder, invoer=invoer, variant=variant_van[id(invoer)],
                                             referentie=v.referentie_aanbieder, verzoek_id=v.id))
    # dedupe (a successor may be listed twice) while keeping order
    uniek = list({t.id: t for t in gewijzigd}.values())
    bericht = verstuur_301(ctx, session, gemeente=v.gemeente, domein=v.domein, client=client, aanbieder=v.aanbieder,
                           gewijzigd=uniek, oorzaak=f"verzoek-{v.soort}-gehonoreerd", actor=actor, verzoek=v,
                           request_id=request_id)
    v.status = "toegewezen"
    v.antwoord_bericht_id = bericht.id
    v.beantwoord_op = datetime.now(UTC)
    return Resultaat(uniek, bericht)


def te_controleren_producten(v: Verzoek) -> list[ProductInvoer]:
    """The products an honour has to check with the eligibility service (VOT: the one asked for; VOW: the
    new products)."""
    if v.soort == "vot":
        return [_invoer_vot(v.inhoud)]
    return [_invoer_vot({**n, "ingangsdatum": n["gewensteIngangsdatum"]}) for n in v.inhoud.get("nieuw", [])]


def check_payload(v: Verzoek, invoer: ProductInvoer | None, peildatum: date,
                  verwijsdatum: date | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"bsn": v.client.bsn, "peildatum": peildatum.isoformat(), "gemeente": v.gemeente,
                               "aanbieder": v.aanbieder, "domein": v.domein}
    if invoer is not None and invoer.categorie:
        payload["product"] = {"categorie": invoer.categorie, "code": invoer.code}
    if invoer is not None and invoer.einddatum:
        payload["einddatum"] = invoer.einddatum.isoformat()
    verwijzer = (v.inhoud or {}).get("verwijzer") if v.soort == "vot" else None
    if verwijzer and verwijzer.get("type"):
        # the 315 carries no referral date: the case worker gives it when honouring (eligibility judges validity)
        payload["verwijzer"] = {k: val for k, val in {
            "type": verwijzer.get("type"), "naam": verwijzer.get("naam"),
            "zorgverlenerCode": verwijzer.get("zorgverlenerCode"),
            "datum": verwijsdatum.isoformat() if verwijsdatum else None}.items() if val}
    return payload

