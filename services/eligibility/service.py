"""Answering checks: validate, ask the BRP (cached), load verblijf records and contract facts in a few
set-based queries, run the rules, record every answer in the audit table.

The single check and the batch share one code path (a single check is a batch of one), so they cannot
drift apart. Every check answered is recorded, also the refused ones (invalid input, not your gemeente,
wrong role, BRP unavailable): who asked, when, the outcome. A refused check keeps only validated codes of
its input (gemeente, domein, peildatum) and the keyed hash of its BSN when that BSN is valid; never the
BSN itself, never an invalid BSN in any form. Personal data never reaches a log line: only codes, counts
and party codes are logged.
"""
from __future__ import annotations

import json
import math
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import JSON, func, or_, select
from sqlalchemy.orm import Session

from services.common.auth import Party
from services.common.clock import today_nl
from services.common.logging import get_logger, request_id_var
from services.common.problems import Problem

from .access import reads_gemeente
from .brp.client import BrpClient, BrpError, BrpRequestInvalid, Lookup
from .bsn import bsn_hash, is_valid_bsn
from .codes import DOMEINEN
from .config import RuleBook
from .contracts.service import facts_for
from .models import Controle, Verblijf, new_id, utcnow
from .reasons import by_priority
from .rules import Facts, Outcome, Question, Verwijzing, evaluate
from .schemas import CheckRequest
from .settings import EligibilitySettings

log = get_logger("eligibility")
_CHECK = TypeAdapter(CheckRequest)
GEMEENTE_RE = re.compile(r"[0-9]{4}")  # fullmatch: "$" would let a trailing newline through to String(4)
DEFAULT_RETRY_AFTER = 5


def brp_problem(err: BrpError) -> Problem:
    """503 when the BRP cannot be asked (with the BRP's or the breaker's Retry-After when known); 502 when the
    BRP calls our own request invalid: a configuration error here that retrying will not fix."""
    if isinstance(err, BrpRequestInvalid):
        return Problem(502, "brp-verzoek-ongeldig",
                       "De BRP weigert het verzoek van deze dienst als ongeldig: een configuratiefout aan onze kant, "
                       "geen storing van de BRP. De controle is niet uitgevoerd; de beheerder is gewaarschuwd.",
                       extra={"oorzaak": err.reason})
    retry = max(1, math.ceil(err.retry_after)) if err.retry_after else DEFAULT_RETRY_AFTER
    return Problem(503, "brp-onbereikbaar",
                   "De BRP is nu niet bereikbaar; de controle is niet uitgevoerd (er wordt nooit gegokt). "
                   "Probeer het later opnieuw.", headers={"Retry-After": str(retry)},
                   extra={"oorzaak": err.reason, "retryAfter": retry})


def problem_dict(problem: Problem) -> dict[str, Any]:
    return problem.body("/v1/checks/batch")


def problem_of(body: dict[str, Any]) -> Problem:
    """The Problem again from a recorded {"fout": body}, to answer a single check with it (after the commit
    that keeps its audit row)."""
    retry = body.get("retryAfter")
    return Problem(int(body["status"]), str(body["code"]), str(body["detail"]), title=body.get("title"),
                   invalid_params=body.get("invalidParams"), headers={"Retry-After": str(retry)} if retry else None,
                   extra={k: body[k] for k in ("oorzaak", "retryAfter") if k in body})


def _invalid_params(exc: ValidationError) -> list[dict[str, str]]:
    # as the kernel's handler does: no "input" echo, so a BSN never comes back
    return [{"name": ".".join(str(p) for p in e["loc"]) or "body", "code": e["type"], "reason": e["msg"]}
            for e in exc.errors()]


def to_question(req: CheckRequest) -> Question:
    v, ext, woonplaats = req.verwijzer, req.verlengdeJeugdhulp, req.woonplaats
    return Question(
        bsn=req.bsn, peildatum=req.peildatum, gemeente=req.gemeente, domein=req.domein, aanbieder=req.aanbieder,
        categorie=req.product.categorie if req.product else None,
        code=req.product.code if req.product else None,
        verwijzer=Verwijzing(v.type, v.naam, v.zorgverlenerCode, v.datum) if v else None,
        verlenging=ext is not None,
        verlenging_grond=ext.grond if ext else None,
        verlenging_tot=ext.totLeeftijd if ext else None,
        einddatum=req.einddatum,
        gemeente_voor_verblijf=req.verblijf.gemeenteVoorVerblijf if req.verblijf else None,
        woonplaats_gemeente=woonplaats.gemeente if woonplaats else None,
        woonplaats_grond=woonplaats.grond if woonplaats else None,
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
        # the reason a 319 carries first, so a caller that takes the first coded reason takes the right one
        "redenen": by_priority(out.redenen),
        "afwijzing": out.afwijzing(),
    }


def _given(data: Any) -> dict[str, Any]:
    """What the audit row of a refused check keeps of its input: codes that pass their pattern, and the BSN
    only when it is valid (to be hashed). No aanbieder or product: a refused caller's guesses are no record
    of anyone's care."""
    d = data if isinstance(data, dict) else {}
    gemeente, domein, bsn = d.get("gemeente"), d.get("domein"), d.get("bsn")
    peildatum = d.get("peildatum")
    if isinstance(peildatum, str):
        try:
            peildatum = date.fromisoformat(peildatum)
        except ValueError:
            peildatum = None
    return {"gemeente": gemeente if isinstance(gemeente, str) and GEMEENTE_RE.fullmatch(gemeente) else None,
            "domein": domein if domein in DOMEINEN else None,
            "peildatum": peildatum if isinstance(peildatum, date) else None,
            "valid_bsn": bsn if isinstance(bsn, str) and is_valid_bsn(bsn) else None}


