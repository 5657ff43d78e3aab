"""Request and response bodies of the allocation JSON API (pydantic). Dutch names for domain terms, as in
docs/interfaces.md; a BSN travels only in bodies, never in a URL."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from stdnum.nl import bsn as stdnum_bsn

from ..rules.inhoud import TR061_TEKST, contact_condities_fouten, contact_met_adressoort

Domein = Literal["jeugd", "wmo"]
Eenheid = Literal["01", "04", "14", "16", "82", "83", "84"]
Frequentie = Literal["1", "2", "4", "6"]
RedenWijziging = Literal["02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14"]
RedenAfwijzing = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"]


def _elfproef(value: str) -> str:
    # the pattern (exactly 9 digits) is checked first; stdnum.compact would pad a shorter number
    if not stdnum_bsn.is_valid(value):
        raise ValueError("BSN voldoet niet aan de elfproef")
    return value


Bsn = Annotated[str, Field(pattern=r"^[0-9]{9}$", description="Burgerservicenummer (9 cijfers, elfproef)",
                           examples=["999900006"]), AfterValidator(_elfproef)]
Agb = Annotated[str, Field(pattern=r"^[0-9]{8}$", description="AGB-code van de aanbieder", examples=["11110001"])]
Cbs = Annotated[str, Field(pattern=r"^[0-9]{4}$", description="CBS-gemeentecode", examples=["0141"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Naam(Strict):
    achternaam: str = Field(min_length=1, max_length=200, pattern=r".*\S.*", examples=["Wit"])
    voorvoegsel: str | None = Field(None, min_length=1, max_length=10, examples=["de"])
    voornamen: str | None = Field(None, min_length=1, max_length=200, examples=["Tom"])
    voorletters: str | None = Field(None, pattern=r"^[a-zA-ZÀ-ỳ]{1,6}$", examples=["T"])
    partnerAchternaam: str | None = Field(None, min_length=1, max_length=200)
    partnerVoorvoegsel: str | None = Field(None, min_length=1, max_length=10)
    naamgebruik: Literal["1", "2", "3", "4", "5"] | None = Field(
        None, description="CS050: met partnernaam 1-4, zonder partnernaam 1 (standaard)")

    @model_validator(mode="after")
    def _cs050(self) -> Naam:
        if self.naamgebruik and not self.partnerAchternaam and self.naamgebruik != "1":
            raise ValueError("CS050: zonder partnernaam is naamgebruik 1")
        if self.naamgebruik == "5":
            raise ValueError("CS050: naamgebruik 5 is niet toegestaan voor een client")
        return self


def _fouten(model: str, fouten: list[tuple[str, str, str]]) -> ValidationError:
    """A validation error per broken condition, on the field it names (`adres.postcode`), with the rule code as
    its type: raised inside a model validator, pydantic puts these under the model's own location."""
    return ValidationError.from_exception_data(model, [
        InitErrorDetails(type=PydanticCustomError(code, tekst), loc=tuple(veld.split(".")), input=None)
        for code, veld, tekst in fouten])


class Adres(Strict):
    huisnummer: int | None = Field(None, ge=0, le=99999, examples=[12])
    huisletter: str | None = Field(None, min_length=1, max_length=1)
    toevoeging: str | None = Field(None, min_length=1, max_length=4)
    postcode: str | None = Field(None, min_length=1, max_length=8, examples=["7607AB"],
                                 description="bij landcode NL in de vorm 1234AB (CS089)")
    straatnaam: str | None = Field(None, min_length=1, max_length=24, examples=["Grotestraat"])
    plaatsnaam: str | None = Field(None, min_length=1, max_length=80, examples=["Almelo"])
    landcode: str | None = Field(None, pattern=r"^[A-Z]{2}$", examples=["NL"],
                                 description="verplicht bij een postcode, anders leeg (CD005)")

    @model_validator(mode="after")
    def _huis(self) -> Adres:
        # the 301's Huis always has a Huisnummer (CDT_Huis): a huisletter or toevoeging alone would be lost
        if self.huisnummer is None and (self.huisletter or self.toevoeging):
            raise _fouten("Adres", [("verplicht", "huisnummer", "Een huisletter of toevoeging hoort bij een huisnummer.")])
        return self


