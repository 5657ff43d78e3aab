"""Pulling the message flow of the allocation and declaration services into the reporting tables.

The source of truth is each service's message store, read through its mailbox API with this service's own
(service-kind) token: GET /v1/berichten (oldest first, `sinds`), GET /v1/berichten/{id}/inhoud (the exact
XML). A pull:

1. refreshes the copy of the contract catalogue (eligibility GET /v1/contracten; kept when unreachable);
2. per source, lists the messages created since `cursor - SYNC_SAFETY_WINDOW_SECONDS`, page by page;
3. skips every message already in `ingest_bericht` (the unique key (bron, bericht_id) makes a message count
   once, whatever overlaps between pulls);
4. fetches the contents it needs in parallel (retours only where the heen-message was not fully approved:
   its verdict is in the listing), parses them and writes the facts of one page plus their `ingest_bericht`
   rows in one transaction;
5. moves the cursor to the newest created_at seen, but never past the moment the listing started.

Why the window: `created_at` is stamped when a message arrives, but it becomes visible when its transaction
commits, which for a 25 MB declaratie can be seconds later than a message that arrived after it. A pull that
has passed a timestamp may therefore miss a message committed late; the next pull re-reads the window and
picks it up. The lag of the reports is therefore at most SYNC_INTERVAL_SECONDS plus the duration of a pull,
and a message whose transaction ran longer than the window would be missed (the default window, 10 minutes,
is far beyond the longest transaction the services run).

One pull at a time per process (a lock); on PostgreSQL an advisory lock per source keeps replicas apart.
A source that cannot be reached ends that source's pull with its cursor unchanged; nothing half is stored.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from services.common.http import ServiceUnavailable
from services.common.logging import get_logger

from . import parse
from .models import (
    Antwoord,
    Client,
    ContractRegel,
    Declaratie,
    IngestBericht,
    IngestBron,
    Prestatie,
    Regie,
    RetourOntvangst,
    Toewijzing,
    UitgaandBericht,
    Verzoek,
)

if TYPE_CHECKING:
    from services.common.app import ServiceContext

    from .settings import ReportingSettings

log = get_logger("reporting.sync")

SOURCES = ("allocation", "declaration")
READ = {"301", "302", "305", "307", "315", "317", "319", "320", "323"}
# our own retours (306/308/316/318/325) are read through their heen-message (retourId) when needed
RETOUR_PRODUCT = {"305": "StartProduct", "307": "StopProduct", "315": "AangevraagdProduct"}
_LOCK = threading.Lock()


class PullBusy(Exception):
    pass


@dataclass
class SourceResult:
    bron: str
    gelezen: int = 0
    overgeslagen: int = 0
    onleesbaar: int = 0
    fout: str | None = None
    cursor: str | None = None


@dataclass
class PullResult:
    bronnen: list[SourceResult] = field(default_factory=list)
    contractregels: int | None = None
    contractfout: str | None = None
    seconden: float = 0.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---- HTTP ----------------------------------------------------------------------------------------------
class Source:
    """Reads one service's message store with the service token, honouring 429 (rate limit)."""

    def __init__(self, ctx: ServiceContext, name: str):
        self.name = name
        self.client = ctx.client(name)

    def get(self, path: str, **params: Any) -> httpx.Response:
        for _ in range(60):
            response = self.client.get(path, params=params or None)
            if response.status_code != 429:
                return response
            time.sleep(min(float(response.headers.get("Retry-After", "1") or 1), 5.0))
        raise ServiceUnavailable(self.name, "rate limited")

    def page(self, sinds: datetime | None, page: int, size: int) -> dict[str, Any]:
        params: dict[str, Any] = {"page": page, "pageSize": size}
        if sinds is not None:
            params["sinds"] = sinds.astimezone(UTC).isoformat()
        response = self.get("/v1/berichten", **params)
        if response.status_code != 200:
            raise ServiceUnavailable(self.name, f"HTTP {response.status_code} on the message list")
        return response.json()  # type: ignore[no-any-return]

    def content(self, bericht_id: str) -> bytes:
        response = self.get(f"/v1/berichten/{bericht_id}/inhoud")
        if response.status_code != 200:
            raise ServiceUnavailable(self.name, f"HTTP {response.status_code} on a message")
        return response.content


