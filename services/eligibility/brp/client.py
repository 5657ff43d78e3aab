"""Client for Haal Centraal BRP Personen Bevragen (`POST /personen`, type RaadpleegMetBurgerservicenummer).

- Asks only for the fields the rules need (data minimisation): birth date, gemeente of inscription,
  verblijfplaats and overlijden. Never names. opschortingBijhouding comes automatically.
- httpx with a timeout per request; a small retry budget on timeouts, connection errors and 429/502/503/504
  (a Retry-After of the BRP is honoured). The query is a read (POST only because the BSN may not go in a
  URL), so retrying it is safe.
- Up to 20 BSNs per request (the specification's maxItems); a batch fetches its chunks in parallel.
- One deadline for all lookups of a request (BRP_DEADLINE_SECONDS) and a circuit breaker: after
  BRP_BREAKER_FAILURES consecutive failed requests the BRP is not asked for BRP_BREAKER_COOLDOWN_SECONDS.
  A hanging BRP so costs a batch seconds, not the quarter of an hour of every chunk timing out in turn.
- A small in-process TTL cache (BRP_CACHE_SECONDS; 0 disables it). Only persons found are cached.
- When the BRP cannot be asked: BrpUnavailable (503 `brp-onbereikbaar`); when the BRP calls our request
  invalid (our configuration is wrong): BrpRequestInvalid (502 `brp-verzoek-ongeldig`). Never a guess.
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
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
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
# 4xx answers that say our own request is wrong (a configuration error here), not that the BRP is down:
# everything but 401/403 (the key), 408 (a timeout) and 429 (rate limit)
_NOT_OUR_REQUEST = frozenset({401, 403, 408, 429})
_RETRYABLE = frozenset({429, 502, 503, 504})

BRP_REQUESTS = Counter("brp_requests_total", "Requests to the BRP", ["outcome"], registry=metrics.REGISTRY)
BRP_CACHE = Counter("brp_cache_total", "BRP cache lookups", ["result"], registry=metrics.REGISTRY)


class BrpError(Exception):
    """The BRP gave no answer we can use; `reason` is a short cause without personal data."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(f"BRP: {reason}")
        self.reason = reason
        self.retry_after = retry_after  # seconds until asking again makes sense, when known


class BrpUnavailable(BrpError):
    """The BRP could not be asked (down, timing out, rate limiting, refusing our key, answering nonsense,
    the circuit breaker open or the request's deadline passed)."""


class BrpRequestInvalid(BrpError):
    """The BRP calls our request invalid (400 and the like): a configuration error of this service, not an
    outage. Retrying does not help; it goes to the operator (log level error)."""


@dataclass(frozen=True)
class Person:
    """What the rules need of a person. Personal fields stay out of repr (and so out of tracebacks).

    Dates the BRP knows only in part (JaarMaandDatum, JaarDatum) are kept as their earliest and latest
    possible day: the rules decide on the range and never pick a day inside it."""

    bsn: str = field(repr=False)
    # birth date; for an incomplete BRP date (only year/month known) the earliest and latest possible day
    geboortedatum: date | None = field(default=None, repr=False)
    geboortedatum_vroegst: date | None = field(default=None, repr=False)
    geboortedatum_laatst: date | None = field(default=None, repr=False)
    gemeente_van_inschrijving: str | None = None
    verblijfplaats_type: str | None = None  # Adres, Locatie, VerblijfplaatsBuitenland, VerblijfplaatsOnbekend
    # the day the current verblijfplaats started (datumVan), as a range; adres_vanaf_bekend is False for a
    # DatumOnbekend, None when the BRP sent no datumVan at all
    adres_vanaf_vroegst: date | None = field(default=None, repr=False)
    adres_vanaf_laatst: date | None = field(default=None, repr=False)
    adres_vanaf_bekend: bool | None = None
    # verblijfplaats.indicatieVastgesteldVerblijftNietOpAdres: the gemeente established that the person does
    # not live at the registered address (an aantekening under art. 2.26 Wet BRP)
    verblijft_niet_op_adres: bool = False
    overleden: bool = False
    overlijdensdatum: date | None = field(default=None, repr=False)
    overlijdensdatum_vroegst: date | None = field(default=None, repr=False)
    overlijdensdatum_laatst: date | None = field(default=None, repr=False)
    # opschortingBijhouding.reden.code: O overlijden, E emigratie, M ministerieel besluit, R persoonslijst
    # aangelegd in de RNI, F fout, "." onbekend (W, wissen, is never delivered)
    opschorting_reden: str | None = None
    opschorting_datum: date | None = field(default=None, repr=False)
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


def _verblijfplaats(data: dict[str, Any]) -> dict[str, Any]:
    """The verblijfplaats fields of a Person: type, datumVan as a range, the 'verblijft niet op adres' mark."""
    vp = data.get("verblijfplaats") or {}
    if not isinstance(vp, dict):
        return {}
    out: dict[str, Any] = {"verblijfplaats_type": vp.get("type"),
                           "verblijft_niet_op_adres": vp.get("indicatieVastgesteldVerblijftNietOpAdres") is True}
    if "datumVan" in vp:
        _, earliest, latest = _date_range(vp.get("datumVan"))
        out.update(adres_vanaf_vroegst=earliest, adres_vanaf_laatst=latest, adres_vanaf_bekend=earliest is not None)
    return out


