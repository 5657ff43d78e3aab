"""Conformance oracle: validate a message with the project XSD and with the official XSD.

Stable API (other test suites import this module to check every message the services
produce; import it as ``from tests.conformance import oracle``):

``MESSAGE_TYPES``
    the 28 message type ids: ``JW301`` ... ``JW325``, ``WMO301`` ... ``WMO325``.
``OFFICIAL_DIR``
    root of the official standards set (``xsd/``, ``examples/``): environment variable
    ``OFFICIAL_STANDARDS_DIR``, default ``<repo>/../shared/standards``.
``official_available()`` / ``require_official()``
    whether that directory is present / ``pytest.skip`` with a clear reason if not.
``project_schema(message_type)`` -> ``lxml.etree.XMLSchema``
    the project's schema (``schemas/{ijw,iwmo}/3.2/<type>.xsd``), compiled once.
``official_schema(message_type)`` -> ``XMLSchema | None``
    the official schema, compiled once; ``None`` when that XSD does not exist (the
    iWmo retourberichten WMO302/306/308/316/318/320/325) or the directory is absent.
``parse(xml)`` -> ``lxml.etree._ElementTree``
    safe parse (no entities, no DTD, no network).
``verdicts(xml, message_type)`` -> ``Verdict(project_ok, official_ok, errors)``
    ``official_ok`` is ``None`` when there is no official schema; ``errors`` is a dict
    ``{"project": [...], "official": [...]}`` of error strings (``"parse"`` on bad XML).
    A ``Verdict`` unpacks as a 3-tuple.
``assert_same_verdict(xml, message_type, expected=None)`` -> ``Verdict``
    raises ``AssertionError`` when project and official verdict differ (or differ from
    ``expected`` when given); passes silently when there is no official schema.
``validate(xml, message_type)`` -> list of error strings of the project schema ([] = valid).
``detect_message_type(xml)`` -> ``"JW301"`` ... from the root namespace, or ``None``.
``sibling_verdict(xml, message_type)`` -> ``bool | None``
    extra evidence for the iWmo messages: the document re-namespaced to iJw (namespaces
    and BerichtCode swapped iWmo<->iJw, ProductCategorie / RedenBeeindiging codes mapped
    so that valid stays valid and invalid stays invalid) and validated with the official
    iJw XSD of the same message number. ``None`` if not applicable (no official iJw XSD,
    or the document uses an element that exists only in the iJw variant).

``compare(xml, message_type, expected=None, label="")`` -> ``Comparison``
    every applicable oracle at once (project, official, iJw sibling for the iWmo
    retourberichten, optional expected verdict); counts the case for the summary printed
    by ``tests/conformance/conftest.py``; ``Comparison.problems`` lists disagreements.

``xml`` may be ``bytes``, ``str``, an lxml element or element tree.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from lxml import etree

REPO = Path(__file__).resolve().parents[2]
PROJECT_SCHEMAS_DIR = REPO / "schemas"
OFFICIAL_DIR = Path(
    os.environ.get("OFFICIAL_STANDARDS_DIR") or (REPO.parent / "shared" / "standards")
).resolve()
RELEASE = "3.2"

_NUMBERS = ("301", "302", "305", "306", "307", "308", "315", "316", "317", "318", "319", "320", "323", "325")
MESSAGE_TYPES: tuple[str, ...] = tuple(f"JW{n}" for n in _NUMBERS) + tuple(f"WMO{n}" for n in _NUMBERS)

#: BerichtCode per message type (Vektis COD002)
BERICHTCODES = {
    "JW301": "436",
    "JW302": "437",
    "JW305": "438",
    "JW306": "439",
    "JW307": "440",
    "JW308": "441",
    "JW315": "446",
    "JW316": "447",
    "JW317": "486",
    "JW318": "487",
    "JW319": "488",
    "JW320": "489",
    "JW323": "490",
    "JW325": "491",
    "WMO301": "414",
    "WMO302": "415",
    "WMO305": "418",
    "WMO306": "419",
    "WMO307": "420",
    "WMO308": "421",
    "WMO315": "444",
    "WMO316": "445",
    "WMO317": "480",
    "WMO318": "481",
    "WMO319": "482",
    "WMO320": "483",
    "WMO323": "484",
    "WMO325": "485",
}

BASIS_NS = {
    "ijw": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
    "iwmo": "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
}

_SAFE_PARSER_KW = dict(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)
_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers are not thread-safe: one per thread
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = etree.XMLParser(**_SAFE_PARSER_KW)
    return p


def standard_of(message_type: str) -> str:
    mt = _check(message_type)
    return "ijw" if mt.startswith("JW") else "iwmo"


def number_of(message_type: str) -> str:
    return _check(message_type)[-3:]


def message_namespace(message_type: str) -> str:
    mt = _check(message_type)
    std = standard_of(mt)
    return f"http://www.istandaarden.nl/{std}/3_2/{mt.lower()}/schema"


def _check(message_type: str) -> str:
    mt = str(message_type).upper()
    if mt not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type {message_type!r}; expected one of {', '.join(MESSAGE_TYPES)}")
    return mt


def project_xsd_path(message_type: str) -> Path:
    mt = _check(message_type)
    return PROJECT_SCHEMAS_DIR / standard_of(mt) / RELEASE / f"{mt}.xsd"


def official_xsd_path(message_type: str) -> Path:
    mt = _check(message_type)
    return OFFICIAL_DIR / "xsd" / standard_of(mt) / RELEASE / f"{mt}.xsd"


def official_available() -> bool:
    return (OFFICIAL_DIR / "xsd").is_dir()


def skip_reason() -> str:
    return f"official standards not found at {OFFICIAL_DIR}: set OFFICIAL_STANDARDS_DIR"


def require_official() -> None:
    """``pytest.skip`` the calling test when the official standards are not present."""
    if not official_available():
        import pytest

        pytest.skip(skip_reason())


def _load_schema(path: Path) -> etree.XMLSchema:
    doc = etree.parse(str(path), etree.XMLParser(**_SAFE_PARSER_KW))
    return etree.XMLSchema(doc)


@functools.lru_cache(maxsize=None)
def project_schema(message_type: str) -> etree.XMLSchema:
    return _load_schema(project_xsd_path(message_type))


@functools.lru_cache(maxsize=None)
def official_schema(message_type: str) -> etree.XMLSchema | None:
    path = official_xsd_path(message_type)
    if not path.is_file():
        return None
    return _load_schema(path)


def parse(xml) -> etree._ElementTree:
    """Parse ``xml`` (bytes/str/element/tree) safely into an element tree."""
    if isinstance(xml, etree._ElementTree):
        return xml
    if isinstance(xml, etree._Element):
        return xml.getroottree()
    if isinstance(xml, str):
        # an encoding declaration is meaningless (and rejected by lxml) in a str
        xml = re.sub(r"^\s*<\?xml[^>]*\?>", "", xml, count=1).encode("utf-8")
    return etree.ElementTree(etree.fromstring(xml, _parser()))


def _run(schema: etree.XMLSchema, doc: etree._ElementTree) -> tuple[bool, list[str]]:
    ok = schema.validate(doc)
    return ok, [] if ok else [f"line {e.line}: {e.message}" for e in schema.error_log]


class Verdict(NamedTuple):
    project_ok: bool
    official_ok: bool | None
    errors: dict


def verdicts(xml, message_type: str) -> Verdict:
    """Validate with the project schema and (when present) the official schema."""
    mt = _check(message_type)
    try:
        doc = parse(xml)
    except etree.XMLSyntaxError as exc:
        official = False if official_schema(mt) is not None else None
        return Verdict(False, official, {"parse": [str(exc)], "project": [str(exc)], "official": [str(exc)]})
    p_ok, p_err = _run(project_schema(mt), doc)
    off = official_schema(mt)
    if off is None:
        return Verdict(p_ok, None, {"project": p_err, "official": []})
    o_ok, o_err = _run(off, doc)
    return Verdict(p_ok, o_ok, {"project": p_err, "official": o_err})


def validate(xml, message_type: str) -> list[str]:
    """Errors of the project schema ([] means valid)."""
    try:
        doc = parse(xml)
    except etree.XMLSyntaxError as exc:
        return [f"parse: {exc}"]
    return _run(project_schema(message_type), doc)[1]


def assert_same_verdict(xml, message_type: str, expected: bool | None = None, label: str = "") -> Verdict:
    """Assert that project and official schema agree (and match ``expected`` if given)."""
    v = verdicts(xml, message_type)
    where = f"{message_type}{' ' + label if label else ''}"
    if v.official_ok is not None and v.project_ok != v.official_ok:
        raise AssertionError(
            f"{where}: project says {'valid' if v.project_ok else 'invalid'}, "
            f"official says {'valid' if v.official_ok else 'invalid'}; errors: {v.errors}"
        )
    if expected is not None and v.project_ok != expected:
        raise AssertionError(
            f"{where}: expected {'valid' if expected else 'invalid'}, project says "
            f"{'valid' if v.project_ok else 'invalid'}; errors: {v.errors}"
        )
    return v


def detect_message_type(xml) -> str | None:
    root = parse(xml).getroot()
    m = re.fullmatch(
        r"\{http://www\.istandaarden\.nl/(ijw|iwmo)/3_2/((?:jw|wmo)\d{3})/schema\}Bericht", root.tag
    )
    if not m:
        return None
    mt = m.group(2).upper()
    return mt if mt in MESSAGE_TYPES and standard_of(mt) == m.group(1) else None


# ------------------------------------------------------------------ iWmo -> iJw sibling oracle

_XS = "{http://www.w3.org/2001/XMLSchema}"


@functools.lru_cache(maxsize=None)
def _official_enums(std: str, type_name: str) -> tuple[str, ...]:
    path = OFFICIAL_DIR / "xsd" / std / RELEASE / "basisschema.xsd"
    root = etree.parse(str(path), etree.XMLParser(**_SAFE_PARSER_KW)).getroot()
    for st in root.iter(f"{_XS}simpleType"):
        if st.get("name") == type_name:
            return tuple(e.get("value") for e in st.iter(f"{_XS}enumeration"))
    raise KeyError(type_name)


@functools.lru_cache(maxsize=None)
def _declared_names(message_type: str) -> frozenset[str]:
    root = etree.parse(str(official_xsd_path(message_type)), etree.XMLParser(**_SAFE_PARSER_KW)).getroot()
    return frozenset(e.get("name") for e in root.iter(f"{_XS}element") if e.get("name"))


#: elements whose code list differs between iJw and iWmo -> LDT type
_CODED_ELEMENTS = {
    "Categorie": "LDT_ProductCategorie",
    "ProductCategorie": "LDT_ProductCategorie",
    "RedenBeeindiging": "LDT_RedenBeeindiging",
}


def _map_code(type_name: str, value: str) -> str:
    """Map an iWmo code to an iJw code so that validity is preserved."""
    wmo = _official_enums("iwmo", type_name)
    jw = _official_enums("ijw", type_name)
    if value in wmo:
        return jw[wmo.index(value) % len(jw)]
    if value in jw:  # valid in iJw but not in iWmo: must stay invalid
        return "X" + value
    return value


def _sibling_heen(mt: str) -> tuple[str, str]:
    n = number_of(mt)
    heen = {
        "302": "301",
        "306": "305",
        "308": "307",
        "316": "315",
        "318": "317",
        "320": "319",
        "325": "323",
    }.get(n, n)
    return f"JW{heen}", f"WMO{heen}"


def to_ijw(xml, message_type: str) -> bytes:
    """Re-namespace an iWmo document to its iJw sibling (see ``sibling_verdict``)."""
    mt = _check(message_type)
    if standard_of(mt) != "iwmo":
        raise ValueError("to_ijw expects an iWmo message type")
    doc = parse(xml)
    root = etree.fromstring(etree.tostring(doc))  # private copy
    swap_codes = {}
    for k, v in BERICHTCODES.items():
        if k.startswith("WMO"):
            swap_codes[v] = BERICHTCODES["JW" + k[3:]]
            swap_codes[BERICHTCODES["JW" + k[3:]]] = v

    def swap_ns(ns: str | None) -> str | None:
        m = re.fullmatch(r"http://www\.istandaarden\.nl/(ijw|iwmo)/3_2/(\w+)/schema", ns or "")
        if not m:
            return ns
        std, name = m.groups()
        if name == "basisschema":
            return BASIS_NS["ijw" if std == "iwmo" else "iwmo"]
        mm = re.fullmatch(r"(jw|wmo)(\d{3})", name)
        if mm and (std, mm.group(1)) == ("iwmo", "wmo"):
            return f"http://www.istandaarden.nl/ijw/3_2/jw{mm.group(2)}/schema"
        if mm and (std, mm.group(1)) == ("ijw", "jw"):
            return f"http://www.istandaarden.nl/iwmo/3_2/wmo{mm.group(2)}/schema"
        return ns

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        new_ns = swap_ns(q.namespace)
        if new_ns != q.namespace:
            el.tag = f"{{{new_ns}}}{q.localname}" if new_ns else q.localname
        if q.localname == "BerichtCode" and el.text in swap_codes and len(el) == 0:
            el.text = swap_codes[el.text]
        if q.localname in _CODED_ELEMENTS and el.text is not None and len(el) == 0:
            el.text = _map_code(_CODED_ELEMENTS[q.localname], el.text)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sibling_verdict(xml, message_type: str) -> bool | None:
    """Official iJw verdict on the re-namespaced iWmo document (None if not applicable)."""
    mt = _check(message_type)
    if standard_of(mt) != "iwmo" or not official_available():
        return None
    jw = "JW" + number_of(mt)
    if official_schema(jw) is None:
        return None
    jw_heen, wmo_heen = _sibling_heen(mt)
    if official_schema(wmo_heen) is None:
        return None
    only_ijw = _declared_names(jw_heen) - _declared_names(wmo_heen)
    try:
        doc = parse(xml)
    except etree.XMLSyntaxError:
        return False
    if only_ijw and any(isinstance(e.tag, str) and etree.QName(e).localname in only_ijw for e in doc.iter()):
        return None
    converted = to_ijw(doc, mt)
    return official_schema(jw).validate(etree.ElementTree(etree.fromstring(converted, _parser())))


# ------------------------------------------------------------------ statistics for the summary

#: per message type: counters "cases", "official", "sibling", "expected", "disagreements"
STATS: dict[str, Counter] = defaultdict(Counter)
DISAGREEMENTS: list[str] = []


def record(
    message_type: str,
    *,
    official: bool = False,
    sibling: bool = False,
    expected: bool = False,
    disagreement: str | None = None,
) -> None:
    """Count one compared case for the conformance summary."""
    s = STATS[message_type]
    s["cases"] += 1
    s["official"] += int(official)
    s["sibling"] += int(sibling)
    s["expected"] += int(expected)
    if disagreement:
        s["disagreements"] += 1
        DISAGREEMENTS.append(f"{message_type}: {disagreement}")


class Comparison(NamedTuple):
    """Result of ``compare``: all verdicts on one document and what disagrees."""

    message_type: str
    label: str
    project_ok: bool
    official_ok: bool | None
    sibling_ok: bool | None
    expected: bool | None
    errors: dict

    @property
    def official_problem(self) -> str | None:
        if self.official_ok is not None and self.official_ok != self.project_ok:
            return f"project {_vs(self.project_ok)} but official {_vs(self.official_ok)}"
        return None

    @property
    def sibling_problem(self) -> str | None:
        if self.sibling_ok is not None and self.sibling_ok != self.project_ok:
            return f"project {_vs(self.project_ok)} but official iJw sibling {_vs(self.sibling_ok)}"
        return None

    @property
    def expected_problem(self) -> str | None:
        if self.expected is not None and self.expected != self.project_ok:
            return f"project {_vs(self.project_ok)} but expected {_vs(self.expected)}"
        return None

    @property
    def problems(self) -> list[str]:
        return [
            f"{self.message_type} {self.label}: {p} (project errors: {self.errors.get('project', [])[:2]})"
            for p in (self.official_problem, self.sibling_problem, self.expected_problem)
            if p
        ]


def _vs(ok: bool) -> str:
    return "valid" if ok else "invalid"


def compare(
    xml, message_type: str, expected: bool | None = None, label: str = "", sibling: bool | None = None
) -> Comparison:
    """Validate ``xml`` with every oracle that applies and record it for the summary.

    ``sibling``: check with the iJw sibling (``sibling_verdict``); default: only for iWmo
    types without an official XSD (the retourberichten). Never raises on disagreement:
    inspect ``Comparison.problems``.
    """
    mt = _check(message_type)
    if isinstance(xml, (etree._Element, etree._ElementTree)):
        xml = etree.tostring(xml)
    v = verdicts(xml, mt)
    if sibling is None:
        sibling = standard_of(mt) == "iwmo" and official_schema(mt) is None
    sib = sibling_verdict(xml, mt) if sibling else None
    c = Comparison(mt, label, v.project_ok, v.official_ok, sib, expected, v.errors)
    probs = c.problems
    record(
        mt,
        official=c.official_ok is not None,
        sibling=sib is not None,
        expected=expected is not None,
        disagreement="; ".join(probs) if probs else None,
    )
    return c