# ---- one page of messages → facts ----------------------------------------------------------------------
@dataclass
class Batch:
    """The facts of one page of messages, written in one transaction."""

    clients: dict[str, int | None] = field(default_factory=dict)  # bsn → geboortejaar
    toewijzingen: list[tuple[parse.Toewijzing301, str, str]] = field(default_factory=list)  # (301, id, created)
    uitgaand: list[dict[str, Any]] = field(default_factory=list)
    retouren: list[dict[str, Any]] = field(default_factory=list)
    verzoeken: list[tuple[parse.Verzoek31x, str, list[bool]]] = field(default_factory=list)
    antwoorden: list[dict[str, Any]] = field(default_factory=list)
    regie: list[tuple[parse.Regie30x, str, datetime, list[bool]]] = field(default_factory=list)
    declaraties: list[tuple[parse.Declaratie323, str, str, parse.Antwoord325 | None]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)

    def client(self, c: parse.ClientFeit) -> None:
        if not c.bsn:
            return
        if self.clients.get(c.bsn) is None:
            self.clients[c.bsn] = c.geboortejaar


def _number(meta: dict[str, Any]) -> str:
    return str(meta["berichtType"])[-3:]


def _collect(batch: Batch, meta: dict[str, Any], content: bytes, retour: bytes | None) -> None:
    p = parse.parse_message(content)
    number = p.mtype.number
    bid = meta["id"]
    created = meta.get("aangemaaktOp") or ""
    if number == "301":
        t = parse.read_301(p)
        batch.client(t.client)
        batch.toewijzingen.append((t, bid, created))
        first = t.producten[0] if t.producten else None
        batch.uitgaand.append({"bericht_id": bid, "bericht_type": "301", "gemeente": t.gemeente, "aanbieder": t.aanbieder,
                                   "domein": t.domein, "identificatie": p.header.identificatie,
                                   "dagtekening": p.header.dagtekening, "categorie": first.categorie if first else None,
                                   "code": first.code if first else None, "referentie": None})
        for tp in t.producten:
            if tp.referentie:
                batch.antwoorden.append({"bericht_id": bid, "soort": "toewijzing", "gemeente": t.gemeente,
                                             "aanbieder": t.aanbieder, "domein": t.domein, "referentie": tp.referentie,
                                             "datum": tp.toewijzingsdatum, "toewijzing_nummer": tp.nummer, "reden": None})
    elif number == "319":
        a = parse.read_319(p)
        batch.uitgaand.append({"bericht_id": bid, "bericht_type": "319", "gemeente": a.gemeente, "aanbieder": a.aanbieder,
                                   "domein": a.domein, "identificatie": p.header.identificatie,
                                   "dagtekening": p.header.dagtekening, "categorie": None, "code": None,
                                   "referentie": a.referentie})
        batch.antwoorden.append({"bericht_id": bid, "soort": "afwijzing" if a.verzoek_antwoord == "1" else "onderzoek",
                                     "gemeente": a.gemeente, "aanbieder": a.aanbieder, "domein": a.domein,
                                     "referentie": a.referentie, "datum": a.dagtekening, "toewijzing_nummer": None,
                                     "reden": a.reden})
    elif number in ("302", "320"):
        r = parse.read_retour_in(p)
        batch.retouren.append({"bericht_id": bid, "heen_type": r.heen_type, "gemeente": r.gemeente,
                                   "heen_identificatie": r.heen_identificatie, "heen_dagtekening": r.heen_dagtekening,
                                   "dagtekening": r.dagtekening, "afgekeurd": r.afgekeurd})
    elif number in ("315", "317"):
        v = parse.read_315(p) if number == "315" else parse.read_317(p)
        batch.client(v.client)
        if meta.get("oordeel") == "goedgekeurd":
            accepted = [True] * len(v.producten)
        elif number == "315" and retour is not None:
            accepted = parse.accepted_products(parse.parse_message(retour), RETOUR_PRODUCT["315"])
        else:
            accepted = [False] * len(v.producten)  # a 317 is one coherent request (OP308): any remark refuses it
        batch.verzoeken.append((v, bid, accepted))
    elif number in ("305", "307"):
        r = parse.read_30x(p)
        batch.client(r.client)
        if meta.get("oordeel") == "goedgekeurd":
            accepted = [True] * len(r.producten)
        elif retour is not None:
            accepted = parse.accepted_products(parse.parse_message(retour), RETOUR_PRODUCT[number])
        else:
            accepted = []
        batch.regie.append((r, bid, _aware(datetime.fromisoformat(created)) if created else utcnow(), accepted))
    elif number == "323":
        d = parse.read_323(p)
        for pr in d.prestaties:
            batch.clients.setdefault(pr.bsn, None)
        antwoord = parse.read_325(parse.parse_message(retour)) if retour is not None else None
        batch.declaraties.append((d, bid, str(meta.get("oordeel") or ""), antwoord))


