"""Load the project specification in ``schemas/spec`` into a resolved model.

The model is what :mod:`schemas.generate` turns into XSDs, and what the conformance
tests (``tests/conformance/samples.py``) use to build sample and mutated messages.

Entry point: :func:`load_spec` (cached) -> :class:`Spec`.

    spec = load_spec()
    msg = spec.message("WMO302")          # MessageSpec
    for p in msg.types["Client"].particles: ...
    st = msg.standard.simple_types["LDT_ProductCategorie"]   # per-standard code list

Terminology (matches the XSDs): a *particle* is one ``xs:element`` in an ``xs:sequence``
with ``minOccurs``/``maxOccurs``; a *local type* is a named complexType in the message
namespace (Root, Header, classes, groups); ``CDT_*`` / ``LDT_*`` live in the basisschema.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import yaml

SPEC_DIR = Path(__file__).resolve().parent / "spec"

#: XSD facets the spec may use, in the order they are written to the XSD.
FACETS = (
    "minLength",
    "maxLength",
    "pattern",
    "totalDigits",
    "fractionDigits",
    "minInclusive",
    "maxInclusive",
)
#: base types the spec may use (XSD built-ins, without prefix)
BASES = ("string", "integer", "date", "time")

_CARD = {"": (1, 1), "?": (0, 1), "+": (1, None), "*": (0, None)}
_NAME = re.compile(r"^([A-Z][A-Za-z0-9]*)([?+*]?)$")


class SpecError(ValueError):
    """The specification is inconsistent."""


@dataclass(frozen=True)
class Restriction:
    """Anonymous restriction of a simple type by an extra pattern (fixed values)."""

    base: str
    pattern: str


@dataclass(frozen=True)
class Particle:
    name: str
    min_occurs: int
    max_occurs: int | None  # None = unbounded
    type: str | Restriction

    @property
    def optional(self) -> bool:
        return self.min_occurs == 0

    @property
    def repeating(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1

    @property
    def type_name(self) -> str:
        return self.type.base if isinstance(self.type, Restriction) else self.type


@dataclass(frozen=True)
class SimpleType:
    name: str
    base: str  # string | integer | date | time
    facets: tuple[tuple[str, str], ...]
    codes: dict[str, str]  # enumeration (ordered); empty if none
    doc: str
    codelijst: str | None = None

    def facet(self, name: str) -> str | None:
        for k, v in self.facets:
            if k == name:
                return v
        return None


@dataclass(frozen=True)
class ComplexType:
    """A sequence type: CDT_* in the basisschema, or a local type of a message."""

    name: str
    particles: tuple[Particle, ...]
    doc: str | None = None
    role: str = "cdt"  # cdt | root | header | class | group


@dataclass
class StandardSpec:
    key: str  # ijw | iwmo
    title: str
    prefix: str  # namespace prefix of the basisschema
    basis_namespace: str
    release: str
    simple_types: dict[str, SimpleType]
    complex_types: dict[str, ComplexType]  # CDT_*
    messages: dict[str, "MessageSpec"] = field(default_factory=dict)  # by id (JW301)

    def is_basis_type(self, name: str) -> bool:
        return name in self.simple_types or name in self.complex_types


@dataclass
class MessageSpec:
    standard: StandardSpec
    code: str  # "301"
    id: str  # "JW301" (= file stem, message type id)
    name: str  # "jw301" (= namespace prefix)
    title: str  # "Toewijzing"
    namespace: str
    berichtcode: str  # "436"
    doc: str
    sender: str  # gemeente | aanbieder
    receiver: str
    retour_of: str | None  # id of the heenbericht ("JW301") for derived retourberichten
    #: local complexTypes in emission order; always starts with Root and Header
    types: dict[str, ComplexType]

    @property
    def file_name(self) -> str:
        return f"{self.id}.xsd"

    @property
    def is_retour(self) -> bool:
        return self.retour_of is not None

    def lookup(self, type_name: str) -> ComplexType | SimpleType:
        """Resolve a type name as seen from this message (local, CDT or LDT)."""
        if type_name in self.types:
            return self.types[type_name]
        if type_name in self.standard.complex_types:
            return self.standard.complex_types[type_name]
        if type_name in self.standard.simple_types:
            return self.standard.simple_types[type_name]
        raise KeyError(f"{self.id}: unknown type {type_name}")

    def namespace_of_type(self, type_name: str) -> str:
        """Namespace of the elements declared inside complex type ``type_name``."""
        if type_name in self.types:
            return self.namespace
        if type_name in self.standard.complex_types:
            return self.standard.basis_namespace
        raise KeyError(type_name)

    def walk(self) -> Iterator[tuple[tuple[str, ...], str, Particle]]:
        """Yield (path of element names, containing type name, particle) depth-first
        from the root, e.g. (("Bericht", "Client", "Bsn"), "Client", Particle(...))."""

        def rec(path: tuple[str, ...], type_name: str):
            t = self.lookup(type_name)
            if not isinstance(t, ComplexType):
                return
            for p in t.particles:
                yield path + (p.name,), type_name, p
                if not isinstance(p.type, Restriction):
                    yield from rec(path + (p.name,), p.type)

        yield from rec(("Bericht",), "Root")


@dataclass
class Spec:
    release: str
    standards: dict[str, StandardSpec]

    def message(self, message_id: str) -> MessageSpec:
        for std in self.standards.values():
            if message_id in std.messages:
                return std.messages[message_id]
        raise KeyError(f"unknown message type {message_id!r}")

    @property
    def message_ids(self) -> list[str]:
        return [mid for std in self.standards.values() for mid in std.messages]


# --------------------------------------------------------------------------- parsing


def _load_yaml(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _particle(item, where: str) -> tuple[Particle, str | None]:
    """Parse one sequence member; returns (particle, only-standard or None)."""
    if not isinstance(item, dict):
        raise SpecError(f"{where}: sequence member must be a mapping, got {item!r}")
    item = dict(item)
    only = item.pop("only", None)
    if len(item) != 1:
        raise SpecError(f"{where}: expected one 'Name: Type' per member, got {item!r}")
    ((key, typ),) = item.items()
    m = _NAME.match(str(key))
    if not m:
        raise SpecError(f"{where}: bad element name {key!r}")
    name, card = m.groups()
    lo, hi = _CARD[card]
    if isinstance(typ, dict):
        if set(typ) != {"restrict", "pattern"}:
            raise SpecError(f"{where}/{name}: inline type needs exactly restrict + pattern")
        typ = Restriction(str(typ["restrict"]), str(typ["pattern"]))
    elif not isinstance(typ, str):
        raise SpecError(f"{where}/{name}: type must be a string, got {typ!r}")
    return Particle(name, lo, hi, typ), only


def _sequence(items, where: str, standard: str | None = None) -> tuple[Particle, ...]:
    out = []
    for item in items or []:
        p, only = _particle(item, where)
        if only is not None and only not in ("ijw", "iwmo"):
            raise SpecError(f"{where}/{p.name}: only must be ijw or iwmo")
        if only is None or standard is None or only == standard:
            out.append(p)
    names = [p.name for p in out]
    if len(names) != len(set(names)):
        raise SpecError(f"{where}: duplicate element names {names}")
    return tuple(out)


def _simple_types(raw: dict, std: str) -> dict[str, SimpleType]:
    out = {}
    for name, d in raw.items():
        if not name.startswith("LDT_"):
            raise SpecError(f"simple type {name} must start with LDT_")
        d = dict(d)
        base = d.pop("base")
        if base not in BASES:
            raise SpecError(f"{name}: unsupported base {base}")
        doc = d.pop("doc", "")
        codelijst = d.pop("codelijst", None)
        if isinstance(codelijst, dict):
            codelijst = codelijst[std]
        codes = d.pop("codes", None)
        codes_std = {k: d.pop(f"codes_{k}", None) for k in ("ijw", "iwmo")}
        labels = {k: d.pop(f"labels_{k}", None) for k in ("ijw", "iwmo")}
        if codes is not None and any(codes_std.values()):
            raise SpecError(f"{name}: use either codes or codes_ijw/codes_iwmo")
        if codes is None and any(codes_std.values()) and not all(codes_std.values()):
            raise SpecError(f"{name}: codes_ijw and codes_iwmo must both be given")
        chosen = dict(codes if codes is not None else (codes_std[std] or {}))
        for k in chosen:
            if not isinstance(k, str):
                raise SpecError(f"{name}: code {k!r} must be a quoted string")
        for code, label in (labels[std] or {}).items():
            if code not in chosen:
                raise SpecError(f"{name}: label override for unknown code {code}")
            chosen[code] = label
        facets = []
        for f in FACETS:
            if f in d:
                facets.append((f, str(d.pop(f))))
        if d:
            raise SpecError(f"{name}: unknown keys {sorted(d)}")
        out[name] = SimpleType(name, base, tuple(facets), chosen, doc, codelijst)
    return out


def _complex_types(raw: dict) -> dict[str, ComplexType]:
    out = {}
    for name, d in raw.items():
        if not name.startswith("CDT_"):
            raise SpecError(f"complex type {name} must start with CDT_")
        out[name] = ComplexType(name, _sequence(d["sequence"], name), d.get("doc"), "cdt")
    return out


def _header(headers: dict, variant: str) -> list:
    """Header members of a variant; a variant may extend another one and append members."""
    d = headers[variant]
    if isinstance(d, list):
        return list(d)
    return _header(headers, d["extends"]) + list(d.get("append", []))


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _build_message(raw_all: dict, code: str, std: StandardSpec) -> MessageSpec:
    raw_msgs = raw_all["messages"]
    raw = raw_msgs[code]
    rules = raw_all["retour_rules"]
    stdcfg = raw_all["standards"][std.key]
    name = _fill(stdcfg["message_name"], {"code": code})
    mid = _fill(stdcfg["file_name"], {"code": code}).removesuffix(".xsd")
    retour_of_code = raw.get("retour_of")
    base = raw_msgs[retour_of_code] if retour_of_code else raw
    berichtcode = str(raw["berichtcode"][std.key])
    sender, receiver = base["from"], base["to"]
    doc = base["doc"][std.key]
    header_variant = rules["header"] if retour_of_code else raw["header"]

    values = {
        "berichtcode": berichtcode,
        "afzender": raw_all["parties"][sender],
        "ontvanger": raw_all["parties"][receiver],
    }
    header_items = []
    for item in _header(raw_all["headers"], header_variant):
        ((k, v),) = item.items()
        if isinstance(v, str):
            v = _fill(v, values)
        elif isinstance(v, dict):
            v = {kk: _fill(str(vv), values) for kk, vv in v.items()}
        header_items.append({k: v})
    header = _sequence(header_items, f"{mid}/Header", std.key)
    body = _sequence(base["body"], f"{mid}/Root", std.key)

    classes = {n: _sequence(seq, f"{mid}/{n}", std.key) for n, seq in (base.get("classes") or {}).items()}
    groups = {n: _sequence(seq, f"{mid}/{n}", std.key) for n, seq in (base.get("groups") or {}).items()}
    shared = {n: _sequence(seq, f"shared/{n}", std.key) for n, seq in raw_all["shared_groups"].items()}

    if retour_of_code:
        card = rules["body_cardinality"]
        lo, hi = _CARD[card]
        body = tuple(replace(p, min_occurs=lo, max_occurs=hi) for p in body)
        extra = _sequence(rules["append_to_every_class"], f"{mid}/retour", std.key)
        classes = {n: seq + extra for n, seq in classes.items()}

    overlap = (set(classes) & set(groups)) | ((set(classes) | set(groups)) & {"Root", "Header"})
    if overlap:
        raise SpecError(f"{mid}: duplicate local type names {sorted(overlap)}")

    local: dict[str, tuple[str, tuple[Particle, ...]]] = {}
    local.update({n: ("class", s) for n, s in classes.items()})
    local.update({n: ("group", s) for n, s in groups.items()})
    for n, s in shared.items():
        if n not in local:
            local[n] = ("group", s)

    types: dict[str, ComplexType] = {}
    types["Root"] = ComplexType("Root", (Particle("Header", 1, 1, "Header"),) + body, doc, "root")
    types["Header"] = ComplexType("Header", header, None, "header")

    def visit(t: ComplexType):
        for p in t.particles:
            if isinstance(p.type, Restriction):
                if p.type.base not in std.simple_types:
                    raise SpecError(f"{mid}/{t.name}/{p.name}: unknown base {p.type.base}")
                continue
            tn = p.type
            if tn in ("Root", "Header") or tn in types:
                continue
            if tn in local:
                role, seq = local[tn]
                types[tn] = ComplexType(tn, seq, None, role)
                visit(types[tn])
            elif not std.is_basis_type(tn):
                raise SpecError(f"{mid}/{t.name}/{p.name}: unknown type {tn}")

    visit(types["Root"])
    visit(types["Header"])
    # emission order: Root, Header, then the other local types depth-first by first reference
    ordered = {"Root": types["Root"], "Header": types["Header"]}

    def order(t: ComplexType):
        for p in t.particles:
            tn = p.type if isinstance(p.type, str) else None
            if tn and tn in types and tn not in ordered:
                ordered[tn] = types[tn]
                order(types[tn])

    order(types["Header"])
    order(types["Root"])
    # every declared class/group must be referenced somewhere (possibly only in the other standard)
    referenced = set()
    for seq in (
        [base["body"]]
        + list((base.get("classes") or {}).values())
        + list((base.get("groups") or {}).values())
    ):
        for it in seq:
            referenced.update(str(v) for k, v in it.items() if k != "only")
    for n in set(classes) | set(groups):
        if n not in referenced:
            raise SpecError(f"{mid}: local type {n} is never used")

    return MessageSpec(
        standard=std,
        code=code,
        id=mid,
        name=name,
        title=raw["name"],
        namespace=_fill(stdcfg["message_namespace"], {"name": name}),
        berichtcode=berichtcode,
        doc=doc,
        sender=sender,
        receiver=receiver,
        retour_of=(
            _fill(stdcfg["file_name"], {"code": retour_of_code}).removesuffix(".xsd")
            if retour_of_code
            else None
        ),
        types=ordered,
    )


@functools.lru_cache(maxsize=4)
def load_spec(spec_dir: str | Path | None = None) -> Spec:
    """Load and resolve the specification (cached per directory)."""
    d = Path(spec_dir) if spec_dir else SPEC_DIR
    simple_raw = _load_yaml(d / "simple_types.yaml")
    complex_raw = _load_yaml(d / "complex_types.yaml")
    msg_raw = _load_yaml(d / "messages.yaml")
    release = str(msg_raw["release"])
    standards = {}
    for key, cfg in msg_raw["standards"].items():
        std = StandardSpec(
            key=key,
            title=cfg["title"],
            prefix=cfg["prefix"],
            basis_namespace=cfg["basis_namespace"],
            release=release,
            simple_types=_simple_types(simple_raw, key),
            complex_types=_complex_types(complex_raw),
        )
        for ct in std.complex_types.values():
            for p in ct.particles:
                if not std.is_basis_type(p.type_name):
                    raise SpecError(f"{ct.name}/{p.name}: unknown type {p.type_name}")
        for code in msg_raw["messages"]:
            m = _build_message(msg_raw, str(code), std)
            std.messages[m.id] = m
        standards[key] = std
    return Spec(release, standards)
