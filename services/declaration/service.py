"""Judging a 323 into a 325: the handler the kernel pipeline calls inside its transaction.

    read (positional, once) → XSLT-level rules (0001) → contract terms (one HTTP call or the cache)
    → lock the aanbieder → Declaratie rules (9333, 8214) → load toewijzingen, usage, earlier
    prestaties (a few set-based queries) → Client and Prestatie rules → write declaratie + prestaties
    (COPY / executemany) → the 325 (only rejected clients and prestaties, IV087)

Everything happens in the session the pipeline hands over, which also stores the inbound 323 and the 325:
a crash anywhere leaves nothing, and the same message sent again is judged again to the same answer (the
325's identification is derived from the 323's, so even that matches).
"""
from __future__ import annotations

import base64
import hashlib
import os
import signal
import time
from collections.abc import Iterator
from datetime import date

from sqlalchemy.orm import Session

from services.common.clock import today_nl
from services.common.gcpause import gc_paused
from services.common.logging import get_logger
from services.common.messages.antwoord import RejectedClient
from services.common.messages.codes import GEEN_OPMERKING, NIET_BEOORDEELD
from services.common.pipeline import Inbound, Reply, reads_in_parts
from services.common.rules import Failure, Outcome, run_rules
from services.common.store.models import new_id
from services.common.xml.parts import PartSpec

from . import store
from .contracts import terms_or_503
from .domain import DeclaratieIn, PrestatieIn
from .extract import client_element, extract, prestatie_element, read_part
from .models import Declaratie
from .rules import CLIENT_RULES, DECLARATIE_RULES, PRESTATIE_CUMULATIVE, PRESTATIE_STATIC, JudgeContext
from .rules.base import rules_for_kind

log = get_logger("declaratie")


