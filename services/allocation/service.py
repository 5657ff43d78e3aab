"""Use cases behind the JSON API (the views stay thin): issue, change and withdraw toewijzingen, answer
verzoeken, search, and list deadlines. Every function scopes to the caller: a gemeente (or regio) sees its
own, an aanbieder what is addressed to it, a service party everything; anything else is a 404, so the
existence of another party's data does not leak.

Calls to the eligibility service happen before the database transaction opens, so a slow or absent
eligibility service never holds locks; its refusal is a 422 carrying the reasons, its absence a 503,
and in both cases nothing has been stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from services.common.auth import Party
from services.common.http import ServiceUnavailable
from services.common.idempotency import Idempotency
from services.common.problems import Problem
from services.common.store.models import Bericht

from . import deadlines
from .api import schemas as s
from .context import gateway, kalender, vandaag
from .eligibility import CheckResult, EligibilityUnavailable, variant_past
from .models import Client, Regie, RetourOntvangst, Toewijzing, ToewijzingVersie, Verzoek
from .rules.regie import TIJDELIJK
from .toewijzingen import (
    ClientGegevens,
    ProductInvoer,
    Wijziging,
    bewaar_client,
    controleer_condities,
    controleer_stapeling,
    lock_gemeente,
    maak_toewijzing,
    toewijzingen_van,
    verstuur_301,
    verwijder_toewijzing,
    wijzig_toewijzing,
)
from .verzoeken import (
    AANVRAAG_IN_ONDERZOEK,
    PAST_NIET_BINNEN_CONTRACT,
    VERZOEK_AFGEWEZEN,
    WOONPLAATSBEGINSEL,
    _check_antwoord_toegestaan,
    beantwoord_met_319,
    check_payload,
    honoreer,
    te_controleren_producten,
)

if TYPE_CHECKING:
    from services.common.app import ServiceContext


# ---- scoping ----------------------------------------------------------------------------------
def _scope_toewijzing(caller: Party) -> Any:
    if caller.is_service:
        return True
    if caller.is_aanbieder:
        return Toewijzing.aanbieder == caller.code
    return Toewijzing.gemeente.in_(caller.scope())


def _scope_verzoek(caller: Party) -> Any:
    if caller.is_service:
        return True
    if caller.is_aanbieder:
        return Verzoek.aanbieder == caller.code
    return Verzoek.gemeente.in_(caller.scope())


def _niet_gevonden(what: str) -> Problem:
    return Problem(404, "niet-gevonden", f"Geen {what} met dit kenmerk voor u.")


def vind_toewijzing(session: Session, caller: Party, nummer: int, *, gemeente: str | None = None,
                    domein: str | None = None, for_update: bool = False) -> Toewijzing:
    stmt = select(Toewijzing).where(Toewijzing.nummer == nummer, _scope_toewijzing(caller))
    if gemeente:
        stmt = stmt.where(Toewijzing.gemeente == gemeente)
    if domein:
        stmt = stmt.where(Toewijzing.domein == domein)
    found = list(session.scalars(stmt.limit(3)))
    if not found:
        raise _niet_gevonden("toewijzing")
    if len(found) > 1:
        raise Problem(409, "meerdere-toewijzingen",
                      "Dit ToewijzingNummer bestaat bij meer dan één gemeente of domein; geef `gemeente` en/of `domein` mee.")
    return found[0]


# ---- output ------------------------------------------------------------------------------------
def _status(tw: Toewijzing, peildatum: date) -> str:
    if tw.verwijderd:
        return "verwijderd"
    return "beeindigd" if tw.einddatum is not None and tw.einddatum < peildatum else "actief"


def toewijzing_uit(tw: Toewijzing, peildatum: date | None = None) -> dict[str, Any]:
    peildatum = peildatum or vandaag()
    return {
        "toewijzingNummer": tw.nummer, "gemeente": tw.gemeente, "aanbieder": tw.aanbieder, "domein": tw.domein,
        "clientId": tw.client_id, "bsn": tw.client.bsn,
        "product": {"categorie": tw.categorie, "code": tw.code} if tw.categorie else None,
        "ingangsdatum": tw.ingangsdatum, "einddatum": tw.einddatum, "redenWijziging": tw.reden_wijziging,
        "omvang": {"volume": tw.volume, "eenheid": tw.eenheid, "frequentie": tw.frequentie} if tw.eenheid else None,
        "budget": tw.budget, "status": _status(tw, peildatum), "versie": tw.versie,
        "uitvoeringsvariant": tw.uitvoeringsvariant, "referentieAanbieder": tw.referentie_aanbieder,
        "verzoekId": tw.verzoek_id, "toewijzingsdatum": tw.toewijzingsdatum,
        "toewijzingstijd": tw.toewijzingstijd.replace(microsecond=0).isoformat(),
        "laatsteBerichtId": tw.laatste_bericht_id,
    }


def verzoek_uit(v: Verzoek) -> dict[str, Any]:
    return {
        "id": v.id, "soort": v.soort, "status": v.status, "gemeente": v.gemeente, "aanbieder": v.aanbieder,
        "domein": v.domein, "referentieAanbieder": v.referentie_aanbieder, "clientId": v.client_id,
        "bsn": v.client.bsn, "berichtId": v.bericht_id, "dagtekening": v.dagtekening, "ontvangenOp": v.ontvangen_op,
        "uiterlijk": v.uiterlijk, "inhoud": v.inhoud, "voorcontrole": v.voorcontrole,
        "voorcontroleCodes": v.voorcontrole_codes, "antwoordBerichtId": v.antwoord_bericht_id,
        "redenAfwijzing": v.reden_afwijzing, "woonplaatsbeginsel": v.woonplaatsbeginsel,
    }


def _mutatie(gewijzigd: list[Toewijzing], bericht_id: str) -> dict[str, Any]:
    return {"toewijzing": toewijzing_uit(gewijzigd[0]), "gewijzigd": [toewijzing_uit(t) for t in gewijzigd],
            "berichtId": bericht_id}


# ---- eligibility ---------------------------------------------------------------------------------
def _onbereikbaar() -> Problem:
    return Problem(503, "rechtmatigheid-onbereikbaar",
                   "De rechtmatigheidscontrole (eligibility-dienst) is nu niet bereikbaar; er is niets opgeslagen. "
                   "Probeer het later opnieuw.", headers={"Retry-After": "30"})


def _vraag(ctx: ServiceContext, payload: dict[str, Any]) -> CheckResult:
    try:
        return gateway(ctx).check(payload)
    except EligibilityUnavailable:
        raise _onbereikbaar() from None


def _redenen(check: CheckResult) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in ("code", "redenAfwijzingVerzoek", "gemeente", "omschrijving") if r.get(k) is not None}
            for r in check.redenen]


def _weigering(check: CheckResult) -> Problem:
    redenen = _redenen(check)
    tekst = "; ".join(str(r.get("omschrijving") or r.get("code")) for r in redenen) or "geen reden opgegeven"
    return Problem(422, "niet-rechtmatig", f"De rechtmatigheidscontrole staat dit niet toe: {tekst}.",
                   extra={"redenen": redenen})


@dataclass
class Beoordeling:
    """Eligibility's answer plus our own variant check for one product."""

    invoer: ProductInvoer | None
    check: CheckResult
    variant_reden: str | None

    @property
    def ok(self) -> bool:
        return self.check.toegestaan and self.variant_reden is None

    def probleem(self) -> Problem:
        if not self.check.toegestaan:
            return _weigering(self.check)
        code = "TAAKGERICHT" if self.check.uitvoeringsvariant == "taakgericht" else "EENHEID_PAST_NIET"
        return Problem(422, "past-niet-binnen-contract", self.variant_reden or "", extra={
            "redenen": [{"code": code, "redenAfwijzingVerzoek": PAST_NIET_BINNEN_CONTRACT, "omschrijving": self.variant_reden}]})

    def afwijzing(self) -> tuple[str, str | None] | None:
        if not self.check.toegestaan:
            return self.check.afwijzing()
        return (PAST_NIET_BINNEN_CONTRACT, None)


