"""The pseudonymised feed for the regional knowledge centre (Kennispunt Twente, seed 004 conclusie 10).

Per calendar month (`periode`, YYYY-MM) three kinds of records, all derived from the message flow:
- `toewijzingen`: every toewijzing whose period overlaps the month (withdrawn ones with status ingetrokken);
- `startstop`: effective starts (Begindatum in the month) and stops (Einddatum in the month);
- `declaraties`: every prestatie of the declaraties of that DeclaratiePeriode with its verdict.

What identifies a person never leaves: the BSN is replaced by `pseudoniem` = HMAC-SHA256(region key, BSN),
the birth date by its year, and names, addresses and contact details are never read from the messages in the
first place. Numbers that a gemeente or aanbieder could look up (ToewijzingNummer, ReferentieNummer) are
replaced by keyed hashes too (`toewijzingId`), so records of one toewijzing can be linked to each other but
not to a file outside the region.

Keys (setting PSEUDONYM_KEYS, held by the region): the newest key whose notBefore has passed is used, and
every record says which (`sleutelId`). The same client gets the same pseudonym in every period for as long as
the key is the same. Rotation = adding a key with a later notBefore: from that day every export, of any
period, uses the new key, so a new pseudonym series begins (the knowledge centre re-links by asking the older
periods again under the new key, or keeps the series apart by `sleutelId`). A key may be named explicitly
(`sleutelId`) to export once more with an older key while both are configured.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from services.common.auth import Party
from services.common.problems import Problem

from .models import Client, Verzoek
from .reports import data
from .reports.base import Contracts, Filters, Scope, month_end, month_start
from .settings import PseudonymKey

if TYPE_CHECKING:
    from services.common.app import ServiceContext

SOORTEN = ("toewijzingen", "startstop", "declaraties")

VELDEN: dict[str, list[tuple[str, str, str]]] = {
    "toewijzingen": [
        ("sleutelId", "string", "id van de sleutel waarmee pseudoniem en toewijzingId zijn gemaakt"),
        ("pseudoniem", "string (64 hex)", ("HMAC-SHA256 van het BSN met de sleutel van de regio; zelfde cliënt, "
                                           "zelfde sleutel → zelfde pseudoniem")),
        ("geboortejaar", "integer of leeg", "jaar uit de geboortedatum (de volledige datum wordt nooit geleverd)"),
        ("toewijzingId", "string (32 hex)", ("HMAC van gemeente, domein en ToewijzingNummer: koppelt toewijzing, "
                                             "start/stop en declaratie zonder het nummer zelf")),
        ("gemeente", "string (CBS)", "de gemeente die de toewijzing afgaf"),
        ("aanbieder", "string (AGB)", "de aanbieder"),
        ("domein", "jeugd | wmo", "iJw of iWmo"),
        ("segment", "string", "perceel/segment volgens het contract (onbekend zonder contractregel)"),
        ("uitvoeringsvariant", "string of leeg", "inspanningsgericht, outputgericht of taakgericht (contract)"),
        ("categorie", "string", "ProductCategorie"),
        ("code", "string of leeg", "ProductCode (leeg: aspecifiek)"),
        ("ingangsdatum", "datum", "Ingangsdatum van de toewijzing"),
        ("einddatum", "datum of leeg", "Einddatum (leeg: open einde)"),
        ("redenWijziging", "string of leeg", "RedenWijziging van de laatste versie (13: ingetrokken)"),
        ("volume", "integer of leeg", "Omvang: volume"),
        ("eenheid", "string of leeg", ("Omvang: eenheid (01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82 stuks, "
                                       "83 euro, 84 stuks inspanning)")),
        ("frequentie", "string of leeg", "Omvang: 1 per dag, 2 per week, 4 per maand, 6 totaal"),
        ("budget", "integer of leeg", "Budget in eurocent"),
        ("verwijzerType", "string of leeg", ("TypeVerwijzer van het verzoek om toewijzing (315) waar de "
                                             "toewijzing op antwoordt; leeg als er geen verzoek was")),
        ("toewijzingsdatum", "datum", "Toewijzingsdatum van de eerste versie"),
        ("status", "actief | beeindigd | ingetrokken", "op de dag van de levering"),
    ],
    "startstop": [
        ("sleutelId", "string", "zie toewijzingen"),
        ("pseudoniem", "string (64 hex)", "zie toewijzingen"),
        ("geboortejaar", "integer of leeg", "zie toewijzingen"),
        ("toewijzingId", "string of leeg", "zie toewijzingen; leeg bij taakgericht zonder toewijzing"),
        ("soort", "start | stop", "305 of 307"),
        ("gemeente", "string (CBS)", ""),
        ("aanbieder", "string (AGB)", ""),
        ("domein", "jeugd | wmo", ""),
        ("segment", "string", "perceel/segment volgens het contract"),
        ("categorie", "string of leeg", "ProductCategorie (van de toewijzing of het bericht)"),
        ("code", "string of leeg", "ProductCode"),
        ("begindatum", "datum", "Begindatum van de zorg"),
        ("einddatum", "datum of leeg", "Einddatum (alleen stop)"),
        ("redenBeeindiging", "string of leeg", "RedenBeeindiging (alleen stop)"),
    ],
    "declaraties": [
        ("sleutelId", "string", "zie toewijzingen"),
        ("pseudoniem", "string (64 hex)", "zie toewijzingen"),
        ("geboortejaar", "integer of leeg", "bekend als de cliënt ook in een 301/305/307/315 voorkwam"),
        ("toewijzingId", "string (32 hex)", "zie toewijzingen"),
        ("gemeente", "string (CBS)", ""),
        ("aanbieder", "string (AGB)", ""),
        ("domein", "jeugd | wmo", ""),
        ("segment", "string", "perceel/segment volgens het contract"),
        ("uitvoeringsvariant", "string of leeg", "volgens het contract"),
        ("declaratiePeriode", "YYYY-MM", "de DeclaratiePeriode (maand) van de 323"),
        ("categorie", "string", "ProductCategorie"),
        ("code", "string of leeg", "ProductCode"),
        ("begindatum", "datum", "ProductPeriode begin"),
        ("einddatum", "datum", "ProductPeriode eind"),
        ("volume", "integer", "GeleverdVolume"),
        ("eenheid", "string", "Eenheid"),
        ("tarief", "integer of leeg", "ProductTarief in eurocent"),
        ("bedrag", "integer", "IngediendBedrag in eurocent, credit negatief"),
        ("goedgekeurd", "boolean", "toegekend in de 325"),
        ("retourcodes", "string of leeg", "retourcodes van een afgewezen prestatie, komma-gescheiden"),
    ],
}


def fields(soort: str) -> list[str]:
    return [name for name, _, _ in VELDEN[soort]]


def current_key(keys: list[PseudonymKey], today: date, wanted: str | None = None) -> PseudonymKey:
    usable = [k for k in keys if k.notBefore <= today]
    if wanted is not None:
        for k in usable:
            if k.id == wanted:
                return k
        raise Problem(400, "onbekende-sleutel", "Deze sleutel is niet (meer, of nog niet) ingesteld.",
                      invalid_params=[{"name": "sleutelId", "code": "onbekend", "reason": "geen bruikbare sleutel"}])
    if not usable:
        raise Problem(503, "geen-sleutel", "Er is nog geen sleutel geldig voor het pseudonimiseren.")
    return max(usable, key=lambda k: (k.notBefore, k.id))


@dataclass
class Pseudonymiser:
    key: PseudonymKey

    def __post_init__(self) -> None:
        self._secret = self.key.key.encode("utf-8")
        self._cache: dict[str, str] = {}

    def pseudonym(self, bsn: str) -> str:
        hit = self._cache.get(bsn)
        if hit is None:
            hit = hmac.new(self._secret, b"bsn:" + bsn.encode(), hashlib.sha256).hexdigest()
            self._cache[bsn] = hit
        return hit

    def toewijzing_id(self, gemeente: str, domein: str, nummer: int | None) -> str | None:
        if nummer is None:
            return None
        return hmac.new(self._secret, f"tw:{gemeente}:{domein}:{nummer}".encode(), hashlib.sha256).hexdigest()[:32]


def _clients(session: Any, ids: set[int]) -> dict[int, tuple[str, int | None]]:
    out: dict[int, tuple[str, int | None]] = {}
    t = Client.__table__
    id_list = sorted(ids)
    for i in range(0, len(id_list), 1000):
        chunk = id_list[i:i + 1000]
        for row in session.execute(select(t.c.id, t.c.bsn, t.c.geboortejaar).where(t.c.id.in_(chunk))):
            out[row.id] = (row.bsn, row.geboortejaar)
    return out


def records(ctx: ServiceContext, party: Party, soort: str, periode: str, key: PseudonymKey,
            today: date) -> list[dict[str, Any]]:
    """All records of one kind for one month, in a stable order."""
    if soort not in SOORTEN:
        raise Problem(404, "niet-gevonden", "Onbekende soort feed.")
    f = Filters(van=periode, tot=periode, peildatum=today)
    scope = Scope.of(party)
    ps = Pseudonymiser(key)
    start, end = month_start(periode), month_end(periode)
    with ctx.db.session() as s:
        contracts = Contracts.load(s)
        if soort == "toewijzingen":
            rows = _toewijzingen(s, scope, f, contracts, ps, start, end, today)
        elif soort == "startstop":
            rows = _startstop(s, scope, f, contracts, ps, start, end)
        else:
            rows = _declaraties(s, scope, f, contracts, ps, periode)
    return rows


def _person(ps: Pseudonymiser, clients: dict[int, tuple[str, int | None]], client_id: int) -> dict[str, Any]:
    bsn, jaar = clients[client_id]
    return {"sleutelId": ps.key.id, "pseudoniem": ps.pseudonym(bsn), "geboortejaar": jaar}


def _toewijzingen(s: Any, scope: Scope, f: Filters, contracts: Contracts, ps: Pseudonymiser, start: date,
                  end: date, today: date) -> list[dict[str, Any]]:
    tws = [t for t in data.toewijzingen(s, scope, f, until=end, include_withdrawn=True)
           if t.einddatum is None or t.einddatum >= start]
    verwijzer: dict[tuple[str, str, str, str], str | None] = {}
    v = Verzoek.__table__
    refs = sorted({t.referentie for t in tws if t.referentie})
    for i in range(0, len(refs), 1000):
        for row in s.execute(select(v.c.gemeente, v.c.aanbieder, v.c.domein, v.c.referentie, v.c.verwijzer_type)
                             .where(v.c.soort == "vot", v.c.referentie.in_(refs[i:i + 1000]))):
            verwijzer[(row.gemeente, row.aanbieder, row.domein, row.referentie)] = row.verwijzer_type
    clients = _clients(s, {t.client_id for t in tws})
    out = []
    for t in sorted(tws, key=lambda t: (t.gemeente, t.domein, t.nummer)):
        line = contracts.line(t.gemeente, t.aanbieder, t.domein, t.categorie, t.code, t.ingangsdatum)
        status = "ingetrokken" if t.ingetrokken else (
            "beeindigd" if t.einddatum is not None and t.einddatum < today else "actief")
        out.append({
            **_person(ps, clients, t.client_id), "toewijzingId": ps.toewijzing_id(t.gemeente, t.domein, t.nummer),
            "gemeente": t.gemeente, "aanbieder": t.aanbieder, "domein": t.domein,
            "segment": line.segment if line else "onbekend", "uitvoeringsvariant": line.variant if line else None,
            "categorie": t.categorie, "code": t.code, "ingangsdatum": t.ingangsdatum.isoformat(),
            "einddatum": t.einddatum.isoformat() if t.einddatum else None, "redenWijziging": t.reden_wijziging,
            "volume": t.volume, "eenheid": t.eenheid, "frequentie": t.frequentie, "budget": t.budget,
            "verwijzerType": verwijzer.get((t.gemeente, t.aanbieder, t.domein, t.referentie or "")),
            "toewijzingsdatum": t.eerste_toewijzingsdatum.isoformat(), "status": status,
        })
    return out


def _startstop(s: Any, scope: Scope, f: Filters, contracts: Contracts, ps: Pseudonymiser, start: date,
               end: date) -> list[dict[str, Any]]:
    index = data.toewijzing_index(data.toewijzingen(s, scope, f, include_withdrawn=True))
    chosen = []
    for rg in data.effective_regie(s, scope, f):
        moment = rg.begindatum if rg.soort == "start" else (rg.einddatum or rg.begindatum)
        if start <= moment <= end:
            chosen.append(rg)
    clients = _clients(s, {rg.client_id for rg in chosen})
    out = []
    for rg in sorted(chosen, key=lambda r: (r.gemeente, r.aanbieder, r.soort, r.begindatum, r.bericht_id)):
        tw = index.get((rg.gemeente, rg.domein, rg.toewijzing_nummer or -1))
        categorie, code = (tw.categorie, tw.code) if tw else (rg.categorie, rg.code)
        line = contracts.line(rg.gemeente, rg.aanbieder, rg.domein, categorie, code, rg.begindatum)
        out.append({
            **_person(ps, clients, rg.client_id),
            "toewijzingId": ps.toewijzing_id(rg.gemeente, rg.domein, rg.toewijzing_nummer),
            "soort": rg.soort, "gemeente": rg.gemeente, "aanbieder": rg.aanbieder, "domein": rg.domein,
            "segment": line.segment if line else "onbekend", "categorie": categorie, "code": code,
            "begindatum": rg.begindatum.isoformat(),
            "einddatum": rg.einddatum.isoformat() if rg.einddatum else None,
            "redenBeeindiging": rg.reden_beeindiging,
        })
    return out


def _declaraties(s: Any, scope: Scope, f: Filters, contracts: Contracts, ps: Pseudonymiser,
                 periode: str) -> list[dict[str, Any]]:
    from .models import Prestatie
    from .reports.base import where

    t = Prestatie.__table__
    rows = list(s.execute(select(t).where(*where(t, scope, f), t.c.declaratie_periode == periode)
                          .order_by(t.c.gemeente, t.c.aanbieder, t.c.bericht_id, t.c.id)))
    clients = _clients(s, {r.client_id for r in rows})
    out = []
    for r in rows:
        line = contracts.line(r.gemeente, r.aanbieder, r.domein, r.categorie, r.code, r.begindatum)
        out.append({
            **_person(ps, clients, r.client_id),
            "toewijzingId": ps.toewijzing_id(r.gemeente, r.domein, r.toewijzing_nummer),
            "gemeente": r.gemeente, "aanbieder": r.aanbieder, "domein": r.domein,
            "segment": line.segment if line else "onbekend", "uitvoeringsvariant": line.variant if line else None,
            "declaratiePeriode": r.declaratie_periode, "categorie": r.categorie, "code": r.code,
            "begindatum": r.begindatum.isoformat(), "einddatum": r.einddatum.isoformat(), "volume": r.volume,
            "eenheid": r.eenheid, "tarief": r.tarief, "bedrag": r.bedrag, "goedgekeurd": bool(r.goedgekeurd),
            "retourcodes": r.retourcodes,
        })
    return out


def iter_csv(rows: list[dict[str, Any]], soort: str) -> Iterator[str]:
    from .service import csv_lines

    yield from csv_lines(rows, fields(soort))
