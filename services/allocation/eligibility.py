"""What the allocation service asks the eligibility service (docs/interfaces.md): entitlement checks
(POST /v1/checks) and contract terms (GET /v1/contractvoorwaarden, cached a short while).

Which checks need eligibility, and when (the choice, documented):
- issuing a toewijzing or honouring a verzoek: always POST /v1/checks first. Unavailable → 503
  problem+json and nothing is stored; the case system tries again.
- a 315/317 arriving: its 316/318 never waits on eligibility (the retour is about the message). The
  contract pre-check (taakgericht? Omvang fitting the variant?) runs at once when eligibility answers and
  otherwise later, from a background loop; the verzoek is stored either way, so nothing is lost.
- a 305/307 with a ToewijzingNummer: no call at all (the toewijzing carries its variant).
- a 305/307 without ToewijzingNummer (taakgericht): the contract terms decide whether start/stop is
  asked for; when they cannot be fetched the message is answered 503 problem+json, nothing stored, and
  the aanbieder sends it again later (retrying is what the standard expects of a sender, OP090x2).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from services.common.http import ServiceUnavailable
from services.common.logging import get_logger
from services.common.problems import Problem

if TYPE_CHECKING:
    from services.common.app import ServiceContext

log = get_logger("allocation.eligibility")

TIJD_EENHEDEN = {"01", "04", "14", "16", "84"}  # inspanningsgericht: minuut, uur, etmaal, dagdeel, stuks (inspanning)
OUTPUT_EENHEDEN = {"82", "83"}  # outputgericht: stuks (output), euro's


class EligibilityUnavailable(Exception):
    """The eligibility service could not answer; the caller decides what a clear answer is."""


@dataclass
class ContractProduct:
    categorie: str
    code: str | None
    uitvoeringsvariant: str
    eenheid: str | None
    geldig_vanaf: date | None
    geldig_tot: date | None
    start_stop_verplicht: bool
    domein: str | None

    def geldig_op(self, day: date) -> bool:
        if self.geldig_vanaf and day < self.geldig_vanaf:
            return False
        return not (self.geldig_tot and day > self.geldig_tot)

    def matches(self, categorie: str | None, code: str | None) -> bool:
        if categorie != self.categorie:
            return False
        # an aspecifieke contract line (no code) covers every code in its categorie
        return not self.code or self.code == code


@dataclass
class Contract:
    gemeente: str
    aanbieder: str
    producten: list[ContractProduct] = field(default_factory=list)
    clientenstop: bool = False

    def categorieen_van(self, domein: str, code: str) -> set[str]:
        """The ProductCategorieen under which the contract (the productcodelijst in force between this gemeente
        and aanbieder, TR381) knows this ProductCode, at any date."""
        return {p.categorie for p in self.producten if p.code == code and p.domein in (None, domein)}

    def product(self, domein: str, categorie: str | None, code: str | None, peildatum: date) -> ContractProduct | None:
        candidates = [p for p in self.producten
                      if (p.domein in (None, domein)) and p.matches(categorie, code) and p.geldig_op(peildatum)]
        # the most specific line wins (with a code before an aspecifieke line)
        candidates.sort(key=lambda p: 0 if p.code else 1)
        return candidates[0] if candidates else None


@dataclass
class CheckResult:
    toegestaan: bool
    uitvoeringsvariant: str | None
    eenheid: str | None
    redenen: list[dict[str, Any]]
    signalen: list[dict[str, Any]]
    verantwoordelijke_gemeente: str | None
    raw: dict[str, Any]

    def reden_codes(self) -> list[str]:
        return [str(r.get("code")) for r in self.redenen]

    def afwijzing(self) -> tuple[str, str | None] | None:
        """The RedenAfwijzingVerzoek for a 319 and, for 8, the gemeente for its Woonplaatsbeginsel element.

        Eligibility names the one reason a 319 carries when several apply (`afwijzing`, woonplaatsbeginsel
        first); an older answer without it falls back to the first reason that has a code."""
        primary = self.raw.get("afwijzing")
        if isinstance(primary, dict) and primary.get("redenAfwijzingVerzoek"):
            return str(primary["redenAfwijzingVerzoek"]), primary.get("woonplaatsbeginsel")
        for r in self.redenen:
            if r.get("redenAfwijzingVerzoek"):
                return str(r["redenAfwijzingVerzoek"]), r.get("gemeente")
        return None


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


class EligibilityGateway:
    """Thin client over ServiceClient with a short-lived cache of contract terms."""

    def __init__(self, ctx: ServiceContext, cache_seconds: float):
        self.ctx = ctx
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str], tuple[float, Contract]] = {}
        self._lock = threading.Lock()

    # ---- contract terms ----------------------------------------------------------------------
    def contract(self, gemeente: str, aanbieder: str, *, fresh: bool = False) -> Contract:
        key = (gemeente, aanbieder)
        now = time.monotonic()
        if not fresh and self.cache_seconds > 0:
            with self._lock:
                hit = self._cache.get(key)
            if hit and now - hit[0] < self.cache_seconds:
                return hit[1]
        try:
            resp = self.ctx.client("eligibility").get(
                "/v1/contractvoorwaarden", params={"gemeente": gemeente, "aanbieder": aanbieder})
        except ServiceUnavailable as exc:
            raise EligibilityUnavailable(str(exc)) from None
        if resp.status_code == 404:
            contract = Contract(gemeente, aanbieder)
        elif resp.status_code != 200:
            raise EligibilityUnavailable(f"contractvoorwaarden HTTP {resp.status_code}")
        else:
            contract = _parse_contract(resp.json())
        with self._lock:
            self._cache[key] = (now, contract)
        return contract

    def contract_product(self, gemeente: str, aanbieder: str, domein: str, categorie: str | None,
                         code: str | None, peildatum: date) -> ContractProduct | None:
        """The contract line for a product. A miss in the cache, or a hit on an aspecifieke line for a product
        with a code, is asked again once: a (more specific) line may have been added since the terms were
        cached, and it would decide the uitvoeringsvariant."""
        found = self.contract(gemeente, aanbieder).product(domein, categorie, code, peildatum)
        if (found is None or (code and not found.code)) and self.cache_seconds > 0:
            found = self.contract(gemeente, aanbieder, fresh=True).product(domein, categorie, code, peildatum)
        return found

    # ---- entitlement ---------------------------------------------------------------------------
    def check(self, payload: dict[str, Any]) -> CheckResult:
        try:
            # the check only reads: retrying a POST here is safe
            resp = self.ctx.client("eligibility").post("/v1/checks", json=payload)
        except ServiceUnavailable as exc:
            raise EligibilityUnavailable(str(exc)) from None
        if resp.status_code == 400:
            body = _json(resp)
            raise Problem(400, str(body.get("code") or "ongeldige-invoer"),
                          str(body.get("detail") or "De controle op rechtmatigheid weigerde de invoer."),
                          invalid_params=body.get("invalidParams"))
        if resp.status_code != 200:
            raise EligibilityUnavailable(f"checks HTTP {resp.status_code}")
        body = resp.json()
        return CheckResult(
            toegestaan=bool(body.get("toegestaan")),
            uitvoeringsvariant=body.get("uitvoeringsvariant"),
            eenheid=body.get("eenheid"),
            redenen=list(body.get("redenen") or []),
            signalen=list(body.get("signalen") or []),
            verantwoordelijke_gemeente=body.get("verantwoordelijkeGemeente"),
            raw=body,
        )


def _json(resp: Any) -> dict[str, Any]:
    try:
        data = resp.json()
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


def _parse_contract(body: dict[str, Any]) -> Contract:
    producten = [
        ContractProduct(
            categorie=str(p.get("categorie") or ""),
            code=p.get("code") or None,
            uitvoeringsvariant=str(p.get("uitvoeringsvariant") or ""),
            eenheid=p.get("eenheid"),
            geldig_vanaf=_d(p.get("geldigVanaf")),
            geldig_tot=_d(p.get("geldigTot")),
            start_stop_verplicht=bool(p.get("startStopVerplicht", True)),
            domein=p.get("domein"),
        )
        for p in body.get("producten") or []
    ]
    return Contract(gemeente=str(body.get("gemeente", "")), aanbieder=str(body.get("aanbieder", "")),
                    producten=producten, clientenstop=bool(body.get("clientenstop", False)))


def variant_past(variant: str | None, eenheid: str | None) -> str | None:
    """Point 4 of the issue: does the requested Omvang/Budget fit the contract's uitvoeringsvariant?

    Returns None when it fits, else a short Dutch reason. Inspanningsgericht needs a time unit (or stuks
    inspanning); outputgericht uses stuks (output), euro's or a Budget; taakgericht has no toewijzing.
    """
    if variant == "taakgericht":
        return "Het product is taakgericht gecontracteerd: daarvoor bestaat geen toewijzing per client."
    if variant == "inspanningsgericht" and eenheid is not None and eenheid not in TIJD_EENHEDEN:
        return (f"Eenheid {eenheid} past niet bij een inspanningsgericht product: gebruik 01 minuut, 04 uur, "
                "14 etmaal, 16 dagdeel of 84 stuks (inspanning).")
    if variant == "outputgericht" and eenheid is not None and eenheid not in OUTPUT_EENHEDEN:
        return (f"Eenheid {eenheid} past niet bij een outputgericht product: gebruik 82 stuks (output), "
                "83 euro's of een budget.")
    return None