def _error_codes(error: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(str(p.get("code")) for p in error.get("invalidParams") or []))


@dataclass
class _Item:
    index: int
    question: Question | None = None
    error: dict[str, Any] | None = None  # the problem body of a check refused before the rules
    raw: Any = None  # its input, for the audit row (see _given)


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
        """One check. A check that is not answered (not the caller's gemeente, the BRP unavailable) gives
        {"fout": problem} and is recorded as such; the caller raises it after the commit."""
        if not _may_ask(caller, req.gemeente):
            raw = {"bsn": req.bsn, "gemeente": req.gemeente, "domein": req.domein, "peildatum": req.peildatum}
            result = self._run(session, caller, [_Item(0, error=problem_dict(_forbidden(req.gemeente)), raw=raw)],
                               batch_id=None)[0]
            log.info("check_refused", gemeente=req.gemeente, uitkomst="niet-uw-gemeente")
            return result
        q = to_question(req)
        result = self._run(session, caller, [_Item(0, q)], batch_id=None)[0]
        if "fout" in result:
            log.warning("check_unanswered", gemeente=q.gemeente, oorzaak=result["fout"].get("oorzaak"),
                        uitkomst=result["fout"].get("code"))
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
                    invalid_params=_invalid_params(exc))), raw=data))
                continue
            if not _may_ask(caller, req.gemeente):
                items.append(_Item(i, error=problem_dict(_forbidden(req.gemeente)), raw=data))
                continue
            items.append(_Item(i, to_question(req)))
        batch_id = new_id()
        results = self._run(session, caller, items, batch_id=batch_id)
        refused = sum(1 for r in results if r.get("toegestaan") is False)
        errors = sum(1 for r in results if "fout" in r)
        log.info("batch_answered", batch_id=batch_id, checks=len(results), afgewezen=refused, fouten=errors,
                 ms=round((time.perf_counter() - started) * 1000))
        return results

    def record_refused(self, session: Session, caller: Party, raws: list[Any], problem: Problem,
                       batch: bool = False) -> None:
        """Checks refused before they reach the service (schema, role): recorded all the same."""
        body = problem_dict(problem)
        self._run(session, caller, [_Item(i, error=body, raw=r) for i, r in enumerate(raws)],
                  batch_id=new_id() if batch else None)
        log.info("check_refused", uitkomst=problem.code, checks=len(raws))

    def _refused_row(self, it: _Item, base: dict[str, Any]) -> dict[str, Any]:
        error = it.error or {}
        given = _given(it.raw)
        valid_bsn = given.pop("valid_bsn")
        return {**base, "id": str(uuid.uuid4()), **given, "bsn_hash": self.hash(valid_bsn) if valid_bsn else None,
                "aanbieder": None, "categorie": None, "code": None, "uitkomst": str(error.get("code", "onbekend")),
                "redenen": _error_codes(error), "signalen": [], "verantwoordelijke_gemeente": None,
                "contract_id": None}

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
        today = today_nl()
        base = {"created_at": utcnow(), "gevraagd_door": caller.code, "request_id": request_id_var.get(),
                "batch_id": batch_id}
        results: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        for it in items:
            if it.question is None:
                results.append({"fout": it.error})
                audit.append(self._refused_row(it, base))
                continue
            q = it.question
            check_id = str(uuid.uuid4())
            row = {**base, "id": check_id, "bsn_hash": hashes[q.bsn], "gemeente": q.gemeente,
                   "aanbieder": q.aanbieder, "domein": q.domein, "categorie": q.categorie, "code": q.code,
                   "peildatum": q.peildatum, "signalen": [], "verantwoordelijke_gemeente": None,
                   "contract_id": None}
            if q.bsn in lookup.unavailable:
                problem = brp_problem(lookup.unavailable[q.bsn])
                results.append({"fout": problem_dict(problem)})
                audit.append({**row, "uitkomst": problem.code, "redenen": []})
                continue
            regels = self.rulebook.for_gemeente(q.gemeente)
            facts = Facts(person=lookup.persons.get(q.bsn), regels=regels, vandaag=today,
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
            insert_controles(session, audit)
        return results


_CONTROLE_COLUMNS = tuple(c.name for c in Controle.__table__.columns)
_JSON_COLUMNS = frozenset(c.name for c in Controle.__table__.columns if isinstance(c.type, JSON))


def insert_controles(session: Session, rows: list[dict[str, Any]]) -> None:
    """The audit rows of a check or a batch in one go: COPY on PostgreSQL (a 10,000-check batch spent a third of
    its time in the ORM's per-parameter processing of an executemany), one Core executemany on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(Controle.__table__.insert(), rows)
        return
    dbapi = session.connection().connection.dbapi_connection
    with dbapi.cursor() as cur, cur.copy(  # type: ignore[union-attr]
            f"COPY controle ({', '.join(_CONTROLE_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(json.dumps(row.get(c, [])) if c in _JSON_COLUMNS else row.get(c)
                                 for c in _CONTROLE_COLUMNS))


def _may_ask(caller: Party, gemeente: str) -> bool:
    return caller.is_service or (caller.kind in ("gemeente", "regio") and reads_gemeente(caller, gemeente))


def _forbidden(gemeente: str) -> Problem:
    return Problem(403, "niet-uw-gemeente",
                   f"U mag alleen controles doen voor uw eigen gemeente, niet voor {gemeente}.")


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