def _needs_retour(meta: dict[str, Any]) -> bool:
    number = _number(meta)
    return (number in RETOUR_PRODUCT or number == "323") and meta.get("oordeel") != "goedgekeurd" \
        and bool(meta.get("retourId"))


# ---- writing --------------------------------------------------------------------------------------------
def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _client_ids(session: Session, clients: dict[str, int | None]) -> dict[str, int]:
    """Ids of the clients of a batch, creating the new ones; a birth year learnt later fills in the gap."""
    t = Client.__table__
    known: dict[str, tuple[int, int | None]] = {}
    bsns = sorted(clients)
    for chunk in _chunks(bsns):
        for row in session.execute(select(t.c.id, t.c.bsn, t.c.geboortejaar).where(t.c.bsn.in_(chunk))):
            known[row.bsn] = (row.id, row.geboortejaar)
    new = [{"bsn": b, "geboortejaar": clients[b]} for b in bsns if b not in known]
    if new:
        session.execute(insert(t), new)
        for chunk in _chunks([n["bsn"] for n in new]):
            for row in session.execute(select(t.c.id, t.c.bsn, t.c.geboortejaar).where(t.c.bsn.in_(chunk))):
                known[row.bsn] = (row.id, row.geboortejaar)
    fill = [{"b_id": known[b][0], "b_jaar": j} for b, j in clients.items() if j is not None and known[b][1] is None]
    if fill:
        session.execute(update(t).where(t.c.id == bindparam("b_id")).values(geboortejaar=bindparam("b_jaar")), fill)
    return {b: v[0] for b, v in known.items()}


_TW_FIELDS = ("aanbieder", "client_id", "categorie", "code", "ingangsdatum", "einddatum", "reden_wijziging", "volume",
              "eenheid", "frequentie", "budget", "referentie", "versie_moment", "bericht_id")


