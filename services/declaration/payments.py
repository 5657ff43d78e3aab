"""What to pay: per gemeente, aanbieder and DeclaratiePeriode the approved and rejected totals and the lines
behind them; payment blocks; and the payment schedule of taakgericht contracts (lump sum or budget).

Money is integer eurocents, signed (a credit is negative). A payment block holds payments, it does not stop
judging: the declaraties are still judged and answered, their totals show with status "aangehouden".
"""
from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.common.auth import Party

from .contracts import terms_or_503
from .domain import ContractLine
from .models import Betaalblokkade, Declaratie, Prestatie
from .periods import months_touched

if TYPE_CHECKING:
    from services.common.app import ServiceContext

TE_BETALEN, AANGEHOUDEN = "te-betalen", "aangehouden"


def visible(party: Party, gemeente_col: Any, aanbieder_col: Any) -> Any:
    """Every party sees only its own data: a gemeente its payments, an aanbieder its own, a regio its members'."""
    scope = party.scope()
    if party.kind == "aanbieder":
        return aanbieder_col.in_(scope)
    if party.kind in ("gemeente", "regio"):
        return gemeente_col.in_(scope)
    return gemeente_col.in_(())  # nothing for other kinds


def active_blocks(session: Session, pairs: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], Betaalblokkade]:
    stmt = select(Betaalblokkade).where(Betaalblokkade.actief.is_(True))
    blocks = {(b.gemeente, b.aanbieder): b for b in session.scalars(stmt)}
    if pairs is not None:
        blocks = {k: v for k, v in blocks.items() if k in pairs}
    return blocks


@dataclass
class PaymentFilter:
    periode: str
    gemeente: str | None = None
    aanbieder: str | None = None
    domein: str | None = None


def _where(party: Party, f: PaymentFilter, table: Any) -> list[Any]:
    c = table.c
    where = [c.periode == f.periode, visible(party, c.gemeente, c.aanbieder)]
    if f.gemeente:
        where.append(c.gemeente == f.gemeente)
    if f.aanbieder:
        where.append(c.aanbieder == f.aanbieder)
    if f.domein:
        where.append(c.domein == f.domein)
    return where


def _prestatie_where(party: Party, f: PaymentFilter) -> list[Any]:
    """Prestaties of the visible declaraties of the period: through the declaratie (indexed by gemeente and
    periode) and prestatie.declaratie_id, so the big prestatie table needs no extra index for payments."""
    d = Declaratie.__table__.c
    ids = select(d.id).where(*_where(party, f, Declaratie.__table__))
    return [Prestatie.__table__.c.declaratie_id.in_(ids)]


def summaries(session: Session, party: Party, f: PaymentFilter) -> list[dict[str, Any]]:
    p = Prestatie.__table__.c
    approved = func.sum(case((p.goedgekeurd.is_(True), p.bedrag_cents), else_=0))
    rejected = func.sum(case((p.goedgekeurd.is_(False), p.bedrag_cents), else_=0))
    n_ok = func.sum(case((p.goedgekeurd.is_(True), 1), else_=0))
    stmt = (
        select(p.gemeente, p.aanbieder, func.count(), n_ok, approved, rejected)
        .where(*_prestatie_where(party, f))
        .group_by(p.gemeente, p.aanbieder)
        .order_by(p.gemeente, p.aanbieder)
    )
    rows = session.execute(stmt).all()
    d = Declaratie.__table__.c
    decls: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in session.execute(
        select(d.id, d.gemeente, d.aanbieder, d.domein, d.declaratie_nummer, d.ingediend_cents, d.toegekend_cents,
               d.oordeel, d.ontvangen_op)
        .where(*_where(party, f, Declaratie.__table__)).order_by(d.ontvangen_op)
    ):
        decls.setdefault((row.gemeente, row.aanbieder), []).append({
            "id": row.id, "declaratieNummer": row.declaratie_nummer, "domein": row.domein,
            "ingediendBedrag": row.ingediend_cents, "toegekendBedrag": row.toegekend_cents, "oordeel": row.oordeel,
        })
    blocks = active_blocks(session)
    out = []
    for gemeente, aanbieder, count, n_ok, ok_cents, rej_cents in rows:
        block = blocks.get((gemeente, aanbieder))
        out.append({
            "gemeente": gemeente, "aanbieder": aanbieder, "periode": f.periode,
            "goedgekeurdBedrag": int(ok_cents or 0), "afgewezenBedrag": int(rej_cents or 0),
            "aantalPrestaties": int(count), "aantalGoedgekeurd": int(n_ok or 0),
            "aantalAfgewezen": int(count) - int(n_ok or 0),
            "status": AANGEHOUDEN if block else TE_BETALEN,
            "blokkade": block_json(block, party) if block else None,
            "declaraties": decls.get((gemeente, aanbieder), []),
        })
    return out