def parse_person(data: dict[str, Any]) -> Person:
    exact, earliest, latest = _date_range((data.get("geboorte") or {}).get("datum"))
    overlijden = data.get("overlijden") or {}
    opschorting = data.get("opschortingBijhouding") or {}
    reden = _code(opschorting.get("reden"))
    opgeschort_op, _, _ = _date_range(opschorting.get("datum"))
    # a death shows as overlijden, or as a suspension of the registration with reason O (overlijden)
    death = _date_range(overlijden.get("datum")) if overlijden else (None, None, None)
    if death == (None, None, None) and reden == "O":
        death = _date_range(opschorting.get("datum"))
    ext = data.get(STANDIN_EXTENSION) or {}
    return Person(
        bsn=str(data.get("burgerservicenummer", "")),
        geboortedatum=exact,
        geboortedatum_vroegst=earliest,
        geboortedatum_laatst=latest,
        gemeente_van_inschrijving=_code(data.get("gemeenteVanInschrijving")),
        **_verblijfplaats(data),
        overleden=bool(overlijden) or reden == "O",
        overlijdensdatum=death[0],
        overlijdensdatum_vroegst=death[1],
        overlijdensdatum_laatst=death[2],
        opschorting_reden=reden,
        opschorting_datum=opgeschort_op,
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


class CircuitBreaker:
    """After `failures` consecutive failed BRP requests, fail fast for `cooldown` seconds.

    Once the cool-down has passed, requests go through again; while the count of consecutive failures
    stays at the threshold, the first new failure opens the breaker again at once (half-open). One success
    closes it. `failures` 0 disables the breaker."""

    def __init__(self, failures: int, cooldown: float):
        self.failures = max(0, failures)
        self.cooldown = max(0.0, cooldown)
        self._consecutive = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float | None:
        """Seconds the breaker stays open; None when the BRP may be asked."""
        with self._lock:
            remaining = self._open_until - time.monotonic()
        return remaining if remaining > 0 else None

    def success(self) -> None:
        with self._lock:
            self._consecutive, self._open_until = 0, 0.0

    def failure(self, retry_after: float | None = None) -> bool:
        """Count one failed request; True when this failure opened the breaker."""
        if self.failures == 0:
            return False
        with self._lock:
            self._consecutive += 1
            if self._consecutive < self.failures:
                return False
            now = time.monotonic()
            newly = self._open_until <= now
            # a BRP that asks for a longer pause (Retry-After) gets it
            self._open_until = now + max(self.cooldown, retry_after or 0.0)
            return newly


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@dataclass
class Lookup:
    """Result of asking for several persons: found ones, and the BSNs the BRP could not be asked about."""

    persons: dict[str, Person | None]
    unavailable: dict[str, BrpError]  # bsn -> why there is no answer

    def person(self, bsn: str) -> Person | None:
        if bsn in self.unavailable:
            raise self.unavailable[bsn]
        return self.persons.get(bsn)


class BrpClient:
    def __init__(self, base_url: str, *, api_key: str = "", path: str = "/haalcentraal/api/brp/personen",
                 timeout: float = 3.0, retries: int = 2, cache_seconds: float = 300.0,
                 cache_size: int = 100_000, concurrency: int = 4, deadline_seconds: float = 30.0,
                 breaker_failures: int = 5, breaker_cooldown_seconds: float = 15.0):
        self.url = base_url.rstrip("/") + "/" + path.lstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.concurrency = max(1, concurrency)
        self.deadline_seconds = deadline_seconds
        self.cache = TtlCache(cache_seconds, cache_size)
        self.breaker = CircuitBreaker(breaker_failures, breaker_cooldown_seconds)
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
                   concurrency=settings.brp_concurrency, deadline_seconds=settings.brp_deadline_seconds,
                   breaker_failures=settings.brp_breaker_failures,
                   breaker_cooldown_seconds=settings.brp_breaker_cooldown_seconds)

    def close(self) -> None:
        self._http.close()

    # ---- public --------------------------------------------------------------------------------
    def get_person(self, bsn: str) -> Person | None:
        """The person, or None when the BRP does not know the BSN. Raises BrpError."""
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
        unavailable: dict[str, BrpError] = {}
        # one deadline for every chunk of this request: what is not asked by then is answered "unavailable"
        deadline = time.monotonic() + self.deadline_seconds
        chunks = [misses[i:i + MAX_PER_REQUEST] for i in range(0, len(misses), MAX_PER_REQUEST)]
        if len(chunks) <= 1:
            results = [self._fetch_chunk(c, deadline) for c in chunks]
        else:
            # each worker runs in a copy of the caller's context: its log lines keep the service name and
            # the request id (a fresh thread starts with empty context variables)
            contexts = [contextvars.copy_context() for _ in chunks]
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(chunks))) as pool:
                results = list(pool.map(lambda job: job[0].run(self._fetch_chunk, job[1], deadline),
                                        zip(contexts, chunks)))
        for chunk, outcome in results:
            if isinstance(outcome, BrpError):
                unavailable.update({b: outcome for b in chunk})
                continue
            for bsn in chunk:
                found = outcome.get(bsn)
                persons[bsn] = found
                if found is not None:
                    self.cache.put(bsn, found)
        return Lookup(persons, unavailable)

    # ---- internals -----------------------------------------------------------------------------
    def _fetch_chunk(self, chunk: list[str], deadline: float) -> tuple[list[str], dict[str, Person] | BrpError]:
        try:
            data = self._post({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": chunk,
                               "fields": FIELDS}, deadline)
        except BrpError as exc:
            return chunk, exc
        found: dict[str, Person] = {}
        for item in data.get("personen") or []:
            if isinstance(item, dict):
                person = parse_person(item)
                if person.bsn in chunk:
                    found[person.bsn] = person
        return chunk, found

    def _post(self, body: dict[str, Any], deadline: float) -> dict[str, Any]:
        wait = self.breaker.wait()
        if wait is not None:
            BRP_REQUESTS.labels("stroomonderbreker").inc()
            raise BrpUnavailable("stroomonderbreker open", retry_after=wait)
        headers = {}
        rid = request_id_var.get()
        if rid:
            headers["X-Request-ID"] = rid
        reason, retry_after = "onbekend", None
        for attempt in range(1 + self.retries):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # never asked: not the BRP's failure; asked and failed before: it is
                raise self._give_up("deadline verstreken" if attempt == 0 else f"{reason}; deadline verstreken",
                                    retry_after, attempts=attempt)
            timeout = min(self.timeout, remaining)
            try:
                response = self._http.post(self.url, json=body, headers=headers,
                                           timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)))
            except httpx.TimeoutException:
                reason, retry_after = "timeout", None
            except httpx.TransportError as exc:
                reason, retry_after = type(exc).__name__, None
            else:
                status = response.status_code
                if status == 200:
                    return self._answer(response)
                self._refuse_without_retry(response)
                reason, retry_after = f"HTTP {status}", retry_after_seconds(response.headers.get("Retry-After"))
                if status not in _RETRYABLE:  # 500 and other server errors: the BRP is broken, not busy
                    log.error("brp_error", status=status)
                    raise self._give_up(reason, retry_after, attempts=attempt + 1, outcome="fout")
            if attempt < self.retries:
                pause = retry_after if retry_after is not None else min(0.1 * (2 ** attempt), 1.0)
                if time.monotonic() + pause >= deadline:
                    break  # waiting as asked would pass the deadline: give up now, passing the pause on
                time.sleep(pause)
        raise self._give_up(reason, retry_after, attempts=attempt + 1)

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            BRP_REQUESTS.labels("ongeldig-antwoord").inc()
            self.breaker.failure()
            raise BrpUnavailable("ongeldig antwoord")
        BRP_REQUESTS.labels("ok").inc()
        self.breaker.success()
        return data

    def _refuse_without_retry(self, response: httpx.Response) -> None:
        """Answers where retrying cannot help: our key refused, or our request itself wrong."""
        status = response.status_code
        if status in (401, 403):
            # our key is wrong or lacks authorisation
            BRP_REQUESTS.labels("geweigerd").inc()
            log.error("brp_refused", status=status)
            raise BrpUnavailable(f"BRP weigert de sleutel (HTTP {status})")
        if 400 <= status < 500 and status not in _NOT_OUR_REQUEST:
            # a configuration error of ours (fields, path, body): an operator must act; the BRP itself is fine
            problem = _problem_summary(response)
            BRP_REQUESTS.labels("verzoek-ongeldig").inc()
            log.error("brp_request_invalid", status=status, **problem)
            raise BrpRequestInvalid(f"HTTP {status}" + (f" {problem['code']}" if problem.get("code") else ""))

    def _give_up(self, reason: str, retry_after: float | None, attempts: int,
                 outcome: str = "onbereikbaar") -> BrpUnavailable:
        """The BRP could not be asked: count the failure for the breaker (not when it was never asked)."""
        if attempts and self.breaker.failure(retry_after):
            log.warning("brp_circuit_open", failures=self.breaker.failures,
                        cooldown_s=max(self.breaker.cooldown, retry_after or 0.0))
        BRP_REQUESTS.labels(outcome).inc()
        log.warning("brp_unavailable", reason=reason, attempts=attempts)
        return BrpUnavailable(reason, retry_after=retry_after)


def _problem_summary(response: httpx.Response) -> dict[str, Any]:
    """The BRP's problem code and the names of the parameters it refused: never their values (no BSN)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    names = [str(p.get("name")) for p in body.get("invalidParams") or [] if isinstance(p, dict)]
    return {"code": str(body.get("code") or ""), "params": names[:10]}
