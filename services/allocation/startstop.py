"""305 start zorg / 307 stop zorg: judged per Start-/StopProduct, registered when accepted.

The hot path of the service (the benchmark posts 1,000 of these), so it is kept lean:
- the within-message rules run before any query;
- one query (an outer join, only the columns the rules need, no ORM objects) loads every toewijzing the
  message names with its earlier starts and stops; a second one only for taakgericht products;
- accepted products and removals are left to the kernel (msg.writes), which writes them with the message and
  its retour: on PostgreSQL one statement in autocommit mode, so a 305 costs two round trips;
- no call to another service unless a product comes without ToewijzingNummer (taakgericht).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from services.common.pipeline import Inbound, Reply, reply_for_outcome, single_statement
from services.common.problems import Problem
from services.common.rules import Outcome, run_rules
from services.common.writes import fetch_rows

from .context import gateway, vandaag
from .eligibility import EligibilityUnavailable
from .messages import RegieBericht, RegieProduct, read_regie
from .models import Client, Regie, Toewijzing
from .rules.regie import RegieContext, gekoppelde_toewijzing
from .toewijzingen import ClientGegevens, bewaar_client, client_van


@dataclass
class ClientRef:
    bsn: str


@dataclass
class ToewijzingRef:
    """The few columns of a toewijzing the start/stop rules look at."""

    id: str
    nummer: int
    aanbieder: str
    client_id: str
    categorie: str | None
    code: str | None
    status: str
    uitvoeringsvariant: str | None
    client: ClientRef

    @property
    def verwijderd(self) -> bool:
        return self.status == "verwijderd"


@dataclass
class RegieRef:
    """An earlier start or stop, as the rules see it."""

    id: int
    soort: str
    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    einddatum: date | None
    reden_beeindiging: str | None
    status: str

    @property
    def actueel(self) -> bool:
        return self.status == "actueel"


_REGIE = Regie.__table__
_TW_COLS = (Toewijzing.id, Toewijzing.nummer, Toewijzing.aanbieder, Toewijzing.client_id, Toewijzing.categorie,
            Toewijzing.code, Toewijzing.status, Toewijzing.uitvoeringsvariant, Client.bsn)
_REGIE_COLS = (Regie.id, Regie.soort, Regie.toewijzing_nummer, Regie.categorie, Regie.code, Regie.begindatum,
               Regie.einddatum, Regie.reden_beeindiging, Regie.status)


# built once: constructing the statement per message cost more than running it. Only the sender's own
# toewijzingen: another aanbieder's number reads as unknown, so neither its existence nor its starts and stops
# show in the retour, and a removal (StatusAanlevering 3) can never reach another aanbieder's start.
def _laad_toewijzingen(nummer: Any) -> Select:
    # by the key of uq_toewijzing_nummer (TR332) alone, the only index that fits (migration all_0007); another
    # aanbieder's toewijzing is dropped in _laad, as if it did not exist
    return (select(*_TW_COLS, *_REGIE_COLS)
            .join(Client, Client.id == Toewijzing.client_id)
            .outerjoin(Regie, Regie.toewijzing_id == Toewijzing.id)
            .where(Toewijzing.gemeente == bindparam("gemeente"), Toewijzing.domein == bindparam("domein"), nummer))


# one number (nearly every 305/307) by equality: PostgreSQL then searches the index on all three columns even
# while the table's statistics are young, where it may leave `nummer = ANY(...)` to a filter over the
# gemeente's toewijzingen
_LAAD_TOEWIJZING = _laad_toewijzingen(Toewijzing.nummer == bindparam("nummer"))
_LAAD_TOEWIJZINGEN = _laad_toewijzingen(Toewijzing.nummer.in_(bindparam("nummers", expanding=True)))


@single_statement
def ontvang_start_stop(msg: Inbound, session: Session) -> Reply:
    bericht = read_regie(msg.root, msg.mtype)
    klasse = "StartProduct" if msg.mtype.number == "305" else "StopProduct"
    ctx = RegieContext(gemeente=msg.recipient, aanbieder=msg.sender, domein=msg.mtype.domain,
                       dagtekening=msg.header.dagtekening, bericht=bericht, client=bericht.client,
                       toewijzingen={}, regie=[])
    subjects = {"Client": [bericht.client], "Bericht": [bericht], klasse: bericht.producten}
    outcome = run_rules(msg.mtype.code, msg.mtype.number, subjects, ctx, levels=("bericht",))
    if not outcome.technical:
        client = _laad(session, ctx, msg)
        ctx.verwijderd_in_bericht = {p.sleutel() for p in bericht.producten if p.status == "3"}
        outcome = run_rules(msg.mtype.code, msg.mtype.number, subjects, ctx, levels=("klasse",), outcome=outcome)
        _verwerk(msg, session, ctx, outcome, client)
    return reply_for_outcome(msg, outcome, lambda: _retour(msg, outcome, bericht))


def _laad(session: Session, ctx: RegieContext, msg: Inbound) -> Client | None:
    """The toewijzingen the message names with their earlier starts/stops (one outer join); for taakgericht
    products (no ToewijzingNummer) the contract terms and the client's earlier starts/stops."""
    producten = ctx.bericht.producten
    nummers = {p.toewijzing_nummer for p in producten if p.toewijzing_nummer is not None}
    if nummers:
        key = {"gemeente": ctx.gemeente, "domein": ctx.domein}
        rows = (fetch_rows(session, _LAAD_TOEWIJZING, {**key, "nummer": next(iter(nummers))}) if len(nummers) == 1
                else fetch_rows(session, _LAAD_TOEWIJZINGEN, {**key, "nummers": list(nummers)}))
        n = len(_TW_COLS)
        for row in rows:
            if row[2] != ctx.aanbieder:  # another aanbieder's toewijzing: for this one it does not exist (TR019)
                continue
            if row[1] not in ctx.toewijzingen:
                ctx.toewijzingen[row[1]] = ToewijzingRef(*row[: n - 1], client=ClientRef(row[n - 1]))  # type: ignore[arg-type]
            if row[n] is not None:
                ctx.regie.append(RegieRef(*row[n:]))  # type: ignore[arg-type]
    taak = [p for p in producten if p.toewijzing_nummer is None]
    if not taak:
        return None
    client = client_van(session, ctx.gemeente, ctx.client.bsn)
    try:
        terms = gateway(msg.ctx)
        for p in taak:
            ctx.contracten[(p.categorie, p.code, p.begindatum)] = (
                terms.contract_product(ctx.gemeente, ctx.aanbieder, ctx.domein, p.categorie, p.code,
                                       p.begindatum) if p.categorie else None)
            if p.code is not None:  # TR381: the contract is the productcodelijst (cached by now)
                ctx.productcodes[p.code] = terms.contract(ctx.gemeente, ctx.aanbieder).categorieen_van(
                    ctx.domein, p.code)
    except EligibilityUnavailable:
        # without the contract we cannot tell whether start/stop is asked for: refuse to take the message
        # now (nothing is stored) rather than answer wrongly; the aanbieder sends it again later
        raise Problem(503, "contract-onbekend",
                      "De contractgegevens zijn nu niet op te vragen; het bericht is niet verwerkt. "
                      "Stuur het later opnieuw.", headers={"Retry-After": "30"}) from None
    if client is not None:
        ctx.regie.extend(RegieRef(*row) for row in session.execute(  # type: ignore[arg-type]
            select(*_REGIE_COLS).where(Regie.client_id == client.id, Regie.aanbieder == ctx.aanbieder,
                                       Regie.toewijzing_nummer.is_(None))))
    return client


