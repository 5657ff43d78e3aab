"""Contract catalogue logic: lines, agreements, import (CSV/YAML), contractvoorwaarden, facts for checks.

Service functions take the session as a keyword and do not commit: the caller owns the transaction.
"""
from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from services.common.auth import Party, PartyRegistry
from services.common.problems import Problem

from ..access import manages, reads_contract
from ..models import ContractAfspraak, ContractRegel, utcnow
from .schemas import AfspraakIn, ContractIn, ImportResult

FAR_FUTURE = date(9999, 12, 31)
CONTRACT_FIELDS = ("gemeente", "aanbieder", "domein", "categorie", "code", "naam", "perceel", "uitvoeringsvariant",
                   "eenheid", "tarief", "geldigVanaf", "geldigTot", "declaratiemoment", "startStopVerplicht",
                   "budgetplafond", "lumpsum")


@dataclass(frozen=True)
class ContractLine:
    """A detached snapshot of a contract line, what the rules look at."""

    id: str
    gemeente: str
    aanbieder: str
    domein: str
    categorie: str
    code: str | None
    naam: str
    perceel: str | None
    uitvoeringsvariant: str
    eenheid: str | None
    tarief: int | None
    geldig_vanaf: date
    geldig_tot: date | None
    declaratiemoment: str | None
    start_stop_verplicht: bool
    budgetplafond: int | None
    lumpsum_bedrag: int | None
    lumpsum_periode: str | None

    @classmethod
    def of(cls, row: ContractRegel) -> ContractLine:
        return cls(id=row.id, gemeente=row.gemeente, aanbieder=row.aanbieder, domein=row.domein,
                   categorie=row.categorie, code=row.code or None, naam=row.naam, perceel=row.perceel,
                   uitvoeringsvariant=row.uitvoeringsvariant, eenheid=row.eenheid, tarief=row.tarief,
                   geldig_vanaf=row.geldig_vanaf, geldig_tot=row.geldig_tot, declaratiemoment=row.declaratiemoment,
                   start_stop_verplicht=bool(row.start_stop_verplicht), budgetplafond=row.budgetplafond,
                   lumpsum_bedrag=row.lumpsum_bedrag, lumpsum_periode=row.lumpsum_periode)

    def valid_on(self, day: date) -> bool:
        return self.geldig_vanaf <= day <= (self.geldig_tot or FAR_FUTURE)

    def product_terms(self) -> dict[str, Any]:
        return {
            "contractId": self.id, "domein": self.domein, "categorie": self.categorie, "code": self.code,
            "naam": self.naam, "perceel": self.perceel, "uitvoeringsvariant": self.uitvoeringsvariant,
            "eenheid": self.eenheid, "tarief": self.tarief, "geldigVanaf": self.geldig_vanaf.isoformat(),
            "geldigTot": self.geldig_tot.isoformat() if self.geldig_tot else None,
            "declaratiemoment": self.declaratiemoment, "startStopVerplicht": self.start_stop_verplicht,
            "budgetplafond": self.budgetplafond,
            "lumpsum": ({"bedrag": self.lumpsum_bedrag, "periode": self.lumpsum_periode}
                        if self.lumpsum_bedrag is not None else None),
        }

    def to_api(self) -> dict[str, Any]:
        terms = self.product_terms()
        return {"id": terms.pop("contractId"), "gemeente": self.gemeente, "aanbieder": self.aanbieder, **terms}


@dataclass(frozen=True)
class Afspraak:
    clientenstop: bool = False
    werkgebied: tuple[str, ...] = ()


@dataclass(frozen=True)
class PairFacts:
    """Everything a check needs to know of the contract between one gemeente and one aanbieder."""

    lines: tuple[ContractLine, ...]
    afspraak: Afspraak

    @cached_property
    def _index(self) -> dict[tuple[str, str | None], list[ContractLine]]:
        """Lines by (domein, None) and by (domein, categorie), built once per batch: a batch asks the same pair
        thousands of times, and a pair can hold hundreds of lines."""
        index: dict[tuple[str, str | None], list[ContractLine]] = defaultdict(list)
        for line in self.lines:
            index[(line.domein, None)].append(line)
            index[(line.domein, line.categorie)].append(line)
        return index

    def lines_for(self, domein: str, categorie: str | None = None) -> list[ContractLine]:
        """The lines of a domein, or of one categorie in it, in order of geldig_vanaf."""
        return self._index.get((domein, categorie), [])