def beoordeel(ctx: ServiceContext, payload: dict[str, Any], invoer: ProductInvoer | None) -> Beoordeling:
    check = _vraag(ctx, payload)
    reden = None
    if invoer is not None and check.toegestaan:
        reden = variant_past(check.uitvoeringsvariant, invoer.eenheid)
    return Beoordeling(invoer, check, reden)


# ---- issuing, changing, withdrawing --------------------------------------------------------------
def _invoer(body: s.ToewijzingNieuw) -> ProductInvoer:
    return ProductInvoer(
        categorie=body.product.categorie if body.product else None, code=body.product.code if body.product else None,
        ingangsdatum=body.ingangsdatum, einddatum=body.einddatum,
        volume=body.omvang.volume if body.omvang else None, eenheid=body.omvang.eenheid if body.omvang else None,
        frequentie=body.omvang.frequentie if body.omvang else None, budget=body.budget, commentaar=body.commentaar)


def _client_gegevens(c: s.ClientInvoer) -> ClientGegevens:
    return ClientGegevens(
        bsn=c.bsn, geboortedatum=c.geboortedatum, geslacht=c.geslacht, achternaam=c.naam.achternaam,
        voorvoegsel=c.naam.voorvoegsel, voornamen=c.naam.voornamen, voorletters=c.naam.voorletters,
        partner_achternaam=c.naam.partnerAchternaam, partner_voorvoegsel=c.naam.partnerVoorvoegsel,
        naamgebruik=c.naam.naamgebruik or "1", contact=c.opgeslagen_contact())


