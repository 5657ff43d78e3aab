"""API shapes of checks, verblijven and the audit trail (docs/interfaces.md)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .bsn import is_valid_bsn
from .codes import CATEGORIEEN

TypeVerwijzer = Literal["01", "02", "03", "04", "05", "06", "08"]
# Jeugdwet art. 1.1 "jeugdige" 2°-4° (config.VERLENGING_GRONDEN)
VerlengingGrond = Literal["pleegzorg", "voortzetting", "besluitVoor18", "hervatting", "adolescentenstrafrecht"]

CHECK_EXAMPLE: dict[str, Any] = {
    "bsn": "999900006", "peildatum": "2026-04-01", "gemeente": "0141", "aanbieder": "11110002",
    "product": {"categorie": "45", "code": "45A03"}, "domein": "jeugd",
    "verwijzer": {"type": "02", "naam": None, "zorgverlenerCode": "01234567", "datum": "2026-03-15"},
    "verlengdeJeugdhulp": None, "einddatum": "2026-12-31",
}
ANSWER_EXAMPLE: dict[str, Any] = {
    "id": "0b8f7e6c-2d1a-4c3b-9e8f-7a6b5c4d3e2f",
    "toegestaan": False, "verantwoordelijkeGemeente": "0153",
    "uitvoeringsvariant": "inspanningsgericht", "eenheid": "01", "tarief": 130,
    "contractId": "6f1c1a56-3f7e-4a43-9d7e-0c1d1e2f3a4b",
    "signalen": [{"code": "EXTERNE_VERWIJZING",
                  "omschrijving": "Verwezen door de huisarts, niet door de gemeente: informeer de gemeentelijke toegang.",
                  "description": "Referred by the GP, not by the gemeente: the gemeente's access team must be informed."}],
    "redenen": [{"code": "WOONPLAATSBEGINSEL", "redenAfwijzingVerzoek": "8", "gemeente": "0153",
                 "omschrijving": "Volgens het woonplaatsbeginsel is gemeente 0153 verantwoordelijk.",
                 "description": "Under the woonplaatsbeginsel gemeente 0153 is responsible."}],
    "afwijzing": {"redenAfwijzingVerzoek": "8", "code": "WOONPLAATSBEGINSEL", "woonplaatsbeginsel": "0153"},
}


def check_bsn(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_bsn(value):
        # the message never repeats the value: a BSN must not come back in an error
        raise PydanticCustomError("BSN_ONGELDIG", "Het BSN moet 9 cijfers zijn en voldoen aan de elfproef.")
    return value


# 9 digits first, then the elfproef (python-stdnum); refused before anything else is looked at
Bsn = Annotated[str, BeforeValidator(check_bsn)]


class Product(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categorie: str = Field(pattern=r"^[0-9]{2}$", description="ProductCategorie (iJw 31-55, iWmo 01-18)")
    code: str | None = Field(None, min_length=1, max_length=5, pattern=r".*\S.*",
                             description="ProductCode; null = aspecifiek")


class Verwijzer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: TypeVerwijzer = Field(description="TypeVerwijzer: 01 gemeente, 02 huisarts, 03 jeugdarts, "
                                            "04 gecertificeerde instelling, 05 medisch specialist, "
                                            "06 zelfverwijzer/geen verwijzer, 08 rechter/OvJ/JJI")
    naam: str | None = Field(None, min_length=1, max_length=64)
    zorgverlenerCode: str | None = Field(None, pattern=r"^[0-9]{8}$", description="AGB-code van de verwijzer")
    datum: date | None = Field(None, description="verwijsdatum (nodig waar de verwijzing een geldigheid heeft)",
                               json_schema_extra={"format": "date"})


class VerlengdeJeugdhulp(BaseModel):
    """Jeugdhulp past 18: only on a named ground of Jeugdwet art. 1.1 "jeugdige" (per gemeente instelbaar)."""

    model_config = ConfigDict(extra="forbid")

    grond: VerlengingGrond | None = Field(
        None, description="de wettelijke grond (verplicht voor verlenging; zonder grond geen verlenging): "
                          "adolescentenstrafrecht (2°, art. 77c Sr), pleegzorg (3°, tot 21), voortzetting, "
                          "besluitVoor18 of hervatting (4°, tot 23)")
    totLeeftijd: int | None = Field(None, ge=18, le=30,
                                    description="tot welke leeftijd; null = de hoogste die de grond toestaat")
    reden: str | None = Field(None, max_length=500, description="toelichting (vrije tekst; vervangt de grond niet)")


class WoonplaatsOpgave(BaseModel):
    """The woonplaats as the gemeente established it, for a person the BRP gives no usable woonadres."""

    model_config = ConfigDict(extra="forbid")

    gemeente: str = Field(pattern=r"^[0-9]{4}$", description="de vastgestelde woonplaats (CBS-code)")
    grond: Literal["moeder-bij-geboorte", "werkelijk-verblijf"] = Field(
        description="Jeugdwet art. 1.1 woonplaats 3°: de gemeente waar de moeder bij de geboorte als ingezetene "
                    "was ingeschreven; 3°/4°: de gemeente waar de jeugdige (of Wmo-cliënt) werkelijk verblijft")


class VerblijfOpgave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gemeenteVoorVerblijf: str = Field(pattern=r"^[0-9]{4}$",
                                      description="gemeente van inschrijving direct vóór het verblijf")


class CheckRequest(BaseModel):
    """One check: is this person entitled, who pays, and may this aanbieder deliver this product?"""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CHECK_EXAMPLE]})

    bsn: Bsn = Field(description="BSN (9 cijfers, elfproef); staat nooit in een URL of log", repr=False,
                     json_schema_extra={"pattern": "^[0-9]{9}$"})
    peildatum: date = Field(description="de (gewenste) ingangsdatum van de zorg")
    gemeente: str = Field(pattern=r"^[0-9]{4}$", description="de gemeente die zou betalen (CBS-code)")
    domein: Literal["jeugd", "wmo"]
    aanbieder: str | None = Field(None, pattern=r"^[0-9]{8}$", description="AGB-code; zonder: alleen persoonsregels")
    product: Product | None = None
    verwijzer: Verwijzer | None = None
    verlengdeJeugdhulp: VerlengdeJeugdhulp | None = None
    einddatum: date | None = None
    verblijf: VerblijfOpgave | None = Field(
        None, description="jeugdige in een instelling: de gemeente vóór het verblijf (anders het verblijfregister)")
    woonplaats: WoonplaatsOpgave | None = Field(
        None, description="alleen als de BRP geen bruikbaar woonadres geeft (reden WOONPLAATS_VASTSTELLEN): de "
                          "woonplaats zoals de gemeente die heeft vastgesteld; bij een bruikbaar BRP-adres genegeerd")

    @model_validator(mode="after")
    def _consistent(self) -> CheckRequest:
        if self.product is not None and self.product.categorie not in CATEGORIEEN[self.domein]:
            raise PydanticCustomError("categorie_domein", "De productcategorie hoort niet bij het domein.")
        if self.product is not None and self.aanbieder is None:
            raise PydanticCustomError("aanbieder_ontbreekt", "Een product vraagt om een aanbieder.")
        if self.einddatum is not None and self.einddatum < self.peildatum:
            raise PydanticCustomError("einddatum", "De einddatum ligt voor de peildatum.")
        return self


class Reden(BaseModel):
    code: str
    redenAfwijzingVerzoek: str | None = Field(description="RedenAfwijzingVerzoek (WJ759) of null")
    gemeente: str | None = Field(None, description="bij WOONPLAATSBEGINSEL en ANDERE_GEMEENTE: de verantwoordelijke")
    omschrijving: str
    description: str


class Signaal(BaseModel):
    code: str
    omschrijving: str
    description: str


class Afwijzing(BaseModel):
    """The one reason a 319 carries (RedenAfwijzingVerzoek [0..1]) when several apply."""

    redenAfwijzingVerzoek: str = Field(description="RedenAfwijzingVerzoek (WJ759) voor de 319")
    code: str = Field(description="de reden (code in `redenen`) waar die uit komt")
    woonplaatsbeginsel: str | None = Field(
        None, description="bij 8: de verantwoordelijke gemeente, voor JW319 Antwoord/Woonplaatsbeginsel/Gemeente")


class CheckAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})

    id: str = Field(description="id van de vastgelegde controle (audit)")
    toegestaan: bool
    verantwoordelijkeGemeente: str | None
    uitvoeringsvariant: str | None = None
    eenheid: str | None = None
    tarief: int | None = Field(None, description="eurocent per eenheid")
    contractId: str | None = None
    signalen: list[Signaal]
    redenen: list[Reden] = Field(description="elke reden; die met de voorrang voor een 319 eerst (zie afwijzing)")
    afwijzing: Afwijzing | None = Field(
        None, description="de primaire RedenAfwijzingVerzoek voor een 319 (8 woonplaatsbeginsel, 5 andere gemeente, "
                          "9 leeftijdsgrens, 3 geen contract, 4 past niet binnen contract, in die volgorde); null "
                          "als geen reden een RedenAfwijzingVerzoek heeft")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"checks": [
        CHECK_EXAMPLE, {**CHECK_EXAMPLE, "bsn": "999990056", "domein": "wmo", "product": None, "aanbieder": None,
                        "verwijzer": None, "einddatum": None}]}]})

    checks: list[dict[str, Any]] = Field(
        max_length=10_000, description="tot 10.000 checks, elk in de vorm van POST /v1/checks")


class BatchAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"resultaten": [
        ANSWER_EXAMPLE, {"fout": {"type": "https://berichten.example.org/problemen/ongeldige-invoer",
                                  "code": "ongeldige-invoer", "title": "Ongeldige invoer", "status": 400,
                                  "detail": "De invoer voldoet niet aan het schema.",
                                  "invalidParams": [{"name": "bsn", "code": "BSN_ONGELDIG",
                                                     "reason": "Het BSN moet 9 cijfers zijn en voldoen aan de elfproef."}]}}]}]})

    resultaten: list[dict[str, Any]] = Field(description="per check, in volgorde: het antwoord of {\"fout\": problem}")


class ControleOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "0b8f7e6c-2d1a-4c3b-9e8f-7a6b5c4d3e2f", "tijdstip": "2026-04-01T10:00:00+00:00",
        "gevraagdDoor": "svc-allocation", "gemeente": "0141", "aanbieder": "11110001", "domein": "jeugd",
        "product": {"categorie": "45", "code": "45A03"}, "peildatum": "2026-04-01", "uitkomst": "afgewezen",
        "redenen": ["WOONPLAATSBEGINSEL"], "signalen": [], "verantwoordelijkeGemeente": "0153",
        "contractId": None, "batchId": None, "requestId": "4f1d..."}]})

    id: str
    tijdstip: datetime
    gevraagdDoor: str
    gemeente: str | None = Field(description="null als de vraag geen geldige gemeente had")
    aanbieder: str | None
    domein: str | None
    product: dict[str, Any] | None
    peildatum: date | None
    uitkomst: str = Field(description="toegestaan, afgewezen, of de probleemcode van een vraag die niet is "
                                      "beantwoord: ongeldige-invoer, niet-uw-gemeente, verkeerde-rol, "
                                      "brp-onbereikbaar, brp-verzoek-ongeldig")
    redenen: list[str]
    signalen: list[str]
    verantwoordelijkeGemeente: str | None
    contractId: str | None
    batchId: str | None
    requestId: str | None


class ControlePage(BaseModel):
    count: int
    page: int
    pageSize: int
    next: str | None = None
    results: list[ControleOut]


class VerblijfIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "bsn": "999990111", "gemeenteVoorVerblijf": "0164", "ingangsdatum": "2025-09-01", "einddatum": None}]})

    bsn: Bsn = Field(repr=False)
    gemeenteVoorVerblijf: str = Field(pattern=r"^[0-9]{4}$")
    ingangsdatum: date | None = Field(None, description="begin van het verblijf; null = onbekend/altijd")
    einddatum: date | None = Field(None, description="einde van het verblijf; null = loopt nog")

    @model_validator(mode="after")
    def _period(self) -> VerblijfIn:
        if self.ingangsdatum and self.einddatum and self.einddatum < self.ingangsdatum:
            raise PydanticCustomError("einddatum", "De einddatum ligt voor de ingangsdatum.")
        return self


class VerblijfOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "gemeenteVoorVerblijf": "0164", "ingangsdatum": "2025-09-01",
        "einddatum": None, "geregistreerdDoor": "0164", "aangemaaktOp": "2025-09-02T09:00:00+00:00"}]})

    id: str
    gemeenteVoorVerblijf: str
    ingangsdatum: date | None
    einddatum: date | None
    geregistreerdDoor: str
    aangemaaktOp: datetime


class VerblijfZoek(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"bsn": "999990111"}]})

    bsn: Bsn = Field(repr=False)


class VerblijfList(BaseModel):
    results: list[VerblijfOut]
