"""Loading facts for the reports: one query per kind of fact, scope and simple filters pushed into SQL.

Derived notions computed once here:
- a toewijzing is *ingetrokken* when its newest 301 says RedenWijziging 13 (withdrawn, OP?: Einddatum =
  Ingangsdatum); withdrawn toewijzingen count nowhere except in the feed;
- a start or stop is *effective* when our retour accepted it and no later accepted message with
  StatusAanlevering 3 (verwijderen) removed it (key: toewijzing or product, begindatum; the later one wins).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..models import Antwoord, Prestatie, Regie, RetourOntvangst, Toewijzing, UitgaandBericht, Verzoek
from .base import Filters, Scope, where

INGETROKKEN = "13"


@dataclass
class TW:
    id: int
    gemeente: str
    domein: str
    nummer: int
    aanbieder: str
    client_id: int
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    referentie: str | None
    eerste_toewijzingsdatum: date

    @property
    def ingetrokken(self) -> bool:
        return self.reden_wijziging == INGETROKKEN


def toewijzingen(session: Session, scope: Scope, f: Filters, *, until: date | None = None,
                 include_withdrawn: bool = False) -> list[TW]:
    t = Toewijzing.__table__
    conds = where(t, scope, f)
    if until is not None:
        conds.append(t.c.ingangsdatum <= until)
    cols = [t.c[n] for n in TW.__dataclass_fields__]
    rows = [TW(*r) for r in session.execute(select(*cols).where(*conds))]
    return rows if include_withdrawn else [r for r in rows if not r.ingetrokken]


def toewijzing_index(rows: list[TW]) -> dict[tuple[str, str, int], TW]:
    return {(r.gemeente, r.domein, r.nummer): r for r in rows}


@dataclass
class PR:
    gemeente: str
    aanbieder: str
    domein: str
    declaratie_periode: str
    client_id: int
    toewijzing_nummer: int
    categorie: str
    code: str | None
    begindatum: date
    maand: str
    bedrag: int
    goedgekeurd: bool


def prestaties(session: Session, scope: Scope, f: Filters, van: str, tot: str) -> list[PR]:
    t = Prestatie.__table__
    conds = where(t, scope, f) + [t.c.maand >= van, t.c.maand <= tot]
    cols = [t.c[n] for n in PR.__dataclass_fields__]
    return [PR(*r) for r in session.execute(select(*cols).where(*conds))]


def approved_by_toewijzing(session: Session, scope: Scope, f: Filters) -> dict[tuple[str, str, int], int]:
    """Net approved eurocents per toewijzing over all time (outputgericht budget use)."""
    t = Prestatie.__table__
    out: dict[tuple[str, str, int], int] = defaultdict(int)
    for g, d, n, bedrag in session.execute(
        select(t.c.gemeente, t.c.domein, t.c.toewijzing_nummer, t.c.bedrag)
        .where(*where(t, scope, f, product=False), t.c.goedgekeurd.is_(True))
    ):
        out[(g, d, n)] += int(bedrag)
    return out


@dataclass
class RG:
    soort: str
    gemeente: str
    aanbieder: str
    domein: str
    client_id: int
    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    einddatum: date | None
    dagtekening: date
    bericht_id: str
    reden_beeindiging: str | None = None


def effective_regie(session: Session, scope: Scope, f: Filters) -> list[RG]:
    t = Regie.__table__
    conds = where(t, scope, f, product=False) + [t.c.geaccepteerd.is_(True)]
    latest: dict[tuple[Any, ...], tuple[tuple[date, datetime, str, int], str, RG]] = {}
    for r in session.execute(select(t).where(*conds)):
        key = (r.soort, r.gemeente, r.domein, r.aanbieder, r.client_id, r.toewijzing_nummer,
               None if r.toewijzing_nummer else (r.categorie, r.code), r.begindatum)
        order = (r.dagtekening, r.aangemaakt_op, r.bericht_id, r.volgnummer)
        fact = RG(r.soort, r.gemeente, r.aanbieder, r.domein, r.client_id, r.toewijzing_nummer, r.categorie, r.code,
                  r.begindatum, r.einddatum, r.dagtekening, r.bericht_id, r.reden_beeindiging)
        prev = latest.get(key)
        if prev is None or order > prev[0]:
            latest[key] = (order, r.status_aanlevering, fact)
    return [fact for _, status, fact in latest.values() if status != "3"]


@dataclass
class VZ:
    soort: str
    gemeente: str
    aanbieder: str
    domein: str
    client_id: int
    referentie: str
    categorie: str | None
    code: str | None
    verwijzer_type: str | None
    dagtekening: date
    geaccepteerd: bool
    bericht_id: str


def verzoeken(session: Session, scope: Scope, f: Filters, *, product: bool = False) -> list[VZ]:
    t = Verzoek.__table__
    cols = [t.c[n] for n in VZ.__dataclass_fields__]
    return [VZ(*r) for r in session.execute(select(*cols).where(*where(t, scope, f, product=product)))]


@dataclass
class AW:
    soort: str
    gemeente: str
    aanbieder: str
    domein: str
    referentie: str
    datum: date
    toewijzing_nummer: int | None


def antwoorden(session: Session, scope: Scope, f: Filters) -> dict[tuple[str, str, str, str], list[AW]]:
    """Answers per (gemeente, aanbieder, domein, referentie), oldest first."""
    t = Antwoord.__table__
    cols = [t.c[n] for n in AW.__dataclass_fields__]
    out: dict[tuple[str, str, str, str], list[AW]] = defaultdict(list)
    for r in session.execute(select(*cols).where(*where(t, scope, f, product=False))):
        a = AW(*r)
        out[(a.gemeente, a.aanbieder, a.domein, a.referentie)].append(a)
    for lst in out.values():
        lst.sort(key=lambda a: (a.datum, a.soort))
    return out


@dataclass
class UB:
    bericht_id: str
    bericht_type: str
    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    categorie: str | None
    code: str | None
    referentie: str | None
    retour_datum: date | None


def uitgaand_met_retour(session: Session, scope: Scope, f: Filters) -> list[UB]:
    u, r = UitgaandBericht.__table__, RetourOntvangst.__table__
    join = u.outerjoin(r, and_(r.c.gemeente == u.c.gemeente, r.c.heen_type == u.c.bericht_type,
                               r.c.heen_identificatie == u.c.identificatie,
                               r.c.heen_dagtekening == u.c.dagtekening))
    stmt = select(u.c.bericht_id, u.c.bericht_type, u.c.gemeente, u.c.aanbieder, u.c.domein, u.c.dagtekening,
                  u.c.categorie, u.c.code, u.c.referentie, r.c.dagtekening
                  ).select_from(join).where(*where(u, scope, f, product=False))
    first: dict[str, UB] = {}
    for row in session.execute(stmt):
        ub = UB(*row)
        prev = first.get(ub.bericht_id)
        if prev is None or (ub.retour_datum and (prev.retour_datum is None or ub.retour_datum < prev.retour_datum)):
            first[ub.bericht_id] = ub
    return list(first.values())