def _eis_contact(client: Client) -> None:
    if not client.contact:
        raise Problem(400, "contact-ontbreekt",
                      "Van deze client zijn nog geen contactgegevens bekend; een toewijzing (301) bevat die altijd. "
                      "Geef `contact` of `contacten` mee.", invalid_params=[{"name": "contact", "code": "verplicht",
                                                               "reason": "verplicht bij de eerste toewijzing"}])


def _eerder(ctx: ServiceContext, idempotency: Idempotency | None) -> dict[str, Any] | None:
    """The stored answer of an earlier call with this Idempotency-Key, if any (a first look, without a lock)."""
    if idempotency is None:
        return None
    with ctx.db.session() as session:
        return idempotency.replay(session)


def maak(ctx: ServiceContext, caller: Party, body: s.ToewijzingNieuw, request_id: str | None,
         idempotency: Idempotency | None = None) -> tuple[dict[str, Any], bool]:
    """A new toewijzing and its 301; with an Idempotency-Key a repeat of an earlier call answers as that call
    did and makes nothing (second element True)."""
    if (earlier := _eerder(ctx, idempotency)) is not None:  # no eligibility call, no lock: nothing will change
        return earlier, True
    invoer = _invoer(body)
    controleer_condities(invoer)  # 400 before asking anyone
    payload: dict[str, Any] = {"bsn": body.client.bsn, "peildatum": body.ingangsdatum.isoformat(),
                               "gemeente": caller.code, "aanbieder": body.aanbieder, "domein": body.domein}
    if body.product:
        payload["product"] = body.product.model_dump()
    if body.einddatum:
        payload["einddatum"] = body.einddatum.isoformat()
    if body.verwijzer:
        payload["verwijzer"] = body.verwijzer.model_dump(mode="json", exclude_none=True)
    elif body.domein == "jeugd":
        # a toewijzing the gemeente issues without a verzoek and without a named verwijzer comes through the
        # gemeente's own toegang (TypeVerwijzer 01): the referral rules then hold it to that route
        payload["verwijzer"] = {"type": "01"}
    beoordeling = beoordeel(ctx, payload, invoer)
    if not beoordeling.ok:
        raise beoordeling.probleem()
    with ctx.db.session() as session, session.begin():
        lock_gemeente(session, caller.code)
        # again under the gemeente's lock: the same call sent twice at once makes one toewijzing
        if idempotency is not None and (earlier := idempotency.replay(session)) is not None:
            return earlier, True
        client = bewaar_client(session, caller.code, _client_gegevens(body.client), bijwerken=True)
        _eis_contact(client)
        bestaande = toewijzingen_van(session, gemeente=caller.code, domein=body.domein, client_id=client.id,
                                     aanbieder=body.aanbieder)
        controleer_stapeling(bestaande, invoer)
        tw = maak_toewijzing(session, gemeente=caller.code, domein=body.domein, client=client, aanbieder=body.aanbieder,
                             invoer=invoer, variant=beoordeling.check.uitvoeringsvariant)
        bericht = verstuur_301(ctx, session, gemeente=caller.code, domein=body.domein, client=client,
                               aanbieder=body.aanbieder, gewijzigd=[tw], oorzaak="toegewezen", actor=caller.code,
                               request_id=request_id)
        result = _mutatie([tw], bericht.id)
        if idempotency is not None:
            idempotency.remember(session, 201, result)
        return result, False


