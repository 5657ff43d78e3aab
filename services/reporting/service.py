"""Use cases behind the API: run a report for a caller (cached per data version), export it as CSV, pull."""
from __future__ import annotations

import csv
import io
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from services.allocation.deadlines import WerkdagKalender
from services.common.auth import Party

from .models import IngestBron
from .reports.base import Contracts, Filters, Scope
from .reports.rapportages import REPORTS, Context, verlopen

if TYPE_CHECKING:
    from services.common.app import ServiceContext

    from .settings import ReportingSettings

_CACHE_SIZE = 64
_cache: OrderedDict[tuple[Any, ...], tuple[list[dict[str, Any]], dict[str, Any]]] = OrderedDict()
_cache_lock = threading.Lock()


def data_version(session: Any) -> tuple[Any, ...]:
    """Changes whenever a pull has finished (on any replica): the cache key of every report."""
    return tuple((r.bron, r.laatst_klaar, r.berichten) for r in session.scalars(select(IngestBron).order_by(IngestBron.bron)))


def freshness(session: Any) -> dict[str, str | None]:
    out: dict[str, str | None] = {"allocation": None, "declaration": None}
    for r in session.scalars(select(IngestBron)):
        moment = r.cursor
        if moment is not None and moment.tzinfo is None:

            moment = moment.replace(tzinfo=UTC)
        out[r.bron] = moment.isoformat() if moment else None
    return out


def _context(ctx: ServiceContext, session: Any, party: Party, f: Filters) -> Context:
    settings: ReportingSettings = ctx.settings  # type: ignore[assignment]
    policy = settings.werkdagen_beleid if settings.werkdagen_beleid in ("termijnenwet", "holidays") else "termijnenwet"
    return Context(session, Scope.of(party), f, Contracts.load(session), WerkdagKalender(policy))  # type: ignore[arg-type]


def run(ctx: ServiceContext, party: Party, name: str, f: Filters) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of one report for one caller, and the freshness of the data they come from."""
    scope = Scope.of(party)
    with ctx.db.session() as session:
        key = (name, scope, repr(f), data_version(session))
        with _cache_lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit
        c = _context(ctx, session, party, f)
        rows = verlopen(c) if name == "verlopen" else REPORTS[name].compute(c)
        result = (rows, freshness(session))
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def csv_lines(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> Iterator[str]:
    """RFC 4180 CSV with a header row; money stays integer eurocents, empty for null."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(fields)
    yield flush()
    for i, row in enumerate(rows, 1):
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in fields])
        if i % 1000 == 0:
            yield flush()
    rest = flush()
    if rest:
        yield rest
