"""Response bodies of the reporting API (pydantic). Money in integer eurocents; percentages with one decimal."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Dimensies(BaseModel):
    """The grouping columns: present when asked for with `groepering`."""

    periode: str = Field(description="maand YYYY-MM, kwartaal YYYY-Qn, jaar YYYY, of 'totaal'", examples=["2026-03"])
    gemeente: str | None = Field(None, description="CBS-code", examples=["0141"])
    segment: str | None = Field(None, description="perceel/segment volgens het contract", examples=["Ambulant"])
    product: str | None = Field(None, description="categorie/code", examples=["45/45A03"])
    aanbieder: str | None = Field(None, description="AGB-code", examples=["11110001"])
    domein: str | None = Field(None, examples=["jeugd"])


class ZorggebruikRij(Dimensies):
    clientenInZorg: int = Field(description="cliënten met een toewijzing in de periode")
    instroom: int = Field(description="cliënten van wie een zorgepisode in de periode begint")
    uitstroom: int = Field(description="cliënten van wie een zorgepisode in de periode eindigt")
    toewijzingenActief: int = Field(description="toewijzingen die in de periode gelden")
    gestart: int = Field(description="geaccepteerde starts (305) met Begindatum in de periode")
    gestopt: int = Field(description="geaccepteerde stops (307) met Einddatum in de periode")


class KostenRij(Dimensies):
    ingediend: int = Field(description="ingediend bedrag (eurocent, credit negatief)")
    goedgekeurd: int = Field(description="toegekend bedrag")
    afgewezen: int = Field(description="afgewezen bedrag")
    prestaties: int
    afgewezenPrestaties: int
    clienten: int = Field(description="cliënten met een positief toegekend bedrag")
    gemiddeldPerClient: int | None = Field(description="toegekend / cliënten (eurocent, half naar boven)")
    vorigJaarGoedgekeurd: int = Field(description="toegekend in dezelfde maanden een jaar eerder")
    vorigJaarClienten: int
    veranderingGoedgekeurdProcent: float | None = Field(description="(nu − vorig jaar) / vorig jaar × 100")
    veranderingClientenProcent: float | None


class ConcentratieRij(Dimensies):
    aanbieders: int = Field(description="aanbieders met een positief toegekend bedrag")
    goedgekeurd: int
    top3ProcentAanbieders: int = Field(description="aantal aanbieders in de grootste 3% (minstens 1)")
    aandeelTop3Procent: float | None = Field(description="aandeel van het geld bij de grootste 3% van de aanbieders")
    top10ProcentAanbieders: int
    aandeelTop10Procent: float | None
    aanbiedersVoor50Procent: int = Field(description="zo weinig mogelijk aanbieders die samen 50% van het geld krijgen")
    aandeelAanbiedersVoor50Procent: float | None = Field(description="dat aantal als percentage van alle aanbieders")
    aanbiedersVoor75Procent: int
    aandeelAanbiedersVoor75Procent: float | None
    aandeelGrootste: float | None
    klasse1tot10: int = Field(description="aanbieders met 1-10 cliënten")
    klasse11tot100: int
    klasseMeerDan100: int


class VerwijzerRij(Dimensies):
    verwijzer: str = Field(description="TypeVerwijzer (01-08) of 'onbekend'", examples=["02"])
    omschrijving: str
    toewijzingen: int
    totaal: int = Field(description="nieuwe toewijzingen in deze groep en periode")
    aandeelProcent: float | None


class DoorlooptijdRij(Dimensies):
    soort: str = Field(description="verzoek-toewijzing, toewijzing-start, toewijzingsduur of zorgduur")
    aantal: int
    gemiddeldDagen: float
    mediaanDagen: float | None
    p90Dagen: float | None = Field(description="90e percentiel (nearest rank)")
    minimumDagen: int
    maximumDagen: int


class TermijnRij(Dimensies):
    soort: str = Field(description="retour-301, retour-319, antwoord-315, antwoord-317, onderzoek, start-305, stop-307")
    regel: str = Field(description="de regel van de standaard", examples=["OP090"])
    omschrijving: str
    totaal: int
    tijdig: int
    teLaat: int
    open: int = Field(description="nog niet gedaan, termijn loopt nog op de peildatum")
    verlopen: int = Field(description="nog niet gedaan, termijn verstreken op de peildatum")
    tijdigProcent: float | None = Field(description="tijdig / (tijdig + te laat)")


class VerlopenItem(BaseModel):
    soort: str
    regel: str
    omschrijving: str
    gemeente: str
    aanbieder: str
    domein: str
    berichtId: str | None = Field(description="id van het bericht waar de verplichting uit volgt (in de bron-dienst)")
    sinds: str
    uiterlijk: str
    werkdagenTeLaat: int


class BudgetRij(Dimensies):
    toewijzingen: int
    toegewezenBudget: int = Field(description="eurocent")
    goedgekeurd: int = Field(description="toegekend gedeclareerd op deze toewijzingen (eurocent)")
    zonderBudget: int = Field(description="toewijzingen zonder budget en zonder tarief om het uit te rekenen")
    gebruikProcent: float | None


class LumpsumRij(Dimensies):
    geplandBedrag: int = Field(description="termijnen die in de periode beginnen (eurocent)")
    verschenenBedrag: int = Field(description="daarvan de termijnen die op de peildatum begonnen zijn")
    termijnen: int
    contractregels: int


ROW_MODELS: dict[str, type[Dimensies]] = {
    "zorggebruik": ZorggebruikRij, "kosten": KostenRij, "concentratie": ConcentratieRij,
    "verwijzers": VerwijzerRij, "doorlooptijden": DoorlooptijdRij, "termijnen": TermijnRij,
    "budgetgebruik": BudgetRij, "lumpsums": LumpsumRij,
}


class Bijgewerkt(BaseModel):
    allocation: str | None = Field(None, description="tot waar de berichten van de allocation-dienst zijn gelezen")
    declaration: str | None = Field(None, description="idem, declaration-dienst")


class Rapportage(BaseModel):
    rapportage: str = Field(examples=["kosten"])
    titel: str
    filters: dict[str, Any]
    bijgewerktTot: Bijgewerkt
    aantal: int
    rijen: list[dict[str, Any]]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "rapportage": "kosten", "titel": "Goedgekeurde en afgewezen bedragen",
        "filters": {"van": "2026-01", "tot": "2026-03", "periode": "maand", "groepering": ["gemeente"]},
        "bijgewerktTot": {"allocation": "2026-04-01T10:00:00+00:00", "declaration": "2026-04-01T10:00:00+00:00"},
        "aantal": 1,
        "rijen": [{"periode": "2026-03", "gemeente": "0141", "ingediend": 1250100, "goedgekeurd": 1234500,
                   "afgewezen": 15600, "prestaties": 120, "afgewezenPrestaties": 2, "clienten": 40,
                   "gemiddeldPerClient": 30863, "vorigJaarGoedgekeurd": 1100000, "vorigJaarClienten": 38,
                   "veranderingGoedgekeurdProcent": 12.2, "veranderingClientenProcent": 5.3}],
    }]})


class RapportageInfo(BaseModel):
    naam: str
    titel: str
    href: str
    csv: str
    groeperingen: list[str]
    standaardGroepering: list[str]


class Rapportages(BaseModel):
    rapportages: list[RapportageInfo]


class VerlopenLijst(BaseModel):
    peildatum: str
    aantal: int
    items: list[VerlopenItem]


class BronStatus(BaseModel):
    bron: str
    cursor: str | None
    laatstKlaar: str | None
    berichten: int = Field(description="berichten van deze bron gelezen of overgeslagen, in totaal")
    laatsteFout: str | None


class SyncBron(BaseModel):
    bron: str
    gelezen: int
    overgeslagen: int
    onleesbaar: int
    fout: str | None
    cursor: str | None


class Synchronisatie(BaseModel):
    bronnen: list[SyncBron]
    contractregels: int | None = Field(description="contractregels overgenomen (leeg: eligibility onbereikbaar)")
    contractfout: str | None
    seconden: float

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "bronnen": [{"bron": "allocation", "gelezen": 12, "overgeslagen": 10, "onleesbaar": 0, "fout": None,
                     "cursor": "2026-04-01T10:00:00+00:00"}],
        "contractregels": 42, "contractfout": None, "seconden": 0.8}]})


class SyncStatus(BaseModel):
    bronnen: list[BronStatus]


class FeedVeld(BaseModel):
    naam: str
    type: str
    omschrijving: str


class FeedVelden(BaseModel):
    soorten: dict[str, list[FeedVeld]]


class FeedPagina(BaseModel):
    soort: str
    periode: str
    sleutelId: str
    count: int
    page: int
    pageSize: int
    next: str | None = None
    records: list[dict[str, Any]]


class FeedManifest(BaseModel):
    periode: str
    sleutelId: str
    aantallen: dict[str, int]
    velden: str = Field(description="waar de velden beschreven staan")