def wijzig(ctx: ServiceContext, caller: Party, nummer: int, body: s.ToewijzingWijziging,
           request_id: str | None, idempotency: Idempotency | None = None) -> tuple[dict[str, Any], bool]:
    """A change and its 301; with an Idempotency-Key a repeat answers as the first call did (True)."""
    if (earlier := _eerder(ctx, idempotency)) is not None:  # no eligibility call, no lock: nothing will change
        return earlier, True
    # a gemeente outside the caller's scope finds nothing (404), as GET and DELETE with ?gemeente= do
    gemeente = body.gemeente or caller.code
    fields = body.model_fields_set
    with ctx.db.session() as session:
        tw = vind_toewijzing(session, caller, nummer, gemeente=gemeente, domein=body.domein)
        gemeente, domein, tw_id = tw.gemeente, tw.domein, tw.id
        verlengt = "einddatum" in fields and (body.einddatum is None or (tw.einddatum is not None and body.einddatum > tw.einddatum))
        omvang_of_budget = body.omvang is not None or body.budget is not None
        payload = None
        if verlengt or omvang_of_budget:
            peildatum = body.wijzigingsdatum or (tw.einddatum + timedelta(days=1) if verlengt and tw.einddatum else tw.ingangsdatum)
            payload = {"bsn": tw.client.bsn, "peildatum": peildatum.isoformat(), "gemeente": tw.gemeente,
                       "aanbieder": tw.aanbieder, "domein": tw.domein}
            if tw.categorie:
                payload["product"] = {"categorie": tw.categorie, "code": tw.code}
            eind = body.einddatum if "einddatum" in fields else tw.einddatum
            if eind:
                payload["einddatum"] = eind.isoformat()
    if payload is not None:
        eenheid = body.omvang.eenheid if body.omvang else None
        invoer = ProductInvoer(categorie=None, code=None, ingangsdatum=date.min, einddatum=None, eenheid=eenheid)
        beoordeling = beoordeel(ctx, payload, invoer)
        if not beoordeling.ok:
            raise beoordeling.probleem()
    with ctx.db.session() as session, session.begin():
        lock_gemeente(session, gemeente)
        if idempotency is not None and (earlier := idempotency.replay(session)) is not None:
            return earlier, True
        tw = session.get(Toewijzing, tw_id)
        assert tw is not None
        gewijzigd = wijzig_toewijzing(session, tw, Wijziging(
            reden_wijziging=body.redenWijziging, einddatum=body.einddatum, einddatum_gegeven="einddatum" in fields,
            omvang=body.omvang.model_dump() if body.omvang else None, budget=body.budget,
            wijzigingsdatum=body.wijzigingsdatum, commentaar=body.commentaar))
        bericht = verstuur_301(ctx, session, gemeente=gemeente, domein=domein, client=tw.client, aanbieder=tw.aanbieder,
                               gewijzigd=gewijzigd, oorzaak="gewijzigd", actor=caller.code, request_id=request_id)
        result = _mutatie(gewijzigd, bericht.id)
        if idempotency is not None:
            idempotency.remember(session, 200, result)
        return result, False


def tr385_geen_goedgekeurde_declaraties(ctx: ServiceContext, gemeente: str, domein: str, nummer: int) -> None:
    """TR385 (retourcode 9385): a toewijzing with approved, not credited prestaties may not be withdrawn with
    RedenWijziging 13. The declaration service knows them; without its answer nothing is withdrawn (a guess
    either way would be wrong), the case system tries again later. A number it never heard of has none."""
    try:
        resp = ctx.client("declaration").get(f"/v1/toewijzingen/{nummer}",
                                             params={"gemeente": gemeente, "domein": domein})
    except ServiceUnavailable:
        resp = None
    if resp is not None and resp.status_code == 404:
        return
    if resp is None or resp.status_code != 200:
        raise Problem(503, "declaraties-onbekend",
                      "De declaratiedienst is nu niet bereikbaar, dus niet bekend is of deze toewijzing goedgekeurde "
                      "declaratieregels heeft (TR385); er is niets verwijderd. Probeer het later opnieuw.",
                      headers={"Retry-After": "30"})
    aantal = int(resp.json().get("goedgekeurdePrestaties") or 0)
    if aantal:
        raise Problem(409, "TR385",
                      f"Toewijzing {nummer} heeft {aantal} goedgekeurde declaratieregel(s) en mag daarom niet "
                      "verwijderd worden (TR385, retourcode 9385). Beëindig haar met een einddatum en de reden "
                      "die past (bijvoorbeeld RedenWijziging 05), of laat de aanbieder die regels eerst crediteren.")


def verwijder(ctx: ServiceContext, caller: Party, nummer: int, *, gemeente: str | None, domein: str | None,
              request_id: str | None) -> dict[str, Any]:
    with ctx.db.session() as session:
        tw = vind_toewijzing(session, caller, nummer, gemeente=gemeente, domein=domein)
        if not tw.verwijderd:  # one already withdrawn gets its 409 from verwijder_toewijzing below
            tr385_geen_goedgekeurde_declaraties(ctx, tw.gemeente, tw.domein, tw.nummer)
    with ctx.db.session() as session, session.begin():
        tw = vind_toewijzing(session, caller, nummer, gemeente=gemeente, domein=domein)
        lock_gemeente(session, tw.gemeente)
        session.refresh(tw)
        verwijder_toewijzing(tw)
        bericht = verstuur_301(ctx, session, gemeente=tw.gemeente, domein=tw.domein, client=tw.client,
                               aanbieder=tw.aanbieder, gewijzigd=[tw], oorzaak="verwijderd", actor=caller.code,
                               request_id=request_id)
        return _mutatie([tw], bericht.id)


