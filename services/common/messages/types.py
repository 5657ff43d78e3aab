"""The 28 message types of iJw 3.2 and iWmo 3.2: codes, namespaces, direction and owning service."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Standard = Literal["ijw", "iwmo"]
Service = Literal["allocation", "declaration"]

BASIS_NS = {
    "ijw": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
    "iwmo": "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
}
PREFIX = {"ijw": "jw", "iwmo": "wmo"}
DOMAIN = {"ijw": "jeugd", "iwmo": "wmo"}


@dataclass(frozen=True)
class MessageType:
    code: str  # JW301, WMO315, ...
    standard: Standard
    number: str  # "301"
    berichtcode: str  # Vektis COD002
    name: str
    sender_kind: Literal["gemeente", "aanbieder"]
    service: Service
    body: str  # first class under the root after Header
    heen: str | None = None  # for a retour: the heen-message code
    retour: str | None = None  # for a heen-message: its retour (or 325 for 323)
    retour_classes: tuple[str, ...] = ()  # class elements that carry RetourCodes in this retour

    @property
    def namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standard}/3_2/{PREFIX[self.standard]}{self.number}/schema"

    @property
    def basis_ns(self) -> str:
        return BASIS_NS[self.standard]

    @property
    def prefix(self) -> str:
        return f"{PREFIX[self.standard]}{self.number}"

    @property
    def is_retour(self) -> bool:
        return self.heen is not None

    @property
    def domain(self) -> str:
        return DOMAIN[self.standard]

    @property
    def receiver_kind(self) -> Literal["gemeente", "aanbieder"]:
        return "aanbieder" if self.sender_kind == "gemeente" else "gemeente"

    def sibling(self, number: str) -> MessageType:
        """The message with another number in the same standard (e.g. 302 for 301)."""
        return by_code(f"{PREFIX[self.standard].upper()}{number}")

    def nsmap(self) -> dict[str, str]:
        return {"m": self.namespace, "b": self.basis_ns}


# number, (ijw berichtcode, iwmo berichtcode), name, sender, service, body, heen, retour, classes
_TABLE: list[tuple[str, tuple[str, str], str, str, str, str, str | None, str | None, tuple[str, ...]]] = [
    ("301", ("436", "414"), "Toewijzing", "gemeente", "allocation", "Client", None, "302", ()),
    ("302", ("437", "415"), "Toewijzing retour", "gemeente", "allocation", "Client", "301", None,
     ("Client", "Relatie", "Contact", "ToegewezenProduct")),
    ("305", ("438", "418"), "Start zorg", "aanbieder", "allocation", "Client", None, "306", ()),
    ("306", ("439", "419"), "Start zorg retour", "aanbieder", "allocation", "Client", "305", None,
     ("Client", "StartProduct")),
    ("307", ("440", "420"), "Stop zorg", "aanbieder", "allocation", "Client", None, "308", ()),
    ("308", ("441", "421"), "Stop zorg retour", "aanbieder", "allocation", "Client", "307", None,
     ("Client", "StopProduct")),
    ("315", ("446", "444"), "Verzoek om toewijzing", "aanbieder", "allocation", "Client", None, "316", ()),
    ("316", ("447", "445"), "Verzoek om toewijzing retour", "aanbieder", "allocation", "Client", "315", None,
     ("Client", "AangevraagdProduct")),
    ("317", ("486", "480"), "Verzoek om wijziging", "aanbieder", "allocation", "Client", None, "318", ()),
    ("318", ("487", "481"), "Verzoek om wijziging retour", "aanbieder", "allocation", "Client", "317", None,
     ("Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct", "NieuwProduct")),
    ("319", ("488", "482"), "Antwoordbericht", "gemeente", "allocation", "Antwoord", None, "320", ()),
    ("320", ("489", "483"), "Antwoordbericht retour", "gemeente", "allocation", "Antwoord", "319", None,
     ("Antwoord", "Woonplaatsbeginsel")),
    ("323", ("490", "484"), "Declaratie", "aanbieder", "declaration", "Declaratie", None, "325", ()),
    ("325", ("491", "485"), "Declaratie-antwoord", "gemeente", "declaration", "DeclaratieAntwoord", "323",
     None, ("DeclaratieAntwoord", "Client", "Prestatie")),
]


def _build() -> dict[str, MessageType]:
    out: dict[str, MessageType] = {}
    for number, codes, name, sender, service, body, heen, retour, classes in _TABLE:
        for std, bcode in zip(("ijw", "iwmo"), codes, strict=True):
            code = f"{PREFIX[std].upper()}{number}"
            # a retour keeps the header (and so the sender) of its heen-message, but travels back
            out[code] = MessageType(
                code=code, standard=std, number=number, berichtcode=bcode, name=name,  # type: ignore[arg-type]
                sender_kind=sender, service=service, body=body,  # type: ignore[arg-type]
                heen=f"{PREFIX[std].upper()}{heen}" if heen else None,
                retour=f"{PREFIX[std].upper()}{retour}" if retour else None,
                retour_classes=classes,
            )
    return out


MESSAGE_TYPES: dict[str, MessageType] = _build()
BY_NAMESPACE: dict[str, MessageType] = {m.namespace: m for m in MESSAGE_TYPES.values()}


def by_code(code: str) -> MessageType:
    return MESSAGE_TYPES[code.upper()]


def by_namespace(ns: str) -> MessageType | None:
    return BY_NAMESPACE.get(ns)


def inbound_types(service: Service) -> list[MessageType]:
    """Message types a service accepts on POST /v1/berichten: those an aanbieder sends to a gemeente,
    including the retours of the messages we send (302, 320)."""
    accepted = {"302", "305", "307", "315", "317", "320", "323"}
    return [m for m in MESSAGE_TYPES.values() if m.service == service and m.number in accepted]


def owned_types(service: Service) -> list[MessageType]:
    return [m for m in MESSAGE_TYPES.values() if m.service == service]