def _apply(row: ContractRegel, data: ContractIn, caller: Party) -> None:
    row.gemeente, row.aanbieder, row.domein = data.gemeente, data.aanbieder, data.domein
    row.categorie, row.code, row.naam, row.perceel = data.categorie, data.code or "", data.naam, data.perceel
    row.uitvoeringsvariant, row.eenheid, row.tarief = data.uitvoeringsvariant, data.eenheid, data.tarief
    row.geldig_vanaf, row.geldig_tot = data.geldigVanaf, data.geldigTot
    row.declaratiemoment = data.declaratiemoment
    row.start_stop_verplicht = bool(data.startStopVerplicht)
    row.budgetplafond = data.budgetplafond
    row.lumpsum_bedrag = data.lumpsum.bedrag if data.lumpsum else None
    row.lumpsum_periode = data.lumpsum.periode if data.lumpsum else None
    row.updated_at = utcnow()
    row.gewijzigd_door = caller.code


def _same_terms(row: ContractRegel, data: ContractIn) -> bool:
    current = ContractLine.of(row).to_api()
    wanted = data.model_dump(mode="json")
    return all(current[k] == wanted[k] for k in CONTRACT_FIELDS)


def _require_manage(caller: Party, gemeente: str) -> None:
    if not manages(caller, gemeente):
        raise Problem(403, "niet-uw-gemeente",
                      f"U beheert de contracten van gemeente {gemeente} niet; alleen die gemeente (of een dienst).")


def _overlapping(session: Session, data: ContractIn, exclude_id: str | None = None) -> ContractRegel | None:
    stmt = select(ContractRegel).where(
        ContractRegel.gemeente == data.gemeente, ContractRegel.aanbieder == data.aanbieder,
        ContractRegel.domein == data.domein, ContractRegel.categorie == data.categorie,
        ContractRegel.code == (data.code or ""),
        ContractRegel.geldig_vanaf <= (data.geldigTot or FAR_FUTURE),
        or_(ContractRegel.geldig_tot.is_(None), ContractRegel.geldig_tot >= data.geldigVanaf),
    )
    if exclude_id:
        stmt = stmt.where(ContractRegel.id != exclude_id)
    return session.scalars(stmt.limit(1)).first()


def _overlap_problem(other: ContractRegel) -> Problem:
    tot = other.geldig_tot.isoformat() if other.geldig_tot else "doorlopend"
    return Problem(409, "contract-overlap",
                   f"Dit product heeft al een contractregel ({other.id}) van {other.geldig_vanaf.isoformat()} "
                   f"tot en met {tot}; geldigheidsperioden van één product mogen niet overlappen.",
                   extra={"contractId": other.id})


# ---- lines --------------------------------------------------------------------------------------------
def create_line(*, session: Session, data: ContractIn, caller: Party) -> ContractLine:
    _require_manage(caller, data.gemeente)
    other = _overlapping(session, data)
    if other is not None:
        raise _overlap_problem(other)
    row = ContractRegel()
    _apply(row, data, caller)
    session.add(row)
    session.flush()
    return ContractLine.of(row)


def _visible_row(session: Session, line_id: str, caller: Party) -> ContractRegel:
    row = session.get(ContractRegel, line_id)
    if row is None or not reads_contract(caller, row.gemeente, row.aanbieder):
        raise Problem(404, "niet-gevonden", "Deze contractregel bestaat niet (of is niet van u).")
    return row


def get_line(*, session: Session, line_id: str, caller: Party) -> ContractLine:
    return ContractLine.of(_visible_row(session, line_id, caller))