# ---- reading toewijzingen --------------------------------------------------------------------------
def lijst(ctx: ServiceContext, caller: Party, *, bsn: str | None = None, client_id: str | None = None,
          aanbieder: str | None = None, gemeente: str | None = None, domein: str | None = None,
          categorie: str | None = None, code: str | None = None, status: str | None = None,
          peildatum: date | None = None, page: int = 1, page_size: int = 100) -> tuple[int, list[dict[str, Any]]]:
    today = vandaag()
    stmt = select(Toewijzing).where(_scope_toewijzing(caller))
    if bsn:
        stmt = stmt.join(Client, Client.id == Toewijzing.client_id).where(Client.bsn == bsn)
    for column, value in ((Toewijzing.client_id, client_id), (Toewijzing.aanbieder, aanbieder),
                          (Toewijzing.gemeente, gemeente), (Toewijzing.domein, domein),
                          (Toewijzing.categorie, categorie), (Toewijzing.code, code)):
        if value:
            stmt = stmt.where(column == value)
    if status == "verwijderd":
        stmt = stmt.where(Toewijzing.status == "verwijderd")
    elif status == "actief":
        stmt = stmt.where(Toewijzing.status == "actief",
                          or_(Toewijzing.einddatum.is_(None), Toewijzing.einddatum >= today))
    elif status == "beeindigd":
        stmt = stmt.where(Toewijzing.status == "actief", Toewijzing.einddatum < today)
    if peildatum:
        stmt = stmt.where(Toewijzing.status == "actief", Toewijzing.ingangsdatum <= peildatum,
                          or_(Toewijzing.einddatum.is_(None), Toewijzing.einddatum >= peildatum))
    with ctx.db.session() as session:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(stmt.order_by(Toewijzing.gemeente, Toewijzing.nummer)
                               .offset((page - 1) * page_size).limit(page_size)).all()
        return total, [toewijzing_uit(t, today) for t in rows]


def detail(ctx: ServiceContext, caller: Party, nummer: int, *, gemeente: str | None, domein: str | None) -> dict[str, Any]:
    kal = kalender(ctx)
    with ctx.db.session() as session:
        tw = vind_toewijzing(session, caller, nummer, gemeente=gemeente, domein=domein)
        versies = session.scalars(select(ToewijzingVersie).where(ToewijzingVersie.toewijzing_id == tw.id)
                                  .order_by(ToewijzingVersie.versie, ToewijzingVersie.id)).all()
        bericht_ids = [v.bericht_id for v in versies if v.bericht_id]
        retouren: dict[str, RetourOntvangst] = {}
        if bericht_ids:
            for r in session.scalars(select(RetourOntvangst).where(RetourOntvangst.origineel_id.in_(bericht_ids))
                                     .order_by(RetourOntvangst.created_at)):
                retouren[r.origineel_id or ""] = r
        regie = session.scalars(select(Regie).where(Regie.toewijzing_id == tw.id).order_by(Regie.id)).all()
        toegewezen_op = _toegewezen_op(session, tw, versies)
        out = toewijzing_uit(tw)
        out["versies"] = [{
            "versie": v.versie, "oorzaak": v.oorzaak, "actor": v.actor, "berichtId": v.bericht_id,
            "verzoekId": v.verzoek_id, "aangemaaktOp": _iso(v.created_at), "toewijzing": v.data,
            "retour": _retour_uit(retouren.get(v.bericht_id or "")),
        } for v in versies]
        out["regie"] = [{
            "soort": r.soort, "begindatum": r.begindatum, "einddatum": r.einddatum,
            "redenBeeindiging": r.reden_beeindiging, "status": r.status, "berichtId": r.bericht_id,
            "ontvangenOp": r.ontvangen_op, "tijdig": _tijdig(kal, tw, r, regie, toegewezen_op),
        } for r in regie]
        return out


def _toegewezen_op(session: Session, tw: Toewijzing, versies: Any) -> date:
    """When the aanbieder received this toewijzing: the dagtekening of the first 301 that carried it (in its
    mailbox from then on, as OP090 counts receipt)."""
    eerste = next((v for v in versies if v.versie == 1 and v.bericht_id), None)
    bericht = session.get(Bericht, eerste.bericht_id) if eerste is not None else None
    return bericht.dagtekening if bericht is not None else tw.ingangsdatum


