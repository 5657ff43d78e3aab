"""Contract terms from the eligibility service, cached per gemeente × aanbieder × domein.

Judging a declaratie needs the contract (tarief, eenheid, uitvoeringsvariant, declaratiemoment, plafond)
for every product at the prestatie's date. One 323 always has one gemeente (Ontvanger) and one aanbieder
(Afzender), so a declaratie of any size costs at most one HTTP call, and none while the cached copy is
fresh. A product the fresh copy does not know triggers one refresh (a contract line added a minute ago must
not be refused). When eligibility cannot be asked and there is no usable copy, the declaratie is not judged:
503 `contractvoorwaarden-onbereikbaar`, nothing stored, and the aanbieder simply sends it again.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from services.common.http import ServiceUnavailable
from services.common.logging import get_logger
from services.common.problems import Problem

from .domain import ContractLine

if TYPE_CHECKING:
    from services.common.app import ServiceContext

log = get_logger("contracts")


@dataclass
class ContractTerms:
    gemeente: str
    aanbieder: str
    domein: str
    fetched_at: float
    etag: str | None = None
    lines: dict[tuple[str, str | None], list[ContractLine]] = field(default_factory=dict)
    clientenstop: bool = False
    _categories: dict[str, set[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, gemeente: str, aanbieder: str, domein: str, data: dict[str, Any]) -> ContractTerms:
        terms = cls(gemeente, aanbieder, domein, time.monotonic(), clientenstop=bool(data.get("clientenstop")))
        for item in data.get("producten") or []:
            line = _line(item)
            if line is None or (line.domein and line.domein != domein):
                continue
            terms.lines.setdefault((line.categorie, line.code), []).append(line)
        for lines in terms.lines.values():
            lines.sort(key=lambda ln: ln.geldig_vanaf)
        return terms

    def knows(self, categorie: str, code: str) -> bool:
        """Whether the terms name this exact product. A category line (aspecifiek) may cover it too, but a
        product line added since the copy was fetched would then be missed, so an unnamed product makes
        the cache ask again (one conditional GET per batch at most)."""
        return (categorie, code) in self.lines

    def covers(self, categorie: str, code: str) -> bool:
        return (categorie, code) in self.lines or (categorie, None) in self.lines

    def line_for(self, categorie: str, code: str, day: date) -> ContractLine | None:
        """The contract line for this product valid on `day`; a line without code covers the category."""
        for key in ((categorie, code), (categorie, None)):
            for line in self.lines.get(key, ()):
                if line.valid_on(day):
                    return line
        return None

    def categories_of(self, code: str) -> set[str]:
        if self._categories is None:  # built once per copy, asked once per prestatie
            index: dict[str, set[str]] = {}
            for cat, c in self.lines:
                if c is not None:
                    index.setdefault(c, set()).add(cat)
            self._categories = index
        return self._categories.get(code, set())

    def all_lines(self) -> list[ContractLine]:
        return [ln for lines in self.lines.values() for ln in lines]


def _date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _line(item: dict[str, Any]) -> ContractLine | None:
    try:
        vanaf = _date(item.get("geldigVanaf")) or date(2000, 1, 1)
        return ContractLine(
            categorie=str(item["categorie"]),
            code=(str(item["code"]) if item.get("code") else None),
            uitvoeringsvariant=str(item.get("uitvoeringsvariant") or "inspanningsgericht"),
            eenheid=(str(item["eenheid"]) if item.get("eenheid") else None),
            tarief=_int(item.get("tarief")),
            geldig_vanaf=vanaf,
            geldig_tot=_date(item.get("geldigTot")),
            domein=str(item.get("domein") or ""),
            naam=str(item.get("naam") or ""),
            perceel=(str(item["perceel"]) if item.get("perceel") not in (None, "") else None),
            declaratiemoment=item.get("declaratiemoment"),
            start_stop_verplicht=bool(item.get("startStopVerplicht", True)),
            budgetplafond=_int(item.get("budgetplafond")),
            lumpsum=item.get("lumpsum") or None,
            contract_id=(str(item["contractId"]) if item.get("contractId") else None),
        )
    except (KeyError, TypeError, ValueError):
        # a malformed line is skipped rather than failing every declaratie; it shows up as 0611 (no tariff)
        log.warning("contractregel_onleesbaar", keys=sorted(item)[:20])
        return None


class ContractTermsUnavailable(Exception):
    pass


class ContractCache:
    def __init__(self, ttl_seconds: float):
        self.ttl = ttl_seconds
        self._entries: dict[tuple[str, str, str], ContractTerms] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: tuple[str, str, str]) -> ContractTerms | None:
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry.fetched_at <= self.ttl:
            return entry
        return None

    def get(self, ctx: ServiceContext, gemeente: str, aanbieder: str, domein: str,
            products: Iterable[tuple[str, str]] = (), *, revalidate: bool = False) -> ContractTerms:
        """The contract terms, from the cache within its TTL. `revalidate` asks eligibility anyway (a
        conditional request: 304 when nothing changed), for overviews people read right after a change."""
        key = (gemeente, aanbieder, domein)
        cached = self._fresh(key)
        if cached is not None and not revalidate and all(cached.knows(cat, code) for cat, code in products):
            return cached
        previous = cached or self._entries.get(key)
        try:
            terms = fetch(ctx, gemeente, aanbieder, domein, previous)
        except ContractTermsUnavailable:
            if cached is not None and all(cached.covers(cat, code) for cat, code in products):
                # the fresh copy covers every product (some through a category line): use it within its TTL
                log.warning("contractvoorwaarden_uit_cache", gemeente=gemeente, aanbieder=aanbieder)
                return cached
            # a product the copy does not know may have been contracted since: judging it now would refuse
            # it for lack of a tariff, so the declaratie waits (503) rather than being judged wrongly
            raise
        with self._lock:
            self._entries[key] = terms
        return terms

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def fetch(ctx: ServiceContext, gemeente: str, aanbieder: str, domein: str,
          previous: ContractTerms | None = None) -> ContractTerms:
    headers = {"If-None-Match": previous.etag} if previous is not None and previous.etag else {}
    try:
        resp = ctx.client("eligibility").get(
            "/v1/contractvoorwaarden", params={"gemeente": gemeente, "aanbieder": aanbieder, "domein": domein},
            headers=headers)
    except ServiceUnavailable as exc:
        raise ContractTermsUnavailable(exc.reason) from None
    if resp.status_code == 304 and previous is not None:
        # unchanged since our copy: keep it, valid for another TTL
        return ContractTerms(gemeente, aanbieder, domein, time.monotonic(), previous.etag, previous.lines,
                             previous.clientenstop)
    if resp.status_code == 404:
        # eligibility knows no contract for this pair: every prestatie will lack a contractual tariff
        return ContractTerms(gemeente, aanbieder, domein, time.monotonic())
    if resp.status_code != 200:
        raise ContractTermsUnavailable(f"HTTP {resp.status_code}")
    try:
        data = resp.json()
    except ValueError:
        raise ContractTermsUnavailable("geen JSON") from None
    terms = ContractTerms.from_json(gemeente, aanbieder, domein, data)
    terms.etag = resp.headers.get("etag")
    return terms


def cache_for(ctx: ServiceContext) -> ContractCache:
    cache = ctx.extras.get("contract_cache")
    if cache is None:
        cache = ctx.extras["contract_cache"] = ContractCache(getattr(ctx.settings, "contract_cache_ttl_seconds", 300.0))
    return cache  # type: ignore[no-any-return]


def terms_or_503(ctx: ServiceContext, gemeente: str, aanbieder: str, domein: str,
                 products: Iterable[tuple[str, str]] = (), *, revalidate: bool = False) -> ContractTerms:
    try:
        return cache_for(ctx).get(ctx, gemeente, aanbieder, domein, products, revalidate=revalidate)
    except ContractTermsUnavailable as exc:
        log.warning("contractvoorwaarden_onbereikbaar", gemeente=gemeente, aanbieder=aanbieder, reden=str(exc))
        raise Problem(
            503, "contractvoorwaarden-onbereikbaar",
            "De contractvoorwaarden konden niet worden opgehaald bij de eligibility-dienst; de declaratie is niet "
            "beoordeeld en niet opgeslagen. Stuur hetzelfde bericht later opnieuw.",
            headers={"Retry-After": "30"},
        ) from None