def _verwerk(msg: Inbound, session: Session, ctx: RegieContext, outcome: Outcome, client: Client | None) -> None:
    ontvangen = vandaag()
    nieuw: list[dict[str, Any]] = []
    verwijderen: list[int] = []
    for p in ctx.bericht.producten:
        if outcome.codes_for(p):
            continue
        if p.status == "3":
            verwijderen.extend(r.id for r in _te_verwijderen(ctx, p))
            continue
        tw = gekoppelde_toewijzing(p, ctx)
        if tw is not None:
            client_id = tw.client_id
        else:
            if client is None:
                client = bewaar_client(session, ctx.gemeente, ClientGegevens(
                    bsn=ctx.client.bsn, geboortedatum=ctx.client.geboortedatum or ontvangen,
                    geslacht=ctx.client.geslacht or "0", achternaam=ctx.client.achternaam or "Onbekend",
                    voorvoegsel=ctx.client.voorvoegsel, voornamen=ctx.client.voornamen,
                    voorletters=ctx.client.voorletters, datum_gebruik=ctx.client.datum_gebruik), bijwerken=False)
            client_id = client.id
        nieuw.append({
            "soort": p.soort, "gemeente": ctx.gemeente, "domein": ctx.domein, "aanbieder": ctx.aanbieder,
            "client_id": client_id, "toewijzing_id": tw.id if tw else None, "toewijzing_nummer": p.toewijzing_nummer,
            # taakgericht: the key is Product + Begindatum as sent; otherwise the toewijzing's product
            "categorie": (p.categorie or tw.categorie) if tw else p.categorie,
            "code": (p.code or tw.code) if tw else p.code,
            "toewijzing_ingangsdatum": p.toewijzing_ingangsdatum, "begindatum": p.begindatum,
            "einddatum": p.einddatum, "reden_beeindiging": p.reden_beeindiging, "status": "actueel",
            "bericht_id": msg.id, "verwijderd_door": None, "ontvangen_op": ontvangen, "created_at": msg.received_at,
        })
    # left to the kernel, which writes them with the message and the retour (one statement on PostgreSQL)
    msg.writes.update_by_id(_REGIE, verwijderen, {"status": "verwijderd", "verwijderd_door": msg.id})
    msg.writes.insert(_REGIE, nieuw)


def _te_verwijderen(ctx: RegieContext, p: RegieProduct) -> list[Any]:
    if p.soort == "start":
        return ctx.starts(p.start_sleutel(), raw=True)
    return [r for r in ctx.stops(p.start_sleutel(), raw=True) if r.reden_beeindiging == p.reden_beeindiging]


def _retour(msg: Inbound, outcome: Outcome, bericht: RegieBericht) -> Any:
    codes = {p.el: outcome.codes_for(p) for p in bericht.producten if outcome.codes_for(p)}
    return msg.retour_builder().with_classes(codes)