class Contact(Strict):
    """The client's contact in the 301 (Contactgegevens/Contact). The conditions of the standard are checked here
    (TR061, TR006, CD034, CD005, CD025, CS089): the aanbieder would reject a 301 that broke one as a whole."""

    soort: Literal["01", "02", "03", "04"] = Field(
        "01", description="01 BRP, 02 correspondentie, 03 verblijf, 04 tijdelijk; 04 alleen is niet genoeg (TR061); "
                          "bij 01 en 03 is een adres met postcode verplicht (CD034)")
    adres: Adres | None = None
    telefoon: str | None = Field(None, pattern=r"^[0-9]{1,15}$", examples=["0546123456"])
    email: str | None = Field(None, min_length=3, max_length=80)

    # no address in the examples: the API Design Rules linter reads an example key "postcode" as a POST operation
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"soort": "02", "telefoon": "0546123456"}]})

    @model_validator(mode="after")
    def _condities(self) -> Contact:
        fouten = contact_condities_fouten(self.model_dump(exclude_none=True))
        if fouten:
            raise _fouten("Contact", fouten)
        return self


Contacten = Annotated[list[Contact], Field(min_length=1, max_length=10, description=(
    "alle contacten van de client (Contactgegevens), bijvoorbeeld het BRP-adres en een correspondentieadres; "
    "minstens één met soort 01, 02 of 03 (TR061). In plaats van `contact`, niet ernaast."))]


class MetContact(Strict):
    """A body that may carry the client's `contact` or `contacten`: TR061 over them, on the field given."""

    contact: Contact | None = None  # each body describes both fields itself
    contacten: list[Contact] | None = None

    @model_validator(mode="after")
    def _tr061(self) -> MetContact:
        self.opgeslagen_contact()
        return self

    def opgeslagen_contact(self) -> Any:
        """The contact(s) as the client stores them (rules.inhoud.als_lijst): one dict, a list, or None."""
        return contact_invoer(type(self).__name__, self.contact, self.contacten)


def contact_invoer(name: str, contact: Contact | None, contacten: list[Contact] | None) -> Any:
    if contact is not None and contacten is not None:
        raise _fouten(name, [("een-van-beide", "contacten", "Geef `contact` of `contacten`, niet allebei.")])
    if contacten is not None:
        stored: Any = [c.model_dump(exclude_none=True) for c in contacten]
        if not contact_met_adressoort(stored):
            raise _fouten(name, [("TR061", "contacten", TR061_TEKST)])
        return stored
    if contact is not None:
        stored = contact.model_dump(exclude_none=True)
        if not contact_met_adressoort([stored]):
            raise _fouten(name, [("TR061", "contact.soort", TR061_TEKST)])
        return stored
    return None


class ClientInvoer(MetContact):
    bsn: Bsn
    geboortedatum: date = Field(examples=["2012-05-01"])
    geslacht: Literal["0", "1", "2"] = Field("0", description="0 onbekend, 1 man, 2 vrouw")
    naam: Naam
    contact: Contact | None = Field(None, description="nodig voor de eerste toewijzing van een client (Contactgegevens)")
    contacten: Contacten | None = None


class Product(Strict):
    categorie: str = Field(pattern=r"^[0-9]{2}$", examples=["45"])
    code: str | None = Field(None, min_length=1, max_length=5, examples=["45A03"])


class Omvang(Strict):
    volume: int = Field(ge=0, le=99_999_999, examples=[120])
    eenheid: Eenheid = Field(examples=["04"])
    frequentie: Frequentie = Field(examples=["2"])


class Verwijzer(Strict):
    type: Literal["01", "02", "03", "04", "05", "06", "08"]
    naam: str | None = Field(None, max_length=35)
    zorgverlenerCode: str | None = Field(None, pattern=r"^[0-9]{8}$")
    # not nullable in the schema (leave it out instead): the NL API rules want a plain `format: date` here
    datum: date = Field(None, description="datum van de verwijzing", examples=["2026-03-15"])  # type: ignore[assignment]