def _write_toewijzingen(session: Session, batch: Batch, ids: dict[str, int]) -> None:
    """Keep the newest version of every toewijzing (a 301 repeats the unchanged ones with their old
    Toewijzingsdatum/-tijd, so ordering by that moment never lets an old version win)."""
    t = Toewijzing.__table__
    incoming: dict[tuple[str, str, int], dict[str, Any]] = {}
    for msg, bid, created in batch.toewijzingen:
        for tp in msg.producten:
            row = {"gemeente": msg.gemeente, "domein": msg.domein, "nummer": tp.nummer, "aanbieder": msg.aanbieder,
                       "client_id": ids[msg.client.bsn], "categorie": tp.categorie, "code": tp.code,
                       "ingangsdatum": tp.ingangsdatum, "einddatum": tp.einddatum, "reden_wijziging": tp.reden_wijziging,
                       "volume": tp.volume, "eenheid": tp.eenheid, "frequentie": tp.frequentie, "budget": tp.budget,
                       "referentie": tp.referentie, "eerste_toewijzingsdatum": tp.toewijzingsdatum,
                       "versie_moment": f"{tp.toewijzingsdatum.isoformat()}T{tp.toewijzingstijd}|{created}",
                       "bericht_id": bid}
            key = (msg.gemeente, msg.domein, tp.nummer)
            prev = incoming.get(key)
            if prev is None:
                incoming[key] = row
            else:
                first = min(prev["eerste_toewijzingsdatum"], row["eerste_toewijzingsdatum"])
                if row["versie_moment"] > prev["versie_moment"]:
                    incoming[key] = row
                incoming[key]["eerste_toewijzingsdatum"] = first
    if not incoming:
        return
    existing: dict[tuple[str, str, int], Any] = {}
    numbers = sorted({k[2] for k in incoming})
    for chunk in _chunks(numbers):
        for row in session.execute(select(t.c.id, t.c.gemeente, t.c.domein, t.c.nummer, t.c.versie_moment,
                                          t.c.eerste_toewijzingsdatum).where(t.c.nummer.in_(chunk))):
            key = (row.gemeente, row.domein, row.nummer)
            if key in incoming:
                existing[key] = row
    inserts, updates = [], []
    for key, row in incoming.items():
        old = existing.get(key)
        if old is None:
            inserts.append(row)
            continue
        first = min(old.eerste_toewijzingsdatum, row["eerste_toewijzingsdatum"])
        if row["versie_moment"] > old.versie_moment:
            updates.append({"b_id": old.id, "b_eerste": first, **{f"b_{f}": row[f] for f in _TW_FIELDS}})
        elif first != old.eerste_toewijzingsdatum:
            updates.append({"b_id": old.id, "b_eerste": first, **{f"b_{f}": None for f in _TW_FIELDS},
                            "_only_first": True})
    if inserts:
        session.execute(insert(t), inserts)
    full = [u for u in updates if not u.get("_only_first")]
    if full:
        session.execute(update(t).where(t.c.id == bindparam("b_id")).values(
            eerste_toewijzingsdatum=bindparam("b_eerste"), **{f: bindparam(f"b_{f}") for f in _TW_FIELDS}), full)
    only_first = [{"b_id": u["b_id"], "b_eerste": u["b_eerste"]} for u in updates if u.get("_only_first")]
    if only_first:
        session.execute(update(t).where(t.c.id == bindparam("b_id")).values(
            eerste_toewijzingsdatum=bindparam("b_eerste")), only_first)


