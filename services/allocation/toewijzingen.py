"""The toewijzing lifecycle: issue, change, withdraw, and the 301 that announces every change.

Every change follows the same path, in the caller's transaction:
  1. lock the gemeente's number series (serialises changes per gemeente, so two concurrent changes of
     one client cannot produce 301s that contradict each other);
  2. change or create the toewijzing rows, stamping Toewijzingsdatum/-tijd and raising `versie`;
  3. `verstuur_301`: build one 301 with all current and all changed toewijzingen of that client for that
     aanbieder (OP087), validate it against the XSD, store it in the aanbieder's mailbox, keep a
     ToewijzingVersie per changed toewijzing pointing at that 301, and queue a toewijzing event each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.messages.types import by_code
from services.common.messages.xmlutil import new_identificatie
from services.common.outbound import store_outbound
from services.common.problems import Problem
from services.common.store.models import Bericht, new_id

from .context import PREFIX, vandaag
from .events import publish_toewijzing
from .messages import build_301, now_local, time_of
from .models import Client, NummerReeks, Toewijzing, ToewijzingVersie, Verzoek
from .rules.inhoud import contact_fouten, overlapt, toewijzing_fouten, zelfde_product

if TYPE_CHECKING:
    from services.common.app import ServiceContext


@dataclass
class ProductInvoer:
    """A toewijzing's content as the case system or a verzoek gives it."""

    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None
    commentaar: str | None = None


@dataclass
class ClientGegevens:
    bsn: str
    geboortedatum: date
    geslacht: str = "0"
    achternaam: str = ""
    voorvoegsel: str | None = None
    voornamen: str | None = None
    voorletters: str | None = None
    datum_gebruik: str | None = None
    partner_achternaam: str | None = None
    partner_voorvoegsel: str | None = None
    naamgebruik: str = "1"
    contact: dict[str, Any] | list[dict[str, Any]] | None = None  # one contact, or all of them (rules.inhoud.als_lijst)


@dataclass
class Wijziging:
    reden_wijziging: str
    einddatum: date | None = None
    einddatum_gegeven: bool = False
    omvang: dict[str, Any] | None = None
    budget: int | None = None
    wijzigingsdatum: date | None = None
    commentaar: str | None = None
    referentie: str | None = None
    verzoek_id: str | None = None


@dataclass
class Resultaat:
    """What one change produced: the toewijzingen that changed (first the main one) and the 301."""

    gewijzigd: list[Toewijzing] = field(default_factory=list)
    bericht: Bericht | None = None