def update_line(*, session: Session, line_id: str, data: ContractIn, caller: Party) -> ContractLine:
    row = _visible_row(session, line_id, caller)
    _require_manage(caller, row.gemeente)
    _require_manage(caller, data.gemeente)
    other = _overlapping(session, data, exclude_id=row.id)
    if other is not None:
        raise _overlap_problem(other)
    _apply(row, data, caller)
    session.flush()
    return ContractLine.of(row)


def delete_line(*, session: Session, line_id: str, caller: Party) -> None:
    row = _visible_row(session, line_id, caller)
    _require_manage(caller, row.gemeente)
    session.delete(row)


def _visibility(caller: Party):  # type: ignore[no-untyped-def]
    if caller.is_service:
        return None
    if caller.is_aanbieder:
        return ContractRegel.aanbieder == caller.code
    return ContractRegel.gemeente.in_(caller.scope())


def list_lines(*, session: Session, caller: Party, filters: dict[str, Any], page: int,
               page_size: int) -> tuple[int, list[ContractLine]]:
    conds = []
    vis = _visibility(caller)
    if vis is not None:
        conds.append(vis)
    for field in ("gemeente", "aanbieder", "domein", "categorie", "uitvoeringsvariant"):
        if filters.get(field):
            conds.append(getattr(ContractRegel, field) == filters[field])
    if filters.get("code"):
        conds.append(ContractRegel.code == filters["code"])
    peildatum: date | None = filters.get("peildatum")
    if peildatum:
        conds.append(ContractRegel.geldig_vanaf <= peildatum)
        conds.append(or_(ContractRegel.geldig_tot.is_(None), ContractRegel.geldig_tot >= peildatum))
    where = and_(*conds) if conds else None
    count_stmt = select(func.count()).select_from(ContractRegel)
    stmt = select(ContractRegel)
    if where is not None:
        count_stmt, stmt = count_stmt.where(where), stmt.where(where)
    total = int(session.scalar(count_stmt) or 0)
    rows = session.scalars(
        stmt.order_by(ContractRegel.gemeente, ContractRegel.aanbieder, ContractRegel.domein,
                      ContractRegel.categorie, ContractRegel.code, ContractRegel.geldig_vanaf, ContractRegel.id)
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return total, [ContractLine.of(r) for r in rows]


# ---- agreements ---------------------------------------------------------------------------------------
def get_afspraak(*, session: Session, gemeente: str, aanbieder: str, caller: Party) -> dict[str, Any]:
    if not reads_contract(caller, gemeente, aanbieder):
        raise Problem(404, "niet-gevonden", "Deze afspraak bestaat niet (of is niet van u).")
    row = session.get(ContractAfspraak, (gemeente, aanbieder))
    if row is None:
        has_lines = session.scalar(select(ContractRegel.id).where(
            ContractRegel.gemeente == gemeente, ContractRegel.aanbieder == aanbieder).limit(1))
        if has_lines is None:
            raise Problem(404, "niet-gevonden", "Er is geen contract of afspraak tussen deze gemeente en aanbieder.")
        return {"gemeente": gemeente, "aanbieder": aanbieder, "clientenstop": False, "werkgebied": []}
    return {"gemeente": gemeente, "aanbieder": aanbieder, "clientenstop": bool(row.clientenstop),
            "werkgebied": list(row.werkgebied or [])}


def put_afspraak(*, session: Session, gemeente: str, aanbieder: str, data: AfspraakIn,
                 caller: Party) -> tuple[dict[str, Any], bool]:
    if not reads_contract(caller, gemeente, aanbieder) or caller.is_aanbieder:
        # an aanbieder may read its agreements but not change them; anyone else: not found
        if caller.is_aanbieder and caller.code == aanbieder:
            raise Problem(403, "alleen-lezen", "Een aanbieder kan afspraken lezen, niet wijzigen.")
        raise Problem(404, "niet-gevonden", "Deze afspraak bestaat niet (of is niet van u).")
    _require_manage(caller, gemeente)
    row = session.get(ContractAfspraak, (gemeente, aanbieder))
    created = row is None
    if row is None:
        row = ContractAfspraak(gemeente=gemeente, aanbieder=aanbieder)
        session.add(row)
    row.clientenstop = data.clientenstop
    row.werkgebied = list(data.werkgebied)
    row.updated_at = utcnow()
    row.gewijzigd_door = caller.code
    session.flush()
    return {"gemeente": gemeente, "aanbieder": aanbieder, "clientenstop": row.clientenstop,
            "werkgebied": list(row.werkgebied)}, created


# ---- contractvoorwaarden -----------------------------------------------------------------------------
def known_party(session: Session, parties: PartyRegistry, code: str, kind: str) -> bool:
    party = parties.get(code)
    if party is not None and party.kind == kind:
        return True
    column = ContractRegel.gemeente if kind == "gemeente" else ContractRegel.aanbieder
    return session.scalar(select(ContractRegel.id).where(column == code).limit(1)) is not None


def voorwaarden(*, session: Session, parties: PartyRegistry, caller: Party, gemeente: str, aanbieder: str,
                domein: str | None, peildatum: date | None) -> dict[str, Any]:
    if not reads_contract(caller, gemeente, aanbieder):
        raise Problem(404, "niet-gevonden", "Geen contractvoorwaarden gevonden (of niet van u).")
    stmt = select(ContractRegel).where(ContractRegel.gemeente == gemeente, ContractRegel.aanbieder == aanbieder)
    if domein:
        stmt = stmt.where(ContractRegel.domein == domein)
    if peildatum:
        stmt = stmt.where(ContractRegel.geldig_vanaf <= peildatum,
                          or_(ContractRegel.geldig_tot.is_(None), ContractRegel.geldig_tot >= peildatum))
    rows = session.scalars(stmt.order_by(ContractRegel.domein, ContractRegel.categorie, ContractRegel.code,
                                         ContractRegel.geldig_vanaf)).all()
    afspraak = session.get(ContractAfspraak, (gemeente, aanbieder))
    if not rows and afspraak is None:
        if not known_party(session, parties, gemeente, "gemeente"):
            raise Problem(404, "gemeente-onbekend", f"Gemeente {gemeente} is onbekend.")
        if not known_party(session, parties, aanbieder, "aanbieder"):
            raise Problem(404, "aanbieder-onbekend", f"Aanbieder {aanbieder} is onbekend.")
    return {
        "gemeente": gemeente, "aanbieder": aanbieder,
        "clientenstop": bool(afspraak.clientenstop) if afspraak else False,
        "werkgebied": list(afspraak.werkgebied or []) if afspraak else [],
        "producten": [ContractLine.of(r).product_terms() for r in rows],
    }


# ---- facts for checks ---------------------------------------------------------------------------------
def facts_for(*, session: Session, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PairFacts]:
    """Contract lines and agreements of many gemeente x aanbieder pairs in a few set-based queries."""
    wanted = sorted(set(pairs))
    lines: dict[tuple[str, str], list[ContractLine]] = defaultdict(list)
    afspraken: dict[tuple[str, str], Afspraak] = {}
    for i in range(0, len(wanted), 200):
        chunk = wanted[i:i + 200]
        for row in session.scalars(select(ContractRegel).where(
                tuple_(ContractRegel.gemeente, ContractRegel.aanbieder).in_(chunk))):
            lines[(row.gemeente, row.aanbieder)].append(ContractLine.of(row))
        for a in session.scalars(select(ContractAfspraak).where(
                tuple_(ContractAfspraak.gemeente, ContractAfspraak.aanbieder).in_(chunk))):
            afspraken[(a.gemeente, a.aanbieder)] = Afspraak(bool(a.clientenstop), tuple(a.werkgebied or ()))
    return {p: PairFacts(tuple(sorted(lines.get(p, []), key=lambda line: line.geldig_vanaf)),
                         afspraken.get(p, Afspraak())) for p in wanted}


# ---- import -------------------------------------------------------------------------------------------
_TRUE = {"1", "true", "ja", "j", "yes", "y", "waar"}
_FALSE = {"0", "false", "nee", "n", "no", "onwaar"}


def _csv_rows(text: str) -> list[dict[str, Any]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[dict[str, Any]] = []
    for raw in csv.DictReader(io.StringIO(text), dialect=dialect):
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if key is None:
                continue
            key = key.strip()
            value = (value or "").strip()
            if value == "":
                row[key] = None
            elif key in ("tarief", "budgetplafond", "lumpsumBedrag") and value.lstrip("-").isdigit():
                row[key] = int(value)
            elif key == "startStopVerplicht" and value.lower() in _TRUE | _FALSE:
                row[key] = value.lower() in _TRUE
            else:
                row[key] = value
        bedrag, periode = row.pop("lumpsumBedrag", None), row.pop("lumpsumPeriode", None)
        if bedrag is not None or periode is not None:
            row["lumpsum"] = {"bedrag": bedrag, "periode": periode}
        rows.append(row)
    return rows


def parse_import(content_type: str, body: bytes) -> dict[str, Any]:
    """A CSV (one contract line per row) or a YAML/JSON document {contracten: [...], afspraken: [...]}."""
    ctype = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(400, "ongeldige-invoer", "Het bestand is geen UTF-8.") from None
    if ctype in ("text/csv", "application/csv"):
        try:
            return {"contracten": _csv_rows(text), "afspraken": []}
        except csv.Error as exc:  # e.g. a bare carriage return inside an unquoted field
            raise Problem(400, "ongeldige-invoer", f"Het CSV-bestand is niet te lezen: {exc}.") from None
    if ctype in ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (regel {mark.line + 1})" if mark else ""
            raise Problem(400, "ongeldige-invoer", f"Het YAML-bestand is niet te lezen{where}.") from None
        if isinstance(data, list):
            data = {"contracten": data}
        if not isinstance(data, dict):
            raise Problem(400, "ongeldige-invoer", "Verwacht een document met 'contracten' en/of 'afspraken'.")
        # `sjablonen` is a free block for YAML anchors (shared fields); it is not imported itself
        unknown = set(data) - {"contracten", "afspraken", "sjablonen"}
        if unknown:
            raise Problem(400, "ongeldige-invoer", f"Onbekende sleutels: {', '.join(sorted(map(str, unknown)))}.")
        return {"contracten": data.get("contracten") or [], "afspraken": data.get("afspraken") or []}
    raise Problem(415, "verkeerd-mediatype", "Stuur text/csv of application/yaml.")


def _expand(items: list[Any], section: str, errors: list[dict[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    """`gemeenten: [...]` (or 'a|b' in CSV) stands for one item per gemeente."""
    out: list[tuple[int, dict[str, Any]]] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append({"name": f"{section}[{n}]", "code": "type", "reason": "verwacht een object"})
            continue
        item = dict(item)
        gemeenten = item.pop("gemeenten", None)
        if gemeenten is None and isinstance(item.get("gemeente"), str) and "|" in item["gemeente"]:
            gemeenten = item.pop("gemeente").split("|")
        if gemeenten is not None:
            if not isinstance(gemeenten, list) or not gemeenten:
                errors.append({"name": f"{section}[{n}].gemeenten", "code": "type", "reason": "verwacht een lijst"})
                continue
            out.extend((n, {**item, "gemeente": str(g).strip()}) for g in gemeenten)
        else:
            out.append((n, item))
    return out


def _errors_of(exc: ValidationError, prefix: str) -> list[dict[str, str]]:
    return [{"name": prefix + ("." + ".".join(str(p) for p in e["loc"]) if e["loc"] else ""),
             "code": e["type"], "reason": e["msg"]} for e in exc.errors()]


def import_contracts(*, session: Session, payload: dict[str, Any], caller: Party) -> ImportResult:
    """Validate everything first (all errors at once), then upsert on the natural key. All or nothing."""
    errors: list[dict[str, str]] = []
    lines: list[tuple[int, ContractIn]] = []
    for n, item in _expand(list(payload.get("contracten") or []), "contracten", errors):
        try:
            data = ContractIn.model_validate(item)
        except ValidationError as exc:
            errors.extend(_errors_of(exc, f"contracten[{n}]"))
            continue
        if not manages(caller, data.gemeente):
            errors.append({"name": f"contracten[{n}].gemeente", "code": "niet-uw-gemeente",
                           "reason": f"u beheert gemeente {data.gemeente} niet"})
            continue
        lines.append((n, data))
    afspraken: list[tuple[int, str, str, AfspraakIn]] = []
    for n, item in _expand(list(payload.get("afspraken") or []), "afspraken", errors):
        gemeente, aanbieder = str(item.pop("gemeente", "")), str(item.pop("aanbieder", ""))
        if not (len(gemeente) == 4 and gemeente.isdigit()) or not (len(aanbieder) == 8 and aanbieder.isdigit()):
            errors.append({"name": f"afspraken[{n}]", "code": "partijen",
                           "reason": "gemeente (4 cijfers) en aanbieder (8 cijfers) zijn verplicht"})
            continue
        try:
            data_a = AfspraakIn.model_validate(item)
        except ValidationError as exc:
            errors.extend(_errors_of(exc, f"afspraken[{n}]"))
            continue
        if not manages(caller, gemeente):
            errors.append({"name": f"afspraken[{n}].gemeente", "code": "niet-uw-gemeente",
                           "reason": f"u beheert gemeente {gemeente} niet"})
            continue
        afspraken.append((n, gemeente, aanbieder, data_a))
    # overlapping periods inside the file itself
    by_product: dict[tuple[str, ...], list[tuple[int, ContractIn]]] = defaultdict(list)
    for n, data in lines:
        by_product[(data.gemeente, data.aanbieder, data.domein, data.categorie, data.code or "")].append((n, data))
    for group in by_product.values():
        group.sort(key=lambda x: x[1].geldigVanaf)
        for (n1, a), (n2, b) in itertools.pairwise(group):
            if (a.geldigTot or FAR_FUTURE) >= b.geldigVanaf:
                errors.append({"name": f"contracten[{n2}]", "code": "contract-overlap",
                               "reason": f"overlapt met contracten[{n1}] voor hetzelfde product"})
    if errors:
        raise Problem(400, "import-ongeldig", f"Het bestand bevat {len(errors)} fout(en); er is niets opgeslagen.",
                      invalid_params=errors[:500])

    created = updated = unchanged = 0
    existing: dict[tuple[Any, ...], ContractRegel] = {}
    keys = {(d.gemeente, d.aanbieder) for _, d in lines}
    for i in range(0, len(keys), 200):
        chunk = sorted(keys)[i:i + 200]
        for row in session.scalars(select(ContractRegel).where(
                tuple_(ContractRegel.gemeente, ContractRegel.aanbieder).in_(chunk))):
            existing[(row.gemeente, row.aanbieder, row.domein, row.categorie, row.code, row.geldig_vanaf)] = row
    for n, data in lines:
        key = (data.gemeente, data.aanbieder, data.domein, data.categorie, data.code or "", data.geldigVanaf)
        row = existing.get(key)
        if row is not None and _same_terms(row, data):
            unchanged += 1
            continue
        other = _overlapping(session, data, exclude_id=row.id if row is not None else None)
        if other is not None:
            raise Problem(409, "contract-overlap",
                          f"contracten[{n}] overlapt met de bestaande contractregel {other.id}; er is niets opgeslagen.",
                          extra={"contractId": other.id})
        if row is None:
            row = ContractRegel()
            session.add(row)
            existing[key] = row
            created += 1
        else:
            updated += 1
        _apply(row, data, caller)
        session.flush()
    for _, gemeente, aanbieder, data_a in afspraken:
        row_a = session.get(ContractAfspraak, (gemeente, aanbieder))
        if row_a is None:
            row_a = ContractAfspraak(gemeente=gemeente, aanbieder=aanbieder)
            session.add(row_a)
        row_a.clientenstop, row_a.werkgebied = data_a.clientenstop, list(data_a.werkgebied)
        row_a.updated_at, row_a.gewijzigd_door = utcnow(), caller.code
    session.flush()
    return ImportResult(regels=len(lines), aangemaakt=created, bijgewerkt=updated, ongewijzigd=unchanged,
                        afspraken=len(afspraken))