LINE_FIELDS = ("gemeente", "aanbieder", "periode", "declaratieNummer", "referentieNummer", "vorigReferentieNummer",
               "bsn", "toewijzingNummer", "categorie", "code", "begindatum", "einddatum", "volume", "eenheid",
               "tarief", "bedrag", "debetCredit", "oordeel", "retourcodes", "regels", "uitvoeringsvariant", "status")


def lines(session: Session, party: Party, f: PaymentFilter, *, offset: int = 0, limit: int | None = None,
          only: str | None = None) -> Iterator[dict[str, Any]]:
    p = Prestatie.__table__.c
    d = Declaratie.__table__.c
    where = _prestatie_where(party, f)
    if only == "goedgekeurd":
        where.append(p.goedgekeurd.is_(True))
    elif only == "afgewezen":
        where.append(p.goedgekeurd.is_(False))
    stmt = (
        select(p.gemeente, p.aanbieder, p.periode, d.declaratie_nummer, p.referentie_nummer,
               p.vorig_referentie_nummer, p.bsn, p.toewijzing_nummer, p.categorie, p.code, p.begindatum,
               p.einddatum, p.volume, p.eenheid, p.tarief, p.bedrag_cents, p.goedgekeurd, p.retourcodes, p.regels,
               p.variant)
        .join(Declaratie.__table__, d.id == p.declaratie_id)
        .where(*where)
        .order_by(p.gemeente, p.aanbieder, p.id)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    blocks = active_blocks(session)
    for r in session.execute(stmt).yield_per(2000):
        yield {
            "gemeente": r.gemeente, "aanbieder": r.aanbieder, "periode": r.periode,
            "declaratieNummer": r.declaratie_nummer, "referentieNummer": r.referentie_nummer,
            "vorigReferentieNummer": r.vorig_referentie_nummer, "bsn": r.bsn, "toewijzingNummer": r.toewijzing_nummer,
            "categorie": r.categorie, "code": r.code, "begindatum": r.begindatum.isoformat(),
            "einddatum": r.einddatum.isoformat(), "volume": r.volume, "eenheid": r.eenheid, "tarief": r.tarief,
            "bedrag": abs(r.bedrag_cents), "debetCredit": "C" if r.bedrag_cents < 0 else "D",
            "oordeel": "goedgekeurd" if r.goedgekeurd else "afgewezen",
            "retourcodes": (r.retourcodes or "").split(), "regels": (r.regels or "").split(),
            "uitvoeringsvariant": r.variant,
            "status": (AANGEHOUDEN if (r.gemeente, r.aanbieder) in blocks else TE_BETALEN) if r.goedgekeurd else None,
        }


def count_lines(session: Session, party: Party, f: PaymentFilter, only: str | None = None) -> int:
    p = Prestatie.__table__.c
    where = _prestatie_where(party, f)
    if only == "goedgekeurd":
        where.append(p.goedgekeurd.is_(True))
    elif only == "afgewezen":
        where.append(p.goedgekeurd.is_(False))
    return int(session.scalar(select(func.count()).select_from(Prestatie.__table__).where(*where)) or 0)


def csv_rows(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """CSV (RFC 4180, comma separated, amounts in eurocent) streamed line by line."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(LINE_FIELDS)
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow([" ".join(row[k]) if isinstance(row[k], list) else ("" if row[k] is None else row[k])
                         for k in LINE_FIELDS])
        yield buf.getvalue()


def block_json(block: Betaalblokkade, party: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"gemeente": block.gemeente, "aanbieder": block.aanbieder, "actief": block.actief,
                           "sinds": block.sinds.isoformat() if block.sinds else None}
    if party.kind != "aanbieder":  # the reason (e.g. suspected fraud) is the gemeente's, not the aanbieder's
        out["reden"] = block.reden
        out["gewijzigdDoor"] = block.gewijzigd_door
        out["gewijzigdOp"] = block.gewijzigd_op.isoformat() if block.gewijzigd_op else None
    return out


# ---- taakgericht: payment schedule ------------------------------------------------------------------
PERIODS_PER_YEAR = {"maand": 12, "kwartaal": 4, "jaar": 1}


def _term_months(kind: str, index: int) -> tuple[int, int]:
    """First and last month (1-12) of term `index` (0-based) of a lump sum paid per `kind`."""
    size = 12 // PERIODS_PER_YEAR[kind]
    return index * size + 1, index * size + size


def _term_label(year: int, kind: str, index: int) -> str:
    if kind == "maand":
        return f"{year:04d}-{index + 1:02d}"
    if kind == "kwartaal":
        return f"{year:04d}-Q{index + 1}"
    return f"{year:04d}"


def _covered_months(line: ContractLine, year: int, first: int, last: int) -> int:
    start, end = date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    lo = max(start, line.geldig_vanaf)
    hi = min(end, line.geldig_tot) if line.geldig_tot else end
    if hi < lo:
        return 0
    return months_touched(lo, hi)


def schedule_for_line(line: ContractLine, year: int) -> list[dict[str, Any]]:
    """Terms of one taakgericht contract line in `year`: its lump sum per maand/kwartaal/jaar, or (no lump
    sum) its budgetplafond as a yearly budget in twelve monthly terms. A term the contract covers only partly
    is paid pro rata per month; the last term of a budget takes the remainder cents."""
    lumpsum = line.lumpsum or {}
    terms: list[dict[str, Any]] = []
    if lumpsum.get("bedrag") is not None:
        kind = str(lumpsum.get("periode") or "maand")
        if kind not in PERIODS_PER_YEAR:
            kind = "maand"
        amount = int(lumpsum["bedrag"])
        per_term_months = 12 // PERIODS_PER_YEAR[kind]
        for i in range(PERIODS_PER_YEAR[kind]):
            first, last = _term_months(kind, i)
            covered = _covered_months(line, year, first, last)
            if covered:
                terms.append({"termijn": _term_label(year, kind, i),
                              "bedrag": amount * covered // per_term_months})
        return terms
    if line.budgetplafond is not None:
        months = [m for m in range(1, 13) if _covered_months(line, year, m, m)]
        if not months:
            return terms
        share = line.budgetplafond * len(months) // 12  # a contract valid part of the year: its share
        each = share // len(months)
        for i, m in enumerate(months):
            amount = each if i < len(months) - 1 else share - each * (len(months) - 1)
            terms.append({"termijn": f"{year:04d}-{m:02d}", "bedrag": amount})
    return terms


def betaalschema(ctx: ServiceContext, session: Session, party: Party, year: int,
                 pairs: Sequence[tuple[str, str]], domein: str | None = None) -> list[dict[str, Any]]:
    blocks = active_blocks(session)
    out: list[dict[str, Any]] = []
    domains = [domein] if domein else ["jeugd", "wmo"]
    for gemeente, aanbieder in pairs:
        for dom in domains:
            # revalidated: the schedule is read right after a contract change, not judged in bulk
            terms = terms_or_503(ctx, gemeente, aanbieder, dom, revalidate=True)
            held = (gemeente, aanbieder) in blocks
            for line in terms.all_lines():
                if line.uitvoeringsvariant != "taakgericht":
                    continue
                termijnen = schedule_for_line(line, year)
                if not termijnen:
                    continue
                for t in termijnen:
                    t["status"] = AANGEHOUDEN if held else TE_BETALEN
                out.append({
                    "gemeente": gemeente, "aanbieder": aanbieder, "domein": dom,
                    "product": {"categorie": line.categorie, "code": line.code, "naam": line.naam},
                    "contractId": line.contract_id,
                    "grondslag": "lumpsum" if (line.lumpsum or {}).get("bedrag") is not None else "budget",
                    "totaal": sum(t["bedrag"] for t in termijnen),
                    "status": AANGEHOUDEN if held else TE_BETALEN,
                    "termijnen": termijnen,
                })
    return out