class ToewijzingNieuw(Strict):
    """A new toewijzing issued by the gemeente (no verzoek)."""

    domein: Domein
    aanbieder: Agb
    client: ClientInvoer
    product: Product | None = Field(None, description="leeg alleen voor een generieke toewijzing met budget")
    ingangsdatum: date
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: int | None = Field(None, ge=0, le=99_999_999, description="eurocent")
    verwijzer: Verwijzer | None = None
    commentaar: str | None = Field(None, min_length=1, max_length=1000)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "domein": "jeugd", "aanbieder": "11110001",
        "client": {"bsn": "999900006", "geboortedatum": "2012-05-01", "geslacht": "1",
                   "naam": {"achternaam": "Wit", "voorvoegsel": "de", "voornamen": "Tom", "voorletters": "T"},
                   "contact": {"soort": "02", "telefoon": "0546123456"}},
        "product": {"categorie": "45", "code": "45A03"}, "ingangsdatum": "2026-04-01", "einddatum": "2026-12-31",
        "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"},
        "verwijzer": {"type": "02", "naam": "Huisarts Jansen"},
    }]})


class ToewijzingWijziging(Strict):
    """A change of an existing toewijzing. Leave out what does not change; `einddatum: null` makes it open-ended."""

    redenWijziging: RedenWijziging = Field(description="waarom (01 en 13 niet: verwijderen gaat met DELETE)")
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: int | None = Field(None, ge=0, le=99_999_999)
    wijzigingsdatum: date | None = Field(
        None, description="vanaf wanneer een nieuwe omvang geldt (verplicht bij een andere omvang, behalve alleen het "
                          "volume bij frequentie 6): deze toewijzing eindigt de dag ervoor en een nieuwe toewijzing met "
                          "een nieuw nummer begint op die datum, die dus na de ingangsdatum ligt (IV066, OP257)")
    commentaar: str | None = Field(None, min_length=1, max_length=1000)
    gemeente: Cbs | None = Field(None, description="alleen voor een regio")
    domein: Domein | None = Field(None, description="alleen nodig als het nummer in beide domeinen bestaat")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"redenWijziging": "04", "einddatum": "2027-06-30"},
        {"redenWijziging": "12", "omvang": {"volume": 6, "eenheid": "04", "frequentie": "2"},
         "wijzigingsdatum": "2026-09-01"},
    ]})


class OmvangUit(BaseModel):
    volume: int | None
    eenheid: str | None
    frequentie: str | None


class ProductUit(BaseModel):
    categorie: str
    code: str | None = None


class ToewijzingUit(BaseModel):
    toewijzingNummer: int
    gemeente: str
    aanbieder: str
    domein: str
    clientId: str
    bsn: str
    product: ProductUit | None
    ingangsdatum: date
    einddatum: date | None
    redenWijziging: str | None
    omvang: OmvangUit | None
    budget: int | None
    status: Literal["actief", "beeindigd", "verwijderd"]
    versie: int
    uitvoeringsvariant: str | None
    referentieAanbieder: str | None
    verzoekId: str | None
    toewijzingsdatum: date
    toewijzingstijd: str
    laatsteBerichtId: str | None


class Mutatie(BaseModel):
    """What a change produced: the toewijzing asked about, every toewijzing that changed, and the 301."""

    toewijzing: ToewijzingUit
    gewijzigd: list[ToewijzingUit]
    berichtId: str = Field(description="id van het 301-bericht in de postbus van de aanbieder")


class VersieUit(BaseModel):
    versie: int
    oorzaak: str
    actor: str
    berichtId: str | None
    verzoekId: str | None
    aangemaaktOp: str
    toewijzing: dict[str, Any]
    retour: dict[str, Any] | None = Field(None, description="de 302 van de aanbieder op dit 301-bericht")


class RegieUit(BaseModel):
    soort: Literal["start", "stop"]
    begindatum: date
    einddatum: date | None
    redenBeeindiging: str | None
    status: str
    berichtId: str
    ontvangenOp: date
    tijdig: bool | None = Field(
        description="OP271/OP272: binnen 5 werkdagen na de daadwerkelijke start/stop ontvangen (bij een toewijzing met "
                    "terugwerkende kracht: na ontvangst van de toewijzing); null als dat niet is vast te stellen (een "
                    "definitieve stop na een tijdelijke stop hoort binnen 5 werkdagen nadat de definitieve beëindiging "
                    "bekend was, en dat moment staat in geen bericht; te laat is hij in elk geval als hij later komt dan "
                    "5 werkdagen na het einde van de toewijzing)")