def _write(session: Session, batch: Batch) -> None:
    ids = _client_ids(session, batch.clients) if batch.clients else {}
    _write_toewijzingen(session, batch, ids)
    if batch.uitgaand:
        session.execute(insert(UitgaandBericht.__table__), batch.uitgaand)
    if batch.retouren:
        session.execute(insert(RetourOntvangst.__table__), batch.retouren)
    if batch.antwoorden:
        session.execute(insert(Antwoord.__table__), batch.antwoorden)
    verzoeken = []
    for v, bid, accepted in batch.verzoeken:
        for i, vp in enumerate(v.producten):
            verzoeken.append({"bericht_id": bid, "soort": v.soort, "gemeente": v.gemeente, "aanbieder": v.aanbieder,
                                  "domein": v.domein, "client_id": ids[v.client.bsn], "referentie": vp.referentie,
                                  "categorie": vp.categorie, "code": vp.code, "verwijzer_type": vp.verwijzer_type,
                                  "dagtekening": v.dagtekening, "geaccepteerd": accepted[i] if i < len(accepted) else False})
    if verzoeken:
        session.execute(insert(Verzoek.__table__), verzoeken)
    regie = []
    for r, bid, created, accepted in batch.regie:
        for i, rp in enumerate(r.producten):
            regie.append({"bericht_id": bid, "volgnummer": i, "soort": r.soort, "gemeente": r.gemeente, "aanbieder": r.aanbieder,
                              "domein": r.domein, "client_id": ids[r.client.bsn], "toewijzing_nummer": rp.toewijzing_nummer,
                              "categorie": rp.categorie, "code": rp.code, "begindatum": rp.begindatum, "einddatum": rp.einddatum,
                              "reden_beeindiging": rp.reden_beeindiging, "status_aanlevering": rp.status_aanlevering,
                              "geaccepteerd": accepted[i] if i < len(accepted) else False, "dagtekening": r.dagtekening,
                              "aangemaakt_op": created})
    if regie:
        session.execute(insert(Regie.__table__), regie)
    declaraties, prestaties = [], []
    for d, bid, oordeel, antwoord in batch.declaraties:
        decl_codes = sorted(set(antwoord.declaratie_codes) - parse.OK_CODES) if antwoord else []
        toegekend = d.ingediend if oordeel == "goedgekeurd" or antwoord is None else antwoord.toegekend
        declaraties.append({"bericht_id": bid, "gemeente": d.gemeente, "aanbieder": d.aanbieder, "domein": d.domein,
                                "nummer": d.nummer, "periode": d.periode, "dagtekening": d.dagtekening, "ingediend": d.ingediend,
                                "toegekend": toegekend, "oordeel": oordeel or "onbekend",
                                "afkeurcodes": ",".join(decl_codes) or None})
        for pr in d.prestaties:
            if decl_codes:
                ok, codes = False, decl_codes
            elif antwoord is not None and pr.referentie in antwoord.afgewezen:
                ok, codes = False, antwoord.afgewezen[pr.referentie]
            else:
                ok, codes = True, []
            prestaties.append({
                "bericht_id": bid, "gemeente": d.gemeente, "aanbieder": d.aanbieder, "domein": d.domein,
                "declaratie_periode": d.periode, "client_id": ids[pr.bsn], "referentie": pr.referentie,
                "vorig_referentie": pr.vorig_referentie, "toewijzing_nummer": pr.toewijzing_nummer,
                "categorie": pr.categorie, "code": pr.code, "begindatum": pr.begindatum, "einddatum": pr.einddatum,
                "maand": f"{pr.begindatum.year:04d}-{pr.begindatum.month:02d}", "volume": pr.volume, "eenheid": pr.eenheid,
                "tarief": pr.tarief, "bedrag": pr.bedrag, "goedgekeurd": ok, "retourcodes": ",".join(codes)[:60] or None})
    if declaraties:
        session.execute(insert(Declaratie.__table__), declaraties)
    for chunk in _chunks(prestaties, 5_000):
        session.execute(insert(Prestatie.__table__), list(chunk))
    if batch.log:
        session.execute(insert(IngestBericht.__table__), batch.log)