class Phases:
    """Wall-clock time per phase of judging, logged with every declaratie (operations and the benchmark)."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.ms: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.ms[name] = round((now - self.last) * 1000, 1)
        self.last = now

    @property
    def total_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)


@reads_in_parts(PartSpec("Clienten", "Client", read_part))
def handle_declaratie(msg: Inbound, session: Session) -> Reply:
    with gc_paused():
        return _handle(msg, session)


def _handle(msg: Inbound, session: Session) -> Reply:
    phase = Phases()
    decl = extract(msg)
    phase("lezen")

    # controleniveau 2: rules inside the message; any failure → header-only 0001, not processed
    outcome = run_rules(msg.mtype.code, msg.mtype.number, {"Declaratie": [decl]}, None, levels=("bericht",))
    phase("berichtregels")
    if outcome.technical:
        root = msg.header_only_reply(["0001"], technical=True)
        return Reply(root, "verworpen", outcome, in_mailbox=False)

    # the contract before any lock: the only HTTP call, never inside the critical section
    products = {(p.categorie, p.code) for p in decl.prestaties}
    terms = terms_or_503(msg.ctx, decl.gemeente, decl.aanbieder, decl.domein, products)
    phase("contract")

    store.lock_aanbieder(session, decl.aanbieder, decl.domein)
    ctx = JudgeContext(decl=decl, terms=terms, today=today_nl())
    ctx.nummer_taken = store.nummer_taken(session, decl.aanbieder, decl.domein, decl.nummer)
    ctx.last_periode_begin = store.last_periode_begin(session, decl.aanbieder, decl.gemeente, decl.domein)
    ident = antwoord_identificatie(msg)
    for code, retourcode, func in DECLARATIE_RULES:
        if not func(decl, ctx):
            decl.codes.append(retourcode)
            decl.rules.append(code)
    if decl.codes:
        # IV087: a fault in the Declaratie class → header 0200, the code on DeclaratieAntwoord, toegekend 0;
        # the declaratie counts as not sent, so nothing of it is stored as judged
        root = msg.antwoord_builder().answer(ingediend_cents=decl.totaal, toegekend_cents=0,
                                             antwoord_codes=decl.codes, identificatie=ident)
        failures = [Failure(code, rc, "Declaratie", "klasse", None) for code, rc in zip(decl.rules, decl.codes)]
        return Reply(root, "afgekeurd", Outcome(failures), in_mailbox=False)

    phase("declaratieregels")
    load_context(session, ctx)
    phase("laden")
    judge(ctx)
    phase("regels")
    declaratie_id = persist(session, msg, ctx, ident)
    phase("opslaan")
    maybe_crash(msg)

    approved = sum(p.signed for p in decl.prestaties if p.approved)
    rejected = rejected_clients(msg, decl)
    root = msg.antwoord_builder().answer(ingediend_cents=decl.totaal, toegekend_cents=approved, rejected=rejected,
                                         identificatie=ident)
    n_rejected = sum(1 for p in decl.prestaties if not p.approved)
    verdict = oordeel(len(decl.prestaties), n_rejected)
    phase("antwoord")
    log.info("declaratie_beoordeeld", declaratie=declaratie_id, prestaties=len(decl.prestaties),
             afgewezen=n_rejected, oordeel=verdict, delen=msg.parts.count if msg.parts else 1,
             duur_ms=phase.total_ms, fases_ms=phase.ms)
    return Reply(root, verdict, summary_outcome(decl), extra_headers={"Declaratie-Id": declaratie_id})


def antwoord_identificatie(msg: Inbound) -> str:
    """The 325's BerichtIdentificatie, derived from the 323's (12 characters), so that judging the same
    declaratie again after a crash produces the same answer."""
    key = f"{msg.sender}|{msg.mtype.code}|{msg.header.identificatie}|{msg.header.dagtekening.isoformat()}"
    return base64.b32encode(hashlib.sha256(key.encode()).digest()).decode()[:12]


def load_context(session: Session, ctx: JudgeContext) -> None:
    decl = ctx.decl
    gemeente, domein, aanbieder = decl.gemeente, decl.domein, decl.aanbieder
    found = store.load_toewijzingen(session, gemeente, domein, {p.nummer for p in decl.prestaties})
    # another aanbieder's toewijzing is as good as unknown (TR338), and its details never leak
    ctx.toewijzingen = {n: t for n, t in found.items() if t.aanbieder == aanbieder}
    terms = ctx.terms
    for p in decl.prestaties:
        p.t = ctx.toewijzingen.get(p.nummer)
        p.line = terms.line_for(p.categorie, p.code, p.begin)
    known = {t.bsn for t in ctx.toewijzingen.values()}
    unknown = [c.bsn for c in decl.clients if c.bsn not in known]
    if unknown:
        known |= store.clients_with_toewijzing(session, gemeente, domein, aanbieder, unknown)
    ctx.known_clients = known
    refs = {p.ref for p in decl.prestaties}
    refs.update(p.vorig for p in decl.prestaties if p.vorig)
    ctx.earlier_refs = store.earlier_refs(session, aanbieder, domein, refs)
    nummers = list(ctx.toewijzingen)
    ctx.used_volume, ctx.used_amount = store.usage(session, gemeente, domein, nummers)
    ctx.usage_rows = set(ctx.used_volume)
    ctx.open_debets = store.open_debets(session, gemeente, domein, nummers,
                                        {p.begin for p in decl.prestaties if p.dc != "C"})


def judge(ctx: JudgeContext) -> None:
    decl = ctx.decl
    judged: list[PrestatieIn] = []
    for c in decl.clients:
        for code, retourcode, func in CLIENT_RULES:
            if not func(c, ctx):
                c.codes.append(retourcode)
                c.rules.append(code)
        if c.codes:
            for p in c.prestaties:  # IV087: the client's prestaties are returned as not judged
                p.fail(NIET_BEOORDEELD)
        else:
            judged.extend(c.prestaties)

    credits = [p for p in judged if p.dc == "C"]
    debets = [p for p in judged if p.dc != "C"]
    # static rules rule by rule (a comprehension per rule finds the few failures fast); the codes on a
    # prestatie still come in rule order, and TR314 claims ReferentieNummers in message order
    for kind, group in (("debet", debets), ("credit", credits)):
        for func, code, retourcode in rules_for_kind(PRESTATIE_STATIC, kind):
            failed = [(p, result) for p in group if (result := func(p, ctx)) is not True and result is not None]
            for p, result in failed:
                p.fail(result if result.__class__ is str else retourcode, code)

    # cumulative rules prestatie by prestatie, credits first, then debets (OP366), each in message order:
    # what one approves changes what the next may use
    for kind, group in (("credit", credits), ("debet", debets)):
        checks = rules_for_kind(PRESTATIE_CUMULATIVE, kind)
        for p in group:
            for func, code, retourcode in checks:
                result = func(p, ctx)
                if result is not True and result is not None:
                    p.fail(result if result.__class__ is str else retourcode, code)
            if not p.codes:
                p.approved = True
                _apply(p, ctx)


def _apply(p: PrestatieIn, ctx: JudgeContext) -> None:
    """An approved prestatie changes what later prestaties of the batch may use."""
    if p.dc == "C":
        debet = p.debet_of_credit
        assert debet is not None  # TR323 passed: the same toewijzing, product and period
        _use(ctx, debet.nummer, -debet.volume_norm, -debet.signed)
        ctx.open_debets.pop((debet.nummer, debet.categorie, debet.code, debet.begin, debet.eind), None)
        ctx.credited.add(debet.ref)
        return
    _use(ctx, p.nummer, p.volume_norm, p.amount)
    ctx.open_debets[p.product_key] = p  # TR389 only asks whether the key is taken


def _use(ctx: JudgeContext, n: int, volume: int, amount: int) -> None:
    """Volume and amount a toewijzing uses, for the rest of the batch and for its stored totals (verbruik)."""
    ctx.used_volume[n] = ctx.used_volume.get(n, 0) + volume
    ctx.used_amount[n] = ctx.used_amount.get(n, 0) + amount
    old = ctx.usage_added.get(n, (0, 0))
    ctx.usage_added[n] = (old[0] + volume, old[1] + amount)


def persist(session: Session, msg: Inbound, ctx: JudgeContext, ident: str) -> str:
    decl = ctx.decl
    declaratie_id = new_id()
    approved = sum(p.signed for p in decl.prestaties if p.approved)
    n_rejected = sum(1 for p in decl.prestaties if not p.approved)
    session.add(Declaratie(
        id=declaratie_id, bericht_id=msg.id, gemeente=decl.gemeente, aanbieder=decl.aanbieder, domein=decl.domein,
        declaratie_nummer=decl.nummer, periode=decl.periode, periode_begin=decl.periode_begin,
        periode_eind=decl.periode_eind, declaratie_dagtekening=decl.dagtekening, ingediend_cents=decl.totaal,
        toegekend_cents=approved, afgewezen_cents=decl.totaal - approved, aantal_prestaties=len(decl.prestaties),
        aantal_afgewezen=n_rejected, oordeel=oordeel(len(decl.prestaties), n_rejected),
        antwoord_identificatie=ident, ontvangen_op=msg.received_at,
    ))
    session.flush()  # the declaratie row first: the prestaties refer to it
    store.insert_prestaties(session, _rows(declaratie_id, decl, store.iso_dates(session)))
    store.mark_credited(session, (p.debet_of_credit.id for p in decl.prestaties  # type: ignore[union-attr]
                                  if p.approved and p.dc == "C"))
    store.add_usage(session, decl.gemeente, decl.domein, {n: d for n, d in ctx.usage_added.items() if d != (0, 0)},
                    existing=ctx.usage_rows)
    return declaratie_id


def _rows(declaratie_id: str, decl: DeclaratieIn, iso: bool) -> Iterator[tuple]:  # type: ignore[type-arg]
    """Prestatie rows, generated one at a time (COPY and executemany both stream them)."""
    g, a, dom, per = decl.gemeente, decl.aanbieder, decl.domein, decl.periode
    days: dict[date, object] = {}  # a few distinct dates: convert each once
    for p in decl.prestaties:
        line = p.line
        begin, eind = days.get(p.begin), days.get(p.eind)
        if begin is None:
            begin = days[p.begin] = p.begin.isoformat() if iso else p.begin
        if eind is None:
            eind = days[p.eind] = p.eind.isoformat() if iso else p.eind
        yield (declaratie_id, g, a, dom, per, p.bsn, p.ref, p.ref_claim, p.vorig, p.nummer, p.categorie,
               p.code, begin, eind, p.volume, p.volume_norm, p.eenheid, p.tarief, p.signed, p.dc != "C",
               p.approved, " ".join(p.codes) or None, " ".join(p.rules) or None,
               line.uitvoeringsvariant if line is not None else None, False)


def rejected_clients(msg: Inbound, decl: DeclaratieIn) -> list[RejectedClient]:
    """The clients the 325 names, with their elements found again in the message's parts."""
    assert msg.parts is not None
    out: list[RejectedClient] = []
    for c in decl.clients:
        rejected = [p for p in c.prestaties if not p.approved]
        if rejected or c.codes:
            el = client_element(msg.parts, c)
            out.append(RejectedClient(element=el, codes=c.codes or [GEEN_OPMERKING],
                                      prestaties={prestatie_element(el, p): p.codes for p in rejected}))
    return out