class ToewijzingDetail(ToewijzingUit):
    versies: list[VersieUit]
    regie: list[RegieUit]


class ToewijzingenPagina(BaseModel):
    count: int
    page: int
    pageSize: int
    next: str | None = None
    results: list[ToewijzingUit]


class Zoekvraag(Strict):
    """Search by BSN in the body (no BSN in a URL), with the same filters as GET /v1/toewijzingen."""

    bsn: Bsn
    aanbieder: Agb | None = None
    gemeente: Cbs | None = None
    domein: Domein | None = None
    status: Literal["actief", "beeindigd", "verwijderd"] | None = None
    peildatum: date | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    pageSize: int = Field(100, ge=1, le=500)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"bsn": "999900006", "status": "actief"}]})


# ---- verzoeken ------------------------------------------------------------------------------------
class VerzoekUit(BaseModel):
    id: str
    soort: Literal["vot", "vow"]
    status: Literal["open", "in_onderzoek", "toegewezen", "afgewezen"]
    gemeente: str
    aanbieder: str
    domein: str
    referentieAanbieder: str
    clientId: str
    bsn: str
    berichtId: str = Field(description="het 315- of 317-bericht")
    dagtekening: date
    ontvangenOp: date
    uiterlijk: date = Field(description="OP274/OP346: 5 werkdagen na ontvangst; in onderzoek 8 weken na dagtekening "
                                        "van het verzoek")
    inhoud: dict[str, Any]
    voorcontrole: str
    voorcontroleCodes: list[str] | None
    antwoordBerichtId: str | None
    redenAfwijzing: str | None
    woonplaatsbeginsel: str | None = Field(
        None, description="de gemeente die volgens de rechtmatigheidscontrole op grond van het woonplaatsbeginsel "
                          "verantwoordelijk is (leeg als die niet genoemd werd), zodra honoreren daarop werd geweigerd; "
                          "de afwijzing volgt dan binnen 2 weken na ontvangst (OP359)")


class VerzoekenPagina(BaseModel):
    count: int
    page: int
    pageSize: int
    next: str | None = None
    results: list[VerzoekUit]


class Honorering(MetContact):
    """How to honour a verzoek; all fields optional."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"verwijsdatum": "2026-03-15", "contact": {"soort": "02", "telefoon": "0546123456"}},
        {"afwijzenBijWeigering": True, "verwijsdatum": "2026-03-15"}]})

    contact: Contact | None = Field(None, description="contactgegevens als de gemeente die van de client nog niet heeft")
    contacten: Contacten | None = None
    verwijsdatum: date | None = Field(
        None, description="datum van de verwijzing uit de 315 (die staat niet in het bericht); nodig voor verwijzers "
                          "met een geldigheidsduur, zoals de huisarts")
    afwijzenBijWeigering: bool = Field(
        False, description="weigert de rechtmatigheidscontrole, beantwoord het verzoek dan meteen met een 319 met de "
                           "bijbehorende RedenAfwijzingVerzoek in plaats van een foutmelding")


class Afwijzing(Strict):
    redenAfwijzingVerzoek: RedenAfwijzing
    gemeente: Cbs | None = Field(None, description="TR377: de verantwoordelijke gemeente bij reden 8 (iJw)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"redenAfwijzingVerzoek": "3"}, {"redenAfwijzingVerzoek": "8", "gemeente": "0153"}]})


class Antwoord(BaseModel):
    besluit: Literal["toegewezen", "afgewezen", "in_onderzoek"]
    verzoek: VerzoekUit
    berichtId: str = Field(description="het 301- of 319-bericht")
    toewijzingen: list[ToewijzingUit] = Field(default_factory=list)
    redenen: list[dict[str, Any]] = Field(default_factory=list, description="bij een automatische afwijzing")


# ---- termijnen ------------------------------------------------------------------------------------
class TermijnUit(BaseModel):
    soort: str
    regel: str
    omschrijving: str
    verantwoordelijke: Literal["gemeente", "aanbieder"]
    gemeente: str
    aanbieder: str
    sinds: date
    uiterlijk: date
    status: Literal["verlopen", "binnenkort", "open"]
    verzoekId: str | None = None
    toewijzingNummer: int | None = None
    berichtId: str | None = None


class Termijnen(BaseModel):
    peildatum: date
    count: int
    results: list[TermijnUit]