# ---- numbers -----------------------------------------------------------------------------------
def lock_gemeente(session: Session, gemeente: str) -> None:
    """Take the gemeente's series row for the rest of the transaction (a row lock on PostgreSQL, the write
    lock on SQLite); create the row on first use, starting after any number already in use."""
    stmt = (update(NummerReeks).where(NummerReeks.gemeente == gemeente)
            .values(laatste=NummerReeks.laatste).execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount:  # type: ignore[attr-defined]
        return
    highest = session.scalar(select(func.max(Toewijzing.nummer)).where(Toewijzing.gemeente == gemeente)) or 0
    try:
        with session.begin_nested():
            session.add(NummerReeks(gemeente=gemeente, laatste=int(highest)))
    except IntegrityError:
        pass  # another transaction created it first; take its lock
    session.execute(stmt)


def volgend_nummer(session: Session, gemeente: str) -> int:
    """The next ToewijzingNummer of the gemeente (TR332: unique per gemeente per domein; one series for
    both domains). The unique constraint on toewijzing stays the final guard."""
    stmt = (update(NummerReeks).where(NummerReeks.gemeente == gemeente)
            .values(laatste=NummerReeks.laatste + 1).returning(NummerReeks.laatste)
            .execution_options(synchronize_session=False))
    nummer = session.execute(stmt).scalar()
    if nummer is None:
        lock_gemeente(session, gemeente)
        nummer = session.execute(stmt).scalar()
    return int(nummer)  # type: ignore[arg-type]


# ---- clients -----------------------------------------------------------------------------------
def client_van(session: Session, gemeente: str, bsn: str) -> Client | None:
    return session.scalar(select(Client).where(Client.gemeente == gemeente, Client.bsn == bsn))


def bewaar_client(session: Session, gemeente: str, g: ClientGegevens, *, bijwerken: bool = True) -> Client:
    """Find or create the gemeente's client; with `bijwerken` the case system's data replace ours."""
    client = client_van(session, gemeente, g.bsn)
    if client is None:
        client = Client(id=new_id(), gemeente=gemeente, bsn=g.bsn)
        session.add(client)
        bijwerken = True
    if bijwerken:
        client.geboortedatum = g.geboortedatum
        client.datum_gebruik = g.datum_gebruik
        client.geslacht = g.geslacht or "0"
        client.achternaam = g.achternaam
        client.voorvoegsel = g.voorvoegsel
        client.voornamen = g.voornamen
        client.voorletters = g.voorletters
        client.partner_achternaam = g.partner_achternaam
        client.partner_voorvoegsel = g.partner_voorvoegsel
        client.naamgebruik = g.naamgebruik or "1"
        if g.contact:
            client.contact = g.contact
    elif g.contact and not client.contact:
        client.contact = g.contact
    session.flush()
    return client


# ---- queries -----------------------------------------------------------------------------------
def toewijzingen_van(session: Session, *, gemeente: str, domein: str, client_id: str, aanbieder: str) -> list[Toewijzing]:
    return list(session.scalars(
        select(Toewijzing).where(Toewijzing.gemeente == gemeente, Toewijzing.domein == domein,
                                 Toewijzing.client_id == client_id, Toewijzing.aanbieder == aanbieder)
        .order_by(Toewijzing.nummer)))


def controleer_stapeling(bestaande: list[Toewijzing], nieuw: Any, *, negeer: set[str] | frozenset[str] = frozenset()) -> None:
    """TR302 / OP259: one product only once per period for a client at an aanbieder (removed toewijzingen
    do not count). Raises 409 naming the rule; a 301 with stacked products would be rejected (0001)."""
    for tw in bestaande:
        if tw.id in negeer or tw.verwijderd or (tw.reden_wijziging in ("13", "01") and tw.einddatum == tw.ingangsdatum):
            continue
        if zelfde_product(nieuw, tw) and overlapt(nieuw.ingangsdatum, nieuw.einddatum, tw.ingangsdatum, tw.einddatum):
            raise Problem(
                409, "TR302",
                f"Toewijzing {tw.nummer} voor hetzelfde product overlapt deze periode; een product mag alleen "
                "vaker voorkomen als de periodes niet overlappen (TR302, OP259). Wijzig of beëindig die eerst.",
                extra={"regel": "TR302", "toewijzingNummer": tw.nummer},
            )


def controleer_condities(invoer: Any, reden_wijziging: str | None = None) -> None:
    fouten = toewijzing_fouten(invoer, reden_wijziging)
    if fouten:
        raise Problem(400, "toewijzing-ongeldig",
                      "Deze toewijzing voldoet niet aan de condities van de standaard: " + "; ".join(t for _, t in fouten),
                      invalid_params=[{"name": "toewijzing", "code": code, "reason": text} for code, text in fouten])


# ---- changes -----------------------------------------------------------------------------------
def _stempel(tw: Toewijzing, moment: datetime, *, nieuw: bool = False) -> None:
    if not nieuw:
        tw.versie += 1
    tw.toewijzingsdatum = moment.date()
    tw.toewijzingstijd = time_of(moment)


def maak_toewijzing(
    session: Session, *, gemeente: str, domein: str, client: Client, aanbieder: str, invoer: ProductInvoer,
    variant: str | None, referentie: str | None = None, verzoek_id: str | None = None, moment: datetime | None = None,
) -> Toewijzing:
    moment = moment or now_local()
    controleer_condities(invoer)
    tw = Toewijzing(
        id=new_id(), gemeente=gemeente, domein=domein, nummer=volgend_nummer(session, gemeente), client_id=client.id,
        aanbieder=aanbieder, categorie=invoer.categorie, code=invoer.code, ingangsdatum=invoer.ingangsdatum,
        einddatum=invoer.einddatum, volume=invoer.volume, eenheid=invoer.eenheid, frequentie=invoer.frequentie,
        budget=invoer.budget, commentaar=invoer.commentaar, uitvoeringsvariant=variant,
        start_stop_verplicht=variant != "taakgericht", referentie_aanbieder=referentie, verzoek_id=verzoek_id,
        status="actief", versie=1,
    )
    tw.client = client
    _stempel(tw, moment, nieuw=True)
    session.add(tw)
    return tw


TOTAAL = "6"  # Frequentie 6: totaal binnen geldigheidsduur toewijzing (WMO757)


def _omvang_anders(tw: Toewijzing, omvang: dict[str, Any] | None) -> bool:
    if omvang is None:
        return False
    return (omvang.get("volume"), omvang.get("eenheid"), omvang.get("frequentie")) != (tw.volume, tw.eenheid, tw.frequentie)


def wijzigt_op_zelfde_nummer(tw: Toewijzing, w: Wijziging) -> bool:
    """OP033x1 / IV066 / OP257: on the same ToewijzingNummer a toewijzing may only be removed, get another
    Einddatum or Budget, or another Volume when its Frequentie is 6 (totaal binnen geldigheidsduur). Any other
    change of the Omvang (volume, eenheid or frequentie), or an Omvang in place of a Budget or the other way
    round, is a new toewijzing."""
    if _omvang_anders(tw, w.omvang):
        assert w.omvang is not None
        alleen_volume = w.omvang.get("eenheid") == tw.eenheid and w.omvang.get("frequentie") == tw.frequentie
        return alleen_volume and tw.frequentie == TOTAAL
    return not (w.budget is not None and tw.eenheid is not None)


def wijzig_toewijzing(session: Session, tw: Toewijzing, w: Wijziging, *, moment: datetime | None = None) -> list[Toewijzing]:
    """Apply a change; returns the toewijzingen that changed (the given one first, then a successor).

    - the period (intrekken/oprekken), a Budget, or the volume of a 'totaal binnen geldigheidsduur'
      toewijzing change on the same ToewijzingNummer (OP033x1, OP257, OP380);
    - any other change of Omvang ends this toewijzing the day before the date the new Omvang applies from
      and issues a successor with a new number from that date (IV066, OP257, IV093). That date must lie
      after the ingangsdatum: a change for the whole period cannot be made this way (409 IV066).
    """
    moment = moment or now_local()
    if tw.verwijderd:
        raise Problem(409, "toewijzing-verwijderd", f"Toewijzing {tw.nummer} is verwijderd en kan niet meer wijzigen.")
    nieuw_eind = w.einddatum if w.einddatum_gegeven else tw.einddatum
    if w.einddatum_gegeven and nieuw_eind != tw.einddatum:
        _controleer_oprekken(tw, nieuw_eind, moment)
    if not wijzigt_op_zelfde_nummer(tw, w):
        return _beeindig_en_vervang(session, tw, w, nieuw_eind, moment)

    tw.einddatum = nieuw_eind
    if w.omvang is not None:
        tw.volume, tw.eenheid, tw.frequentie = w.omvang.get("volume"), w.omvang.get("eenheid"), w.omvang.get("frequentie")
        tw.budget = None
    if w.budget is not None:
        tw.budget = w.budget
        tw.volume = tw.eenheid = tw.frequentie = None
    if w.commentaar is not None:
        tw.commentaar = w.commentaar
    _van_verzoek(tw, w)
    tw.reden_wijziging = w.reden_wijziging
    controleer_condities(_als_invoer(tw), tw.reden_wijziging)
    _stempel(tw, moment)
    return [tw]


def _controleer_oprekken(tw: Toewijzing, nieuw_eind: date | None, moment: datetime) -> None:
    verlengen = nieuw_eind is None or (tw.einddatum is not None and nieuw_eind > tw.einddatum)
    if verlengen and tw.einddatum is not None and tw.einddatum < moment.date():
        raise Problem(
            409, "OP380",
            f"De einddatum van toewijzing {tw.nummer} is verstreken ({tw.einddatum.isoformat()}); oprekken kan "
            "alleen zolang de toewijzing loopt (OP380). Geef een nieuwe toewijzing af.",
            extra={"regel": "OP380"},
        )


def _van_verzoek(tw: Toewijzing, w: Wijziging) -> None:
    if w.referentie:
        tw.referentie_aanbieder = w.referentie
        tw.verzoek_id = w.verzoek_id


def _beeindig_en_vervang(session: Session, tw: Toewijzing, w: Wijziging, nieuw_eind: date | None,
                         moment: datetime) -> list[Toewijzing]:
    """IV066: the toewijzing is ingetrokken to the day before `wijzigingsdatum` (RedenWijziging as given) and a
    new toewijzing, a new initial toekenning without RedenWijziging, starts on that date (IV093 example 1)."""
    vanaf = w.wijzigingsdatum
    if vanaf is None or vanaf <= tw.ingangsdatum:
        raise Problem(
            409, "IV066",
            f"De omvang van toewijzing {tw.nummer} kan niet op hetzelfde ToewijzingNummer wijzigen: dat mag alleen "
            "voor de einddatum, het budget, en het volume bij frequentie 6 (totaal binnen geldigheidsduur toewijzing) "
            "(OP033x1, IV066). Een andere omvang betekent dat deze toewijzing eindigt op de dag voor de datum waarop "
            "de nieuwe omvang ingaat, en dat een nieuwe toewijzing met een nieuw nummer op die datum begint. Die "
            f"datum moet daarom na de ingangsdatum ({tw.ingangsdatum.isoformat()}) liggen. Geef een latere "
            "wijzigingsdatum (bij een verzoek om wijziging: stem met de aanbieder een latere ingangsdatum af, of "
            "wijs het verzoek af), of trek deze toewijzing in en geef een nieuwe af.",
            extra={"regel": "IV066", "toewijzingNummer": tw.nummer},
        )
    if tw.einddatum is not None and vanaf > tw.einddatum:
        raise Problem(400, "wijzigingsdatum-na-einddatum", "De wijzigingsdatum ligt na de einddatum van de toewijzing.")
    omvang = w.omvang or {}
    opvolger = ProductInvoer(
        categorie=tw.categorie, code=tw.code, ingangsdatum=vanaf, einddatum=nieuw_eind, volume=omvang.get("volume"),
        eenheid=omvang.get("eenheid"), frequentie=omvang.get("frequentie"), budget=w.budget, commentaar=w.commentaar,
    )
    controleer_condities(opvolger)
    tw.einddatum = vanaf - timedelta(days=1)
    tw.reden_wijziging = w.reden_wijziging
    _van_verzoek(tw, w)
    _stempel(tw, moment)
    controleer_condities(_als_invoer(tw), tw.reden_wijziging)
    nieuw = maak_toewijzing(session, gemeente=tw.gemeente, domein=tw.domein, client=tw.client, aanbieder=tw.aanbieder,
                            invoer=opvolger, variant=tw.uitvoeringsvariant, referentie=w.referentie,
                            verzoek_id=w.verzoek_id, moment=moment)
    return [tw, nieuw]


def verwijder_toewijzing(tw: Toewijzing, *, moment: datetime | None = None) -> Toewijzing:
    """RedenWijziging 13: Einddatum = Ingangsdatum (CS335); the toewijzing counts as never sent."""
    if tw.verwijderd:
        raise Problem(409, "toewijzing-verwijderd", f"Toewijzing {tw.nummer} is al verwijderd.")
    tw.einddatum = tw.ingangsdatum
    tw.reden_wijziging = "13"
    tw.status = "verwijderd"
    _stempel(tw, moment or now_local())
    return tw


def _als_invoer(tw: Toewijzing) -> ProductInvoer:
    return ProductInvoer(categorie=tw.categorie, code=tw.code, ingangsdatum=tw.ingangsdatum, einddatum=tw.einddatum,
                         volume=tw.volume, eenheid=tw.eenheid, frequentie=tw.frequentie, budget=tw.budget)


def snapshot(tw: Toewijzing) -> dict[str, Any]:
    return {
        "toewijzingNummer": tw.nummer,
        "product": {"categorie": tw.categorie, "code": tw.code} if tw.categorie else None,
        "ingangsdatum": tw.ingangsdatum.isoformat(),
        "einddatum": tw.einddatum.isoformat() if tw.einddatum else None,
        "redenWijziging": tw.reden_wijziging,
        "omvang": {"volume": tw.volume, "eenheid": tw.eenheid, "frequentie": tw.frequentie} if tw.eenheid else None,
        "budget": tw.budget, "status": tw.status, "referentieAanbieder": tw.referentie_aanbieder,
        "toewijzingsdatum": tw.toewijzingsdatum.isoformat(),
        "toewijzingstijd": tw.toewijzingstijd.replace(microsecond=0).isoformat(),
        "commentaar": tw.commentaar,
    }


# ---- the 301 -----------------------------------------------------------------------------------
def referenties_in_301(inhoud: list[Toewijzing], gewijzigd_ids: set[str], verzoek: Verzoek | None) -> dict[str, str]:
    """TR379 / IV097: ReferentieAanbieder only in the 301 that honours a verzoek, by toewijzing id. A VOT gives
    the toewijzing it asked for the reference of its AangevraagdProduct (the client's other toewijzingen in the
    301 are no result of it); a VOW is one coherent whole, so every ToegewezenProduct of the 301, the
    unchanged ones too, carries the VOW's reference (IV093)."""
    if verzoek is None:
        return {}
    if verzoek.soort == "vow":
        return {t.id: verzoek.referentie_aanbieder for t in inhoud}
    return {t.id: verzoek.referentie_aanbieder for t in inhoud if t.id in gewijzigd_ids}


def controleer_contact(client: Client) -> None:
    """The 301 always carries the client's Contact; a contact breaking its conditions (stored before they were
    checked) would make the aanbieder reject the whole 301 with 0001, so it is not sent."""
    fouten = contact_fouten(client.contact or {})
    if fouten:
        raise Problem(409, "contact-ongeldig",
                      "De opgeslagen contactgegevens van deze client voldoen niet aan de standaard: "
                      + "; ".join(f"{tekst} ({code})" for code, _, tekst in fouten)
                      + " Geef nieuwe contactgegevens mee (`contact` of `contacten` bij een toewijzing of bij het "
                        "honoreren).",
                      invalid_params=[{"name": f"contact.{veld}".rstrip("."), "code": code, "reason": tekst}
                                      for code, veld, tekst in fouten])


def verstuur_301(
    ctx: ServiceContext, session: Session, *, gemeente: str, domein: str, client: Client, aanbieder: str,
    gewijzigd: list[Toewijzing], oorzaak: str, actor: str, verzoek: Verzoek | None = None,
    request_id: str | None = None,
) -> Bericht:
    """Announce the changes with one 301 (OP087) and record versions and events. `verzoek`: the verzoek this
    301 honours (its ReferentieAanbieder goes into the message, TR379)."""
    controleer_contact(client)
    session.flush()
    peildatum = vandaag()
    alle = toewijzingen_van(session, gemeente=gemeente, domein=domein, client_id=client.id, aanbieder=aanbieder)
    gewijzigd_ids = {t.id for t in gewijzigd}
    inhoud = [t for t in alle if t.id in gewijzigd_ids or t.actueel_op(peildatum)]
    # TR302 on what the 301 will carry: a final guard, the callers check before they change anything
    actief = [t for t in inhoud if not t.verwijderd]
    for i, tw in enumerate(actief):
        controleer_stapeling(actief[i + 1:], tw)
    mtype = by_code(f"{PREFIX[domein]}301")
    identificatie, dagtekening = new_identificatie(), vandaag()
    root = build_301(mtype, gemeente=gemeente, aanbieder=aanbieder, identificatie=identificatie,
                     dagtekening=dagtekening, client=client, toewijzingen=inhoud, gewijzigd=gewijzigd_ids,
                     referenties=referenties_in_301(inhoud, gewijzigd_ids, verzoek), xsd_versie=ctx.settings.xsd_versie)
    bericht = store_outbound(ctx, session, root=root, mtype=mtype, sender=gemeente, recipient=aanbieder,
                             identificatie=identificatie, dagtekening=dagtekening, request_id=request_id)
    session.flush()
    verzoek_id = verzoek.id if verzoek is not None else None
    for tw in gewijzigd:
        tw.laatste_bericht_id = bericht.id
        session.add(ToewijzingVersie(toewijzing_id=tw.id, versie=tw.versie, bericht_id=bericht.id, oorzaak=oorzaak,
                                     actor=actor, verzoek_id=verzoek_id, data=snapshot(tw)))
        publish_toewijzing(session, tw, bericht.id)
    return bericht