def oordeel(total: int, rejected: int) -> str:
    if rejected == 0:
        return "goedgekeurd"
    return "afgekeurd" if rejected == total else "deels-afgekeurd"


def summary_outcome(decl: DeclaratieIn) -> Outcome:
    """One failure per (rule, retourcode, class): the stored Bericht.failures and the Afkeur-Regels header
    stay small for a big declaratie; the per-prestatie detail lives in the prestatie table."""
    seen: dict[tuple[str, str, str], Failure] = {}
    for c in decl.clients:
        for code, rc in zip(c.rules, c.codes):
            seen.setdefault((code, rc, "Client"), Failure(code, rc, "Client", "klasse", None))
    for p in decl.prestaties:
        for code, rc in zip(p.rules, p.codes):
            seen.setdefault((code, rc, "Prestatie"), Failure(code, rc, "Prestatie", "klasse", None))
    return Outcome(list(seen.values()))


def maybe_crash(msg: Inbound) -> None:
    """Fault injection for the crash-safety test: die like `kill -9` with the prestaties written but not
    committed. Ignored in production."""
    settings = msg.ctx.settings
    if getattr(settings, "fault_injection", None) == "kill-after-prestaties" and settings.environment != "production":
        log.warning("fault_injection_kill")
        os.kill(os.getpid(), signal.SIGKILL)
