"""Client for Haal Centraal BRP Personen Bevragen (`POST /personen`, type RaadpleegMetBurgerservicenummer).

- Asks only for the fields the rules need (data minimisation): birth date, gemeente of inscription,
  verblijfplaats and overlijden. Never names.
- httpx with a timeout per request; a small retry budget on timeouts, connection errors and 502/503/504.
  The query is a read (POST only because the BSN may not go in a URL), so retrying it is safe.
- Up to 20 BSNs per request (the specification's maxItems); a batch fetches its chunks in parallel.
- A small in-process TTL cache (BRP_CACHE_SECONDS; 0 disables it). Only persons found are cached.
- When the BRP cannot be asked: BrpUnavailable, which the API answers as 503 `brp-onbereikbaar`.
  Never a guess.
"""
from __future__ import annotations

import calendar
import contextvars
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from prometheus_client import Counter

from services.common import metrics
from services.common.logging import get_logger, request_id_var

log = get_logger("brp")

MAX_PER_REQUEST = 20  # RaadpleegMetBurgerservicenummer.burgerservicenummer maxItems
FIELDS = ["burgerservicenummer", "geboorte.datum", "gemeenteVanInschrijving", "verblijfplaats", "overlijden"]
# Stand-in only (never sent by the real BRP): the test fields for a youth in residential care. Documented
# in docs of the stand-in; in production the verblijf register of this service provides this.
STANDIN_EXTENSION = "standinVerblijf"

BRP_REQUESTS = Counter("brp_requests_total", "Requests to the BRP", ["outcome"], registry=metrics.REGISTRY)
BRP_CACHE = Counter("brp_cache_total", "BRP cache lookups", ["result"], registry=metrics.REGISTRY)


