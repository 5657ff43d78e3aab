"""API shapes of the contract catalogue (docs/interfaces.md)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..codes import CATEGORIEEN, EENHEDEN_PER_VARIANT, MAX_BEDRAG

Domein = Literal["jeugd", "wmo"]
Variant = Literal["inspanningsgericht", "outputgericht", "taakgericht"]
Eenheid = Literal["01", "04", "14", "16", "82", "83", "84"]

CONTRACT_EXAMPLE = {
    "gemeente": "0141", "aanbieder": "11110001", "domein": "jeugd", "categorie": "45", "code": "45A03",
    "naam": "Ambulante begeleiding", "perceel": "2", "uitvoeringsvariant": "inspanningsgericht",
    "eenheid": "04", "tarief": 6500, "geldigVanaf": "2024-01-01", "geldigTot": None,
    "declaratiemoment": None, "startStopVerplicht": True, "budgetplafond": None, "lumpsum": None,
}


class Lumpsum(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bedrag: int = Field(ge=0, le=999_999_999_999, description="eurocent per periode")
    periode: Literal["maand", "kwartaal", "jaar"]


class ContractIn(BaseModel):
    """One contract line: gemeente x aanbieder x product x validity period, with its terms."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CONTRACT_EXAMPLE]})

    gemeente: str = Field(pattern=r"^[0-9]{4}$", description="CBS-code van de gemeente")
    aanbieder: str = Field(pattern=r"^[0-9]{8}$", description="AGB-code van de aanbieder")
    domein: Domein
    categorie: str = Field(pattern=r"^[0-9]{2}$", description="ProductCategorie van het domein")
    code: str | None = Field(None, min_length=1, max_length=5, pattern=r".*\S.*",
                             description="ProductCode (hoogstens 5 tekens); null = aspecifiek (hele categorie)")
    naam: str = Field("", max_length=200)
    perceel: str | None = Field(None, max_length=40, description="perceel of segment van de inkoop")
    uitvoeringsvariant: Variant
    eenheid: Eenheid | None = Field(None, description="verplicht behalve bij taakgericht")
    tarief: int | None = Field(None, ge=0, le=MAX_BEDRAG,
                               description="eurocent per eenheid (eenheid 83: 100 = 1 euro per euro)")
    geldigVanaf: date
    geldigTot: date | None = Field(None, description="laatste geldige dag; null = doorlopend")
    declaratiemoment: Literal["maandelijks", "einde-traject"] | None = Field(
        None, description="alleen outputgericht (standaard maandelijks)")
    startStopVerplicht: bool | None = Field(
        None, description="worden 305/307 verwacht; standaard ja, behalve bij taakgericht")
    budgetplafond: int | None = Field(None, ge=0, le=999_999_999_999, description="eurocent, of null")
    lumpsum: Lumpsum | None = Field(None, description="alleen taakgericht")

    @model_validator(mode="after")
    def _consistent(self) -> ContractIn:
        problems: list[str] = []
        if self.categorie not in CATEGORIEEN[self.domein]:
            problems.append(f"categorie {self.categorie} bestaat niet in domein {self.domein}")
        if self.geldigTot is not None and self.geldigTot < self.geldigVanaf:
            problems.append("geldigTot ligt voor geldigVanaf")
        if self.uitvoeringsvariant != "taakgericht":
            if self.eenheid is None or self.tarief is None:
                problems.append("eenheid en tarief zijn verplicht bij " + self.uitvoeringsvariant)
            if self.lumpsum is not None:
                problems.append("een lumpsum hoort alleen bij taakgericht")
        if self.eenheid is not None and self.eenheid not in EENHEDEN_PER_VARIANT[self.uitvoeringsvariant]:
            problems.append(f"eenheid {self.eenheid} past niet bij {self.uitvoeringsvariant}")
        if self.eenheid == "83" and self.tarief not in (None, 100):
            problems.append("bij eenheid 83 (euro's) is het tarief 100 (1 euro per euro)")
        if self.declaratiemoment is not None and self.uitvoeringsvariant != "outputgericht":
            problems.append("declaratiemoment hoort alleen bij outputgericht")
        if problems:
            raise ValueError("; ".join(problems))
        if self.uitvoeringsvariant == "outputgericht" and self.declaratiemoment is None:
            self.declaratiemoment = "maandelijks"
        if self.startStopVerplicht is None:
            self.startStopVerplicht = self.uitvoeringsvariant != "taakgericht"
        return self


class ContractOut(ContractIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"id": "6f1c1a56-3f7e-4a43-9d7e-0c1d1e2f3a4b", **CONTRACT_EXAMPLE}]})

    id: str


class ContractPage(BaseModel):
    count: int
    page: int
    pageSize: int
    next: str | None = None
    results: list[ContractOut]


class AfspraakIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"clientenstop": False, "werkgebied": ["0141", "0153"]}]})

    clientenstop: bool = Field(False, description="geen nieuwe toewijzingen voor deze aanbieder")
    werkgebied: list[str] = Field(default_factory=list, max_length=500,
                                  description="gemeenten die de aanbieder bedient; leeg = geen beperking")

    @model_validator(mode="after")
    def _codes(self) -> AfspraakIn:
        bad = [g for g in self.werkgebied if not (len(g) == 4 and g.isdigit())]
        if bad:
            raise ValueError("werkgebied bevat geen CBS-codes van 4 cijfers")
        self.werkgebied = sorted(set(self.werkgebied))
        return self


class AfspraakOut(AfspraakIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"gemeente": "0141", "aanbieder": "11110001", "clientenstop": False, "werkgebied": ["0141", "0153"]}]})

    gemeente: str
    aanbieder: str


class VoorwaardenProduct(BaseModel):
    contractId: str
    domein: Domein
    categorie: str
    code: str | None
    naam: str
    perceel: str | None
    uitvoeringsvariant: Variant
    eenheid: Eenheid | None
    tarief: int | None
    geldigVanaf: date
    geldigTot: date | None
    declaratiemoment: str | None
    startStopVerplicht: bool
    budgetplafond: int | None
    lumpsum: Lumpsum | None


class Voorwaarden(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "gemeente": "0141", "aanbieder": "11110001", "clientenstop": False, "werkgebied": ["0141", "0153"],
        "producten": [{"contractId": "6f1c1a56-3f7e-4a43-9d7e-0c1d1e2f3a4b", "domein": "jeugd",
                       "categorie": "45", "code": "45A03", "naam": "Ambulante begeleiding", "perceel": "2",
                       "uitvoeringsvariant": "inspanningsgericht", "eenheid": "01", "tarief": 130,
                       "geldigVanaf": "2024-01-01", "geldigTot": "2024-12-31", "declaratiemoment": None,
                       "startStopVerplicht": True, "budgetplafond": None, "lumpsum": None}]}]})

    gemeente: str
    aanbieder: str
    clientenstop: bool
    werkgebied: list[str]
    producten: list[VoorwaardenProduct]


class ImportResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"regels": 120, "aangemaakt": 118, "bijgewerkt": 2, "ongewijzigd": 0, "afspraken": 6}]})

    regels: int
    aangemaakt: int
    bijgewerkt: int
    ongewijzigd: int
    afspraken: int
