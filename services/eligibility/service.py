"""Answering checks: validate, ask the BRP (cached), load verblijf records and contract facts in a few
set-based queries, run the rules, record every answer in the audit table.

The single check and the batch share one code path (a single check is a batch of one), so they cannot
drift apart. Personal data never reaches a log line: only codes, counts and party codes are logged.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.common.auth import Party
from services.common.logging import get_logger, request_id_var
from services.common.problems import Problem

from .access import reads_gemeente
from .brp.client import BrpClient, Lookup
from .bsn import bsn_hash
from .config import RuleBook
from .contracts.service import facts_for
from .models import Controle, Verblijf, new_id, utcnow
from .rules import Facts, Outcome, Question, Verwijzing, evaluate
from .schemas import CheckRequest
from .settings import EligibilitySettings

log = get_logger("eligibility")
_CHECK = TypeAdapter(CheckRequest)


def brp_problem(reason: str) -> Problem:
    return Problem(503, "brp-onbereikbaar",
                   "De BRP is nu niet bereikbaar; de controle is niet uitgevoerd (er wordt nooit gegokt). "
                   "Probeer het later opnieuw.", headers={"Retry-After": "5"}, extra={"oorzaak": reason})


def problem_dict(problem: Problem) -> dict[str, Any]:
    return problem.body("/v1/checks/batch")


def _invalid_params(exc: ValidationError) -> list[dict[str, str]]:
    # as the kernel's handler does: no "input" echo, so a BSN never comes back
    return [{"name": ".".join(str(p) for p in e["loc"]) or "body", "code": e["type"], "reason": e["msg"]}
            for e in exc.errors()]


def to_question(req: CheckRequest) -> Question:
    v = req.verwijzer
    return Question(
        bsn=req.bsn, peildatum=req.peildatum, gemeente=req.gemeente, domein=req.domein, aanbieder=req.aanbieder,
        categorie=req.product.categorie if req.product else None,
        code=req.product.code if req.product else None,
        verwijzer=Verwijzing(v.type, v.naam, v.zorgverlenerCode, v.datum) if v else None,
        verlenging_tot=req.verlengdeJeugdhulp.totLeeftijd if req.verlengdeJeugdhulp else None,
        verlenging_reden=req.verlengdeJeugdhulp.reden if req.verlengdeJeugdhulp else None,
        einddatum=req.einddatum,
        gemeente_voor_verblijf=req.verblijf.gemeenteVoorVerblijf if req.verblijf else None,
    )


def answer(check_id: str, out: Outcome) -> dict[str, Any]:
    line = out.line
    return {
        "id": check_id,
        "toegestaan": out.toegestaan,
        "verantwoordelijkeGemeente": out.verantwoordelijke_gemeente,
        "uitvoeringsvariant": line.uitvoeringsvariant if line else out.uitvoeringsvariant,
        "eenheid": line.eenheid if line else None,
        "tarief": line.tarief if line else None,
        "contractId": line.id if line else None,
        "signalen": out.signalen,
        "redenen": out.redenen,
    }


@dataclass
class _Item:
    index: int
    question: Question | None = None
    error: dict[str, Any] | None = None


class EligibilityService:
    """One per process (ctx.extras["eligibility"]): the BRP client with its cache, the rule book."""

    def __init__(self, settings: EligibilitySettings, brp: BrpClient | None = None,
                 rulebook: RuleBook | None = None):
        self.settings = settings
        self.brp = brp or BrpClient.from_settings(settings)
        self.rulebook = rulebook or RuleBook.from_file(settings.regels_file)

    def close(self) -> None:
        self.brp.close()

    def hash(self, bsn: str) -> str:
        return bsn_hash(self.settings.bsn_hash_key, bsn)

    # ---- verblijf register ---------------------------------------------------------------------------
    def verblijf_gemeenten(self, session: Session, wanted: dict[str, set[date]]) -> dict[tuple[str, date], str]:
        """(bsn_hash, peildatum) -> gemeente before the stay, for the records valid on that day (newest wins)."""
        found: dict[tuple[str, date], str] = {}
        hashes = sorted(wanted)
        for i in range(0, len(hashes), 500):
            rows = session.scalars(select(Verblijf).where(Verblijf.bsn_hash.in_(hashes[i:i + 500]))
                                   .order_by(Verblijf.created_at)).all()
            for row in rows:
                for day in wanted[row.bsn_hash]:
                    if (row.ingangsdatum is None or row.ingangsdatum <= day) and \
                            (row.einddatum is None or row.einddatum >= day):
                        found[(row.bsn_hash, day)] = row.gemeente_voor_verblijf
        return found

    # ---- checks --------------------------------------------------------------------------------------
    def check(self, session: Session, caller: Party, req: CheckRequest) -> dict[str, Any]:
        """One check. When the BRP cannot be asked the result is {"fout": problem} (and recorded as such)."""
        _authorize(caller, req.gemeente)
        q = to_question(req)
        result = self._run(session, caller, [_Item(0, q)], batch_id=None)[0]
        if "fout" in result:
            log.warning("check_unanswered", gemeente=q.gemeente, oorzaak=result["fout"].get("oorzaak"))
        else:
            log.info("check_answered", gemeente=q.gemeente, aanbieder=q.aanbieder, domein=q.domein,
                     toegestaan=result["toegestaan"], redenen=[r["code"] for r in result["redenen"]],
                     check_id=result["id"])
        return result

    def check_batch(self, session: Session, caller: Party, raw: list[Any]) -> list[dict[str, Any]]:
        started = time.perf_counter()
        items: list[_Item] = []
        for i, data in enumerate(raw):
            try:
                req = _CHECK.validate_python(data)
            except ValidationError as exc:
                items.append(_Item(i, error=problem_dict(Problem(
                    400, "ongeldige-invoer", "De invoer voldoet niet aan het schema.",
                    invalid_params=_invalid_params(exc)))))
                continue
            if not _may_ask(caller, req.gemeente):
                items.append(_Item(i, error=problem_dict(_forbidden(req.gemeente))))
                continue
            items.append(_Item(i, to_question(req)))
        batch_id = new_id()
        results = self._run(session, caller, items, batch_id=batch_id)
        refused = sum(1 for r in results if r.get("toegestaan") is False)
        errors = sum(1 for r in results if "fout" in r)
        log.info("batch_answered", batch_id=batch_id, checks=len(results), afgewezen=refused, fouten=errors,
                 ms=round((time.perf_counter() - started) * 1000))
        return results

    def _run(self, session: Session, caller: Party, items: list[_Item], batch_id: str | None) -> list[dict[str, Any]]:
        questions = [it.question for it in items if it.question is not None]
        lookup = self.brp.get_persons(q.bsn for q in questions) if questions else Lookup({}, {})
        hashes: dict[str, str] = {}
        wanted: dict[str, set[date]] = {}
        for q in questions:
            h = hashes.setdefault(q.bsn, self.hash(q.bsn))
            wanted.setdefault(h, set()).add(q.peildatum)
        verblijven = self.verblijf_gemeenten(session, wanted) if questions else {}
        pairs = {(q.gemeente, q.aanbieder) for q in questions if q.aanbieder}
        contracts = facts_for(session=session, pairs=pairs) if pairs else {}
        rid = request_id_var.get()
        now = utcnow()
        results: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        for it in items:
            if it.question is None:
                results.append({"fout": it.error})
                continue
            q = it.question
            check_id = str(uuid.uuid4())
            row = {"id": check_id, "created_at": now, "gevraagd_door": caller.code, "request_id": rid,
                   "batch_id": batch_id, "bsn_hash": hashes[q.bsn], "gemeente": q.gemeente,
                   "aanbieder": q.aanbieder, "domein": q.domein, "categorie": q.categorie, "code": q.code,
                   "peildatum": q.peildatum, "signalen": [], "verantwoordelijke_gemeente": None,
                   "contract_id": None}
            if q.bsn in lookup.unavailable:
                reason = lookup.unavailable[q.bsn]
                problem = brp_problem(reason)
                results.append({"fout": problem_dict(problem)})
                audit.append({**row, "uitkomst": "brp-onbereikbaar", "redenen": []})
                continue
            regels = self.rulebook.for_gemeente(q.gemeente)
            facts = Facts(person=lookup.persons.get(q.bsn), regels=regels,
                          verblijf_gemeente=verblijven.get((hashes[q.bsn], q.peildatum)),
                          contract=contracts.get((q.gemeente, q.aanbieder)) if q.aanbieder else None)
            out = evaluate(q, facts)
            result = answer(check_id, out)
            results.append(result)
            audit.append({**row, "uitkomst": "toegestaan" if out.toegestaan else "afgewezen",
                          "redenen": out.codes(), "signalen": [s["code"] for s in out.signalen],
                          "verantwoordelijke_gemeente": out.verantwoordelijke_gemeente,
                          "contract_id": result["contractId"]})
        if audit:
            # Core executemany: one statement for the whole batch (the ORM bulk path splits it up)
            session.execute(Controle.__table__.insert(), audit)
        return results


def _may_ask(caller: Party, gemeente: str) -> bool:
    return caller.is_service or (caller.kind in ("gemeente", "regio") and reads_gemeente(caller, gemeente))


def _forbidden(gemeente: str) -> Problem:
    return Problem(403, "niet-uw-gemeente",
                   f"U mag alleen controles doen voor uw eigen gemeente, niet voor {gemeente}.")


def _authorize(caller: Party, gemeente: str) -> None:
    if not _may_ask(caller, gemeente):
        raise _forbidden(gemeente)


# ---- audit trail ---------------------------------------------------------------------------------------
def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def controle_out(row: Controle) -> dict[str, Any]:
    created = as_utc(row.created_at)
    return {
        "id": row.id, "tijdstip": created, "gevraagdDoor": row.gevraagd_door, "gemeente": row.gemeente,
        "aanbieder": row.aanbieder, "domein": row.domein,
        "product": {"categorie": row.categorie, "code": row.code} if row.categorie else None,
        "peildatum": row.peildatum, "uitkomst": row.uitkomst, "redenen": list(row.redenen or []),
        "signalen": list(row.signalen or []), "verantwoordelijkeGemeente": row.verantwoordelijke_gemeente,
        "contractId": row.contract_id, "batchId": row.batch_id, "requestId": row.request_id,
    }


def _audit_visibility(caller: Party):  # type: ignore[no-untyped-def]
    if caller.is_service:
        return None
    return or_(Controle.gemeente.in_(caller.scope()), Controle.gevraagd_door == caller.code)


def list_controles(*, session: Session, caller: Party, filters: dict[str, Any], page: int,
                   page_size: int) -> tuple[int, list[dict[str, Any]]]:
    conds = []
    vis = _audit_visibility(caller)
    if vis is not None:
        conds.append(vis)
    for field, column in (("gemeente", Controle.gemeente), ("aanbieder", Controle.aanbieder),
                          ("uitkomst", Controle.uitkomst), ("batchId", Controle.batch_id),
                          ("gevraagdDoor", Controle.gevraagd_door)):
        if filters.get(field):
            conds.append(column == filters[field])
    if filters.get("vanaf"):
        conds.append(Controle.created_at >= filters["vanaf"])
    total = int(session.scalar(select(func.count()).select_from(Controle).where(*conds)) or 0)
    rows = session.scalars(select(Controle).where(*conds).order_by(Controle.created_at.desc(), Controle.id)
                           .offset((page - 1) * page_size).limit(page_size)).all()
    return total, [controle_out(r) for r in rows]


def get_controle(*, session: Session, caller: Party, check_id: str) -> dict[str, Any]:
    row = session.get(Controle, check_id)
    if row is None or not (caller.is_service or row.gemeente in caller.scope() or row.gevraagd_door == caller.code):
        raise Problem(404, "niet-gevonden", "Deze controle bestaat niet (of is niet van u).")
    return controle_out(row)