class BrpUnavailable(Exception):
    """The BRP could not be asked (down, timing out, refusing our key, or answering nonsense)."""

    def __init__(self, reason: str):
        super().__init__(f"BRP unavailable: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Person:
    """What the rules need of a person. Personal fields stay out of repr (and so out of tracebacks)."""

    bsn: str = field(repr=False)
    # birth date; for an incomplete BRP date (only year/month known) the earliest and latest possible day
    geboortedatum: date | None = field(default=None, repr=False)
    geboortedatum_vroegst: date | None = field(default=None, repr=False)
    geboortedatum_laatst: date | None = field(default=None, repr=False)
    gemeente_van_inschrijving: str | None = None
    verblijfplaats_type: str | None = None  # Adres, Locatie, VerblijfplaatsBuitenland, VerblijfplaatsOnbekend
    overleden: bool = False
    overlijdensdatum: date | None = field(default=None, repr=False)
    # stand-in extension (see STANDIN_EXTENSION)
    in_instelling: bool = False
    gemeente_voor_verblijf: str | None = None


def _date_range(value: Any) -> tuple[date | None, date | None, date | None]:
    """(exact, earliest, latest) of a Haal Centraal AbstractDatum."""
    if not isinstance(value, dict):
        return None, None, None
    kind = value.get("type")
    try:
        if kind == "Datum":
            d = date.fromisoformat(str(value["datum"]))
            return d, d, d
        if kind == "JaarMaandDatum":
            y, m = int(value["jaar"]), int(value["maand"])
            return None, date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        if kind == "JaarDatum":
            y = int(value["jaar"])
            return None, date(y, 1, 1), date(y, 12, 31)
    except (KeyError, ValueError, TypeError):
        pass
    return None, None, None  # DatumOnbekend or unreadable


def _code(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("code"):
        return str(value["code"])
    return None


def parse_person(data: dict[str, Any]) -> Person:
    exact, earliest, latest = _date_range((data.get("geboorte") or {}).get("datum"))
    overlijden = data.get("overlijden") or {}
    death, _, _ = _date_range(overlijden.get("datum"))
    opschorting = data.get("opschortingBijhouding") or {}
    # a death shows as overlijden, or as a suspension of the registration with reason O (overlijden)
    deceased = bool(overlijden) or _code(opschorting.get("reden")) == "O"
    if death is None and _code(opschorting.get("reden")) == "O":
        death, _, _ = _date_range(opschorting.get("datum"))
    ext = data.get(STANDIN_EXTENSION) or {}
    return Person(
        bsn=str(data.get("burgerservicenummer", "")),
        geboortedatum=exact,
        geboortedatum_vroegst=earliest,
        geboortedatum_laatst=latest,
        gemeente_van_inschrijving=_code(data.get("gemeenteVanInschrijving")),
        verblijfplaats_type=(data.get("verblijfplaats") or {}).get("type"),
        overleden=deceased,
        overlijdensdatum=death,
        in_instelling=bool(ext.get("instelling")),
        gemeente_voor_verblijf=_code(ext.get("gemeenteVoorVerblijf")),
    )


class TtlCache:
    """A small thread-safe LRU with a time-to-live per entry."""

    def __init__(self, ttl_seconds: float, max_size: int):
        self.ttl = ttl_seconds
        self.max_size = max_size
        self._data: OrderedDict[str, tuple[float, Person]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0 and self.max_size > 0

    def get(self, key: str) -> Person | None:
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            expires, value = hit
            if expires < now:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key: str, value: Person) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


@dataclass
class Lookup:
    """Result of asking for several persons: found ones, and the BSNs the BRP could not be asked about."""

    persons: dict[str, Person | None]
    unavailable: dict[str, str]  # bsn -> reason

    def person(self, bsn: str) -> Person | None:
        if bsn in self.unavailable:
            raise BrpUnavailable(self.unavailable[bsn])
        return self.persons.get(bsn)


class BrpClient:
    def __init__(self, base_url: str, *, api_key: str = "", path: str = "/haalcentraal/api/brp/personen",
                 timeout: float = 3.0, retries: int = 2, cache_seconds: float = 300.0,
                 cache_size: int = 100_000, concurrency: int = 4):
        self.url = base_url.rstrip("/") + "/" + path.lstrip("/")
        self.retries = max(0, retries)
        self.concurrency = max(1, concurrency)
        self.cache = TtlCache(cache_seconds, cache_size)
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        if api_key:
            headers["X-API-KEY"] = api_key
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            headers=headers,
            limits=httpx.Limits(max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> BrpClient:
        return cls(settings.brp_url, api_key=settings.brp_api_key, path=settings.brp_personen_path,
                   timeout=settings.brp_timeout_seconds, retries=settings.brp_retries,
                   cache_seconds=settings.brp_cache_seconds, cache_size=settings.brp_cache_size,
                   concurrency=settings.brp_concurrency)

    def close(self) -> None:
        self._http.close()

    # ---- public --------------------------------------------------------------------------------
    def get_person(self, bsn: str) -> Person | None:
        """The person, or None when the BRP does not know the BSN. Raises BrpUnavailable."""
        return self.get_persons([bsn]).person(bsn)

    def get_persons(self, bsns: Iterable[str]) -> Lookup:
        wanted = list(dict.fromkeys(bsns))
        persons: dict[str, Person | None] = {}
        misses: list[str] = []
        for bsn in wanted:
            hit = self.cache.get(bsn)
            if hit is not None:
                persons[bsn] = hit
            else:
                misses.append(bsn)
        if self.cache.enabled:
            BRP_CACHE.labels("hit").inc(len(wanted) - len(misses))
            BRP_CACHE.labels("miss").inc(len(misses))
        unavailable: dict[str, str] = {}
        chunks = [misses[i:i + MAX_PER_REQUEST] for i in range(0, len(misses), MAX_PER_REQUEST)]
        if len(chunks) <= 1:
            results = [self._fetch_chunk(c) for c in chunks]
        else:
            # each worker runs in a copy of the caller's context: its log lines keep the service name and
            # the request id (a fresh thread starts with empty context variables)
            contexts = [contextvars.copy_context() for _ in chunks]
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(chunks))) as pool:
                results = list(pool.map(lambda job: job[0].run(self._fetch_chunk, job[1]), zip(contexts, chunks)))
        for chunk, outcome in results:
            if isinstance(outcome, BrpUnavailable):
                unavailable.update({b: outcome.reason for b in chunk})
                continue
            for bsn in chunk:
                found = outcome.get(bsn)
                persons[bsn] = found
                if found is not None:
                    self.cache.put(bsn, found)
        return Lookup(persons, unavailable)

    # ---- internals -----------------------------------------------------------------------------
    def _fetch_chunk(self, chunk: list[str]) -> tuple[list[str], dict[str, Person] | BrpUnavailable]:
        try:
            data = self._post({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": chunk,
                               "fields": FIELDS})
        except BrpUnavailable as exc:
            return chunk, exc
        found: dict[str, Person] = {}
        for item in data.get("personen") or []:
            if isinstance(item, dict):
                person = parse_person(item)
                if person.bsn in chunk:
                    found[person.bsn] = person
        return chunk, found

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {}
        rid = request_id_var.get()
        if rid:
            headers["X-Request-ID"] = rid
        reason = "onbekend"
        for attempt in range(1 + self.retries):
            try:
                response = self._http.post(self.url, json=body, headers=headers)
            except httpx.TimeoutException:
                reason = "timeout"
            except httpx.TransportError as exc:
                reason = type(exc).__name__
            else:
                status = response.status_code
                if status == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        BRP_REQUESTS.labels("ongeldig-antwoord").inc()
                        raise BrpUnavailable("ongeldig antwoord") from None
                    if not isinstance(data, dict):
                        BRP_REQUESTS.labels("ongeldig-antwoord").inc()
                        raise BrpUnavailable("ongeldig antwoord")
                    BRP_REQUESTS.labels("ok").inc()
                    return data
                reason = f"HTTP {status}"
                if status in (401, 403):
                    # our key is wrong or lacks authorisation: retrying will not help
                    BRP_REQUESTS.labels("geweigerd").inc()
                    log.error("brp_refused", status=status)
                    raise BrpUnavailable(f"BRP weigert de sleutel (HTTP {status})")
                if status not in (429, 502, 503, 504):
                    BRP_REQUESTS.labels("fout").inc()
                    log.error("brp_error", status=status)
                    raise BrpUnavailable(reason)
            if attempt < self.retries:
                time.sleep(min(0.1 * (2 ** attempt), 1.0))
        BRP_REQUESTS.labels("onbereikbaar").inc()
        log.warning("brp_unavailable", reason=reason, attempts=1 + self.retries)
        raise BrpUnavailable(reason)