def _tijdig(kal: deadlines.WerkdagKalender, tw: Toewijzing, r: Regie, regie: Any, toegewezen_op: date) -> bool | None:
    """OP271 / OP272 for one start or stop: True in time, False late, None when it cannot be established (a
    definitive stop after a temporary stop is due once the end was known, which no message says)."""
    if r.soort == "start":
        return r.ontvangen_op <= deadlines.start_uiterlijk(kal, r.begindatum, toegewezen_op)
    na_tijdelijke_stop = r.reden_beeindiging != TIJDELIJK and any(
        s.soort == "stop" and s.actueel and s.reden_beeindiging == TIJDELIJK and s.begindatum == r.begindatum
        and s.id < r.id for s in regie)
    uiterlijk = deadlines.stop_uiterlijk(kal, r.einddatum or r.begindatum, na_tijdelijke_stop=na_tijdelijke_stop,
                                         toewijzing_einddatum=tw.einddatum)
    if uiterlijk is not None and r.ontvangen_op > uiterlijk:
        return False
    return None if na_tijdelijke_stop else True


def _retour_uit(r: RetourOntvangst | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"berichtId": r.bericht_id, "berichtType": r.berichttype, "afgekeurd": r.afgekeurd, "retourcodes": r.codes,
            "ontvangenOp": _iso(r.created_at)}


def _iso(moment: Any) -> str:

    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


# ---- verzoeken -----------------------------------------------------------------------------------
def vind_verzoek(session: Session, caller: Party, verzoek_id: str) -> Verzoek:
    v = session.scalar(select(Verzoek).where(Verzoek.id == verzoek_id, _scope_verzoek(caller)))
    if v is None:
        raise _niet_gevonden("verzoek")
    return v