# ---- the pull ------------------------------------------------------------------------------------------
class Puller:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        self.settings: ReportingSettings = ctx.settings  # type: ignore[assignment]

    def run(self, *, wait: float = 0.0) -> PullResult:
        acquired = _LOCK.acquire(timeout=wait) if wait > 0 else _LOCK.acquire(blocking=False)
        if not acquired:
            raise PullBusy()
        started = time.perf_counter()
        try:
            result = PullResult()
            result.contractregels, result.contractfout = self.pull_contracts()
            for name in SOURCES:
                result.bronnen.append(self.pull_source(name))
            result.seconden = round(time.perf_counter() - started, 3)
            log.info("pull_klaar", seconden=result.seconden,
                     gelezen={r.bron: r.gelezen for r in result.bronnen},
                     fouten={r.bron: r.fout for r in result.bronnen if r.fout})
            return result
        finally:
            _LOCK.release()

    # -- contracts --
    def pull_contracts(self) -> tuple[int | None, str | None]:
        source = Source(self.ctx, "eligibility")
        rows: list[dict[str, Any]] = []
        page = 1
        try:
            while True:
                response = source.get("/v1/contracten", page=page, pageSize=500)
                if response.status_code != 200:
                    raise ServiceUnavailable("eligibility", f"HTTP {response.status_code}")
                data = response.json()
                rows.extend(_contract_row(c) for c in data.get("results", []))
                if not data.get("next"):
                    break
                page += 1
        except ServiceUnavailable as exc:
            log.warning("contracten_onbereikbaar", reden=exc.reason)
            return None, f"eligibility: {exc.reason}"
        with self.ctx.db.transaction() as session:
            session.execute(delete(ContractRegel.__table__))
            for chunk in _chunks(rows, 2_000):
                session.execute(insert(ContractRegel.__table__), list(chunk))
        return len(rows), None

    # -- messages --
    def pull_source(self, name: str) -> SourceResult:
        result = SourceResult(bron=name)
        source = Source(self.ctx, name)
        with self._advisory(name) as got:
            if not got:
                result.fout = "een andere replica haalt deze bron nu op"
                return result
            listing_started = utcnow()
            cursor = self._cursor(name)
            sinds = cursor - timedelta(seconds=self.settings.sync_safety_window_seconds) if cursor else None
            newest = cursor
            page = 1
            try:
                with ThreadPoolExecutor(max(1, self.settings.sync_workers), thread_name_prefix="ingest") as pool:
                    while True:
                        data = source.page(sinds, page, self.settings.sync_page_size)
                        rows = data.get("results", [])
                        self._page(name, source, pool, rows, result)
                        for row in rows:
                            moment = _aware(datetime.fromisoformat(row["aangemaaktOp"]))
                            if moment and (newest is None or moment > newest):
                                newest = moment
                        if not data.get("next") or not rows:
                            break
                        page += 1
            except ServiceUnavailable as exc:
                result.fout = f"{name}: {exc.reason}"
                log.warning("bron_onbereikbaar", bron=name, reden=exc.reason)
                self._save_cursor(name, cursor, result, error=result.fout)
                return result
            new_cursor = min(newest, listing_started) if newest else cursor
            self._save_cursor(name, new_cursor, result)
            result.cursor = new_cursor.isoformat() if new_cursor else None
            return result

    def _page(self, name: str, source: Source, pool: ThreadPoolExecutor, rows: list[dict[str, Any]],
              result: SourceResult) -> None:
        if not rows:
            return
        with self.ctx.db.session() as s:
            ids = [r["id"] for r in rows]
            seen = set(s.scalars(select(IngestBericht.bericht_id).where(
                IngestBericht.bron == name, IngestBericht.bericht_id.in_(ids))))
        todo = [r for r in rows if r["id"] not in seen]
        if not todo:
            return
        to_read = [r for r in todo if _number(r) in READ]

        def fetch(meta: dict[str, Any]) -> tuple[bytes, bytes | None]:
            content = source.content(meta["id"])
            retour = source.content(meta["retourId"]) if _needs_retour(meta) else None
            return content, retour

        contents = list(pool.map(fetch, to_read))
        batch = Batch()
        now = utcnow()
        by_id = {r["id"]: c for r, c in zip(to_read, contents, strict=True)}
        for meta in todo:
            outcome = "overgeslagen"
            if meta["id"] in by_id:
                content, retour = by_id[meta["id"]]
                try:
                    _collect(batch, meta, content, retour)
                    outcome = "gelezen"
                except (parse.NotAMessage, ValueError, KeyError) as exc:
                    outcome = "onleesbaar"
                    log.warning("bericht_onleesbaar", bron=name, bericht_id=meta["id"], fout=type(exc).__name__)
            batch.log.append({"bron": name, "bericht_id": meta["id"], "bericht_type": meta["berichtType"],
                                  "aangemaakt_op": _aware(datetime.fromisoformat(meta["aangemaaktOp"])),
                                  "verwerkt_op": now, "resultaat": outcome})
            setattr(result, outcome, getattr(result, outcome) + 1)
        with self.ctx.db.transaction() as session:
            _write(session, batch)

    def _cursor(self, name: str) -> datetime | None:
        with self.ctx.db.session() as s:
            row = s.get(IngestBron, name)
            return _aware(row.cursor) if row else None

    def _save_cursor(self, name: str, cursor: datetime | None, result: SourceResult,
                     error: str | None = None) -> None:
        with self.ctx.db.transaction() as s:
            row = s.get(IngestBron, name)
            if row is None:
                row = IngestBron(bron=name, berichten=0)
                s.add(row)
            row.cursor = cursor
            row.laatst_klaar = utcnow()
            row.berichten = (row.berichten or 0) + result.gelezen + result.overgeslagen + result.onleesbaar
            row.laatste_fout = error[:300] if error else None

    class _NoLock:
        def __enter__(self) -> bool:
            return True

        def __exit__(self, *exc: object) -> None:
            return None

    def _advisory(self, name: str) -> Any:
        if not self.ctx.db.is_postgres:
            return self._NoLock()
        return _PgAdvisory(self.ctx, self.ctx.db.advisory_key("rapportage-bron", name))