def verzoeken(ctx: ServiceContext, caller: Party, *, status: str | None, soort: str | None, page: int,
              page_size: int) -> tuple[int, list[dict[str, Any]]]:
    stmt = select(Verzoek).where(_scope_verzoek(caller))
    if status:
        stmt = stmt.where(Verzoek.status == status)
    if soort:
        stmt = stmt.where(Verzoek.soort == soort)
    with ctx.db.session() as session:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(stmt.order_by(Verzoek.created_at, Verzoek.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
        return total, [verzoek_uit(v) for v in rows]


def verzoek(ctx: ServiceContext, caller: Party, verzoek_id: str) -> dict[str, Any]:
    with ctx.db.session() as session:
        return verzoek_uit(vind_verzoek(session, caller, verzoek_id))


def _antwoord(besluit: str, v: Verzoek, bericht_id: str, toewijzingen: list[Toewijzing] | None = None,
              redenen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"besluit": besluit, "verzoek": verzoek_uit(v), "berichtId": bericht_id,
            "toewijzingen": [toewijzing_uit(t) for t in toewijzingen or []], "redenen": redenen or []}


def _markeer_woonplaatsbeginsel(ctx: ServiceContext, caller: Party, verzoek_id: str, gemeente: str | None) -> None:
    """OP359: once it is known that another gemeente pays under the woonplaatsbeginsel, the refusal is due within
    2 weeks of receipt (GET /v1/termijnen), also while the verzoek is 'in onderzoek' (8 weeks otherwise)."""
    with ctx.db.session() as session, session.begin():
        v = vind_verzoek(session, caller, verzoek_id)
        if v.status in ("open", "in_onderzoek") and v.woonplaatsbeginsel is None:
            v.woonplaatsbeginsel = gemeente or ""


def honoreer_verzoek(ctx: ServiceContext, caller: Party, verzoek_id: str, body: s.Honorering,
                     request_id: str | None) -> dict[str, Any]:
    with ctx.db.session() as session:
        v = vind_verzoek(session, caller, verzoek_id)
        _check_antwoord_toegestaan(v, "honoreren")
        producten = te_controleren_producten(v)
        payloads = [(p, check_payload(v, p, p.ingangsdatum, body.verwijsdatum)) for p in producten]
        if v.soort == "vow" and not producten:
            eerste = min(date.fromisoformat(w["gewensteIngangsdatum"]) for w in v.inhoud.get("teWijzigen", []))
            payloads = [(None, check_payload(v, None, eerste))]
    beoordelingen = [beoordeel(ctx, payload, invoer) for invoer, payload in payloads]
    afgekeurd = next((b for b in beoordelingen if not b.ok), None)
    if afgekeurd is not None:
        afwijzing = afgekeurd.afwijzing()
        if not (body.afwijzenBijWeigering and afwijzing):
            if afwijzing and afwijzing[0] == WOONPLAATSBEGINSEL:
                _markeer_woonplaatsbeginsel(ctx, caller, verzoek_id, afwijzing[1])
            raise afgekeurd.probleem()
        with ctx.db.session() as session, session.begin():
            lock_gemeente(session, v.gemeente)
            v = vind_verzoek(session, caller, verzoek_id)
            bericht = beantwoord_met_319(ctx, session, v, VERZOEK_AFGEWEZEN, afwijzing[0], afwijzing[1],
                                         actor=caller.code, request_id=request_id)
            redenen = _redenen(afgekeurd.check) if not afgekeurd.check.toegestaan else [
                {"code": "PAST_NIET_BINNEN_CONTRACT", "redenAfwijzingVerzoek": PAST_NIET_BINNEN_CONTRACT,
                 "omschrijving": afgekeurd.variant_reden}]
            return _antwoord("afgewezen", v, bericht.id, redenen=redenen)
    with ctx.db.session() as session, session.begin():
        lock_gemeente(session, v.gemeente)
        v = vind_verzoek(session, caller, verzoek_id)
        contact = body.opgeslagen_contact()
        if contact is not None:
            v.client.contact = contact
        _eis_contact(v.client)
        checks = [(b.invoer, b.check) for b in beoordelingen if b.invoer is not None]
        resultaat = honoreer(ctx, session, v, actor=caller.code, checks=checks, request_id=request_id)
        assert resultaat.bericht is not None
        return _antwoord("toegewezen", v, resultaat.bericht.id, resultaat.gewijzigd)


def wijs_verzoek_af(ctx: ServiceContext, caller: Party, verzoek_id: str, body: s.Afwijzing,
                    request_id: str | None) -> dict[str, Any]:
    with ctx.db.session() as session, session.begin():
        v = vind_verzoek(session, caller, verzoek_id)
        lock_gemeente(session, v.gemeente)
        session.refresh(v)
        bericht = beantwoord_met_319(ctx, session, v, VERZOEK_AFGEWEZEN, body.redenAfwijzingVerzoek, body.gemeente,
                                     actor=caller.code, request_id=request_id)
        return _antwoord("afgewezen", v, bericht.id)


def zet_in_onderzoek(ctx: ServiceContext, caller: Party, verzoek_id: str, request_id: str | None) -> dict[str, Any]:
    with ctx.db.session() as session, session.begin():
        v = vind_verzoek(session, caller, verzoek_id)
        lock_gemeente(session, v.gemeente)
        session.refresh(v)
        bericht = beantwoord_met_319(ctx, session, v, AANVRAAG_IN_ONDERZOEK, None, None, actor=caller.code,
                                     request_id=request_id)
        return _antwoord("in_onderzoek", v, bericht.id)


# ---- termijnen -----------------------------------------------------------------------------------
RETOUR_TYPES = ("JW301", "WMO301", "JW319", "WMO319")


def _eerste_301_dagtekening() -> Any:
    """Correlated: the dagtekening of the first 301 that carried the toewijzing (its versie 1)."""
    return (select(Bericht.dagtekening)
            .join(ToewijzingVersie, ToewijzingVersie.bericht_id == Bericht.id)
            .where(ToewijzingVersie.toewijzing_id == Toewijzing.id, ToewijzingVersie.versie == 1)
            .correlate(Toewijzing).limit(1).scalar_subquery())


def termijnen(ctx: ServiceContext, caller: Party | None, *, peildatum: date | None = None,
              statussen: tuple[str, ...] = ("verlopen", "binnenkort"), soort: str | None = None) -> dict[str, Any]:
    """Open obligations of the standard's deadlines (caller None: all of them, for the overdue gauge)."""
    peildatum = peildatum or vandaag()
    kal = kalender(ctx)
    binnenkort = int(getattr(ctx.settings, "termijn_binnenkort_werkdagen", 2))
    items: list[dict[str, Any]] = []

    def add(**item: Any) -> None:
        if peildatum < item["sinds"]:
            return
        item["status"] = deadlines.termijn_status(item["uiterlijk"], peildatum, kal, binnenkort)
        if item["status"] in statussen and (soort is None or item["soort"] == soort):
            items.append(item)

    with ctx.db.session() as session:
        vq = select(Verzoek).where(Verzoek.status.in_(("open", "in_onderzoek")))
        if caller is not None:
            vq = vq.where(_scope_verzoek(caller))
        for v in session.scalars(vq):
            in_onderzoek = v.status == "in_onderzoek"
            regel = ("OP274" if v.soort == "vot" else "OP346")
            add(soort="antwoord-na-onderzoek" if in_onderzoek else "antwoord-op-verzoek", regel=regel,
                omschrijving=("Na 'aanvraag in onderzoek' volgt binnen 8 weken na dagtekening van het verzoek een "
                              "toewijzing of afwijzing." if in_onderzoek
                              else "Binnen 5 werkdagen een toewijzing (301) of antwoordbericht (319)."),
                verantwoordelijke="gemeente", gemeente=v.gemeente, aanbieder=v.aanbieder,
                # the 8 weeks run from the verzoek's dagtekening (OP274/OP346), the 5 werkdagen from its receipt
                sinds=v.dagtekening if in_onderzoek else v.ontvangen_op,
                uiterlijk=v.uiterlijk, verzoekId=v.id)
            if v.woonplaatsbeginsel is not None:
                add(soort="afwijzing-woonplaatsbeginsel", regel="OP359",
                    omschrijving="Een andere gemeente is volgens het woonplaatsbeginsel verantwoordelijk: de afwijzing "
                                 "(319, reden 8, met die gemeente) volgt binnen de wettelijke 2 weken na ontvangst.",
                    verantwoordelijke="gemeente", gemeente=v.gemeente, aanbieder=v.aanbieder, sinds=v.ontvangen_op,
                    uiterlijk=deadlines.woonplaatsbeginsel_uiterlijk(v.ontvangen_op), verzoekId=v.id)

        # columns only: the gauge worker runs this every minute over every unanswered 301/319 and every toewijzing
        # without a start, and whole ORM objects (the messages' bytes with them) cost ten times the query
        bq = select(Bericht.id, Bericht.message_type, Bericht.sender, Bericht.recipient, Bericht.dagtekening).where(
                                   Bericht.direction == "out", Bericht.message_type.in_(RETOUR_TYPES),
                                   ~exists().where(RetourOntvangst.origineel_id == Bericht.id))
        if caller is not None and not caller.is_service:
            bq = bq.where(Bericht.recipient == caller.code if caller.is_aanbieder else Bericht.sender.in_(caller.scope()))
        for b in session.execute(bq):
            sinds = b.dagtekening
            add(soort="retour-op-toewijzing" if b.message_type.endswith("301") else "retour-op-antwoord",
                regel="OP090", omschrijving="De aanbieder stuurt binnen 3 werkdagen een retourbericht (302/320).",
                verantwoordelijke="aanbieder", gemeente=b.sender, aanbieder=b.recipient, sinds=sinds,
                uiterlijk=deadlines.retour_uiterlijk(kal, sinds), berichtId=b.id)

        tq = select(Toewijzing.nummer, Toewijzing.gemeente, Toewijzing.aanbieder, Toewijzing.ingangsdatum,
                    Toewijzing.einddatum).where(Toewijzing.status == "actief", Toewijzing.start_stop_verplicht.is_(True),
                                      Toewijzing.ingangsdatum <= peildatum)
        if caller is not None:
            tq = tq.where(_scope_toewijzing(caller))
        start = and_(Regie.toewijzing_id == Toewijzing.id, Regie.soort == "start", Regie.status == "actueel")
        geen_start = tq.where(~exists().where(start), or_(Toewijzing.einddatum.is_(None),
                                                           Toewijzing.einddatum >= Toewijzing.ingangsdatum))
        for tw in session.execute(geen_start.add_columns(_eerste_301_dagtekening().label("toegewezen_op"))):
            # OP271: from the ingangsdatum at the earliest; with terugwerkende kracht from receipt of the 301
            sinds = max(tw.ingangsdatum, tw.toegewezen_op or tw.ingangsdatum)
            add(soort="start-zorg", regel="OP271",
                omschrijving="Binnen 5 werkdagen na de start van de zorg een startbericht (305), bij een toewijzing met "
                             "terugwerkende kracht binnen 5 werkdagen na ontvangst van de toewijzing; nog geen ontvangen.",
                verantwoordelijke="aanbieder", gemeente=tw.gemeente, aanbieder=tw.aanbieder, sinds=sinds,
                uiterlijk=deadlines.start_uiterlijk(kal, tw.ingangsdatum, sinds), toewijzingNummer=tw.nummer)
        stop = and_(Regie.toewijzing_id == Toewijzing.id, Regie.soort == "stop", Regie.status == "actueel",
                    Regie.reden_beeindiging != "20")
        zonder_stop = tq.where(Toewijzing.einddatum < peildatum, exists().where(start), ~exists().where(stop))
        for tw in session.execute(zonder_stop):
            assert tw.einddatum is not None
            # after a temporary stop too: by the end of the toewijzing it is known that delivery stopped for good
            add(soort="stop-zorg", regel="OP272",
                omschrijving="De toewijzing is afgelopen; binnen 5 werkdagen volgt een (definitief) stopbericht (307).",
                verantwoordelijke="aanbieder", gemeente=tw.gemeente, aanbieder=tw.aanbieder, sinds=tw.einddatum,
                uiterlijk=deadlines.start_stop_uiterlijk(kal, tw.einddatum), toewijzingNummer=tw.nummer)
    items.sort(key=lambda i: (i["uiterlijk"], i["soort"]))
    return {"peildatum": peildatum, "count": len(items), "results": items}