class _PgAdvisory:
    """A session-level advisory lock on its own connection: replicas never pull one source twice at once."""

    def __init__(self, ctx: ServiceContext, key: int):
        self.ctx, self.key = ctx, key
        self.conn: Any = None

    def __enter__(self) -> bool:
        self.conn = self.ctx.db.engine.connect()
        got = bool(self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
        self.conn.commit()
        self.got = got
        return got

    def __exit__(self, *exc: object) -> None:
        try:
            if self.got:
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self.conn.commit()
        finally:
            self.conn.close()


def _contract_row(c: dict[str, Any]) -> dict[str, Any]:
    lumpsum = c.get("lumpsum") or {}
    return {
        "id": str(c["id"]), "gemeente": c["gemeente"], "aanbieder": c["aanbieder"], "domein": c["domein"],
        "categorie": c["categorie"], "code": c.get("code"), "naam": (c.get("naam") or None) and str(c["naam"])[:200],
        "perceel": (c.get("perceel") or None) and str(c["perceel"])[:100], "uitvoeringsvariant": c["uitvoeringsvariant"],
        "eenheid": c.get("eenheid"), "tarief": c.get("tarief"), "geldig_vanaf": date.fromisoformat(c["geldigVanaf"]),
        "geldig_tot": date.fromisoformat(c["geldigTot"]) if c.get("geldigTot") else None,
        "declaratiemoment": c.get("declaratiemoment"), "budgetplafond": c.get("budgetplafond"),
        "lumpsum_bedrag": lumpsum.get("bedrag"), "lumpsum_periode": lumpsum.get("periode"),
    }


def status(ctx: ServiceContext) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        rows = {r.bron: r for r in s.scalars(select(IngestBron))}
        counts: dict[str, int] = defaultdict(int)
        for bron, n in s.execute(text("SELECT bron, COUNT(*) FROM ingest_bericht GROUP BY bron")):
            counts[bron] = int(n)
    out = []
    for name in SOURCES:
        r = rows.get(name)
        out.append({
            "bron": name,
            "cursor": _aware(r.cursor).isoformat() if r and r.cursor else None,  # type: ignore[union-attr]
            "laatstKlaar": _aware(r.laatst_klaar).isoformat() if r and r.laatst_klaar else None,  # type: ignore[union-attr]
            "berichten": counts.get(name, 0),
            "laatsteFout": r.laatste_fout if r else None,
        })
    return out


def background(ctx: ServiceContext, stop: threading.Event) -> None:
    """The pull loop inside the web process (create_app background worker)."""
    settings: ReportingSettings = ctx.settings  # type: ignore[assignment]
    if settings.sync_interval_seconds <= 0:
        return
    puller = Puller(ctx)
    while not stop.wait(settings.sync_interval_seconds):
        try:
            puller.run()
        except PullBusy:
            continue
        except Exception as exc:  # noqa: BLE001 - the loop must survive anything; the next round retries
            log.error("pull_mislukt", fout=type(exc).__name__)
