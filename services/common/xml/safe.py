"""The one place where untrusted XML becomes a tree.

No DTD (a DOCTYPE is refused before parsing), no entity expansion, no network, no huge trees, UTF-8
only, a body limit enforced while reading, and a depth limit. Everything hostile becomes an XmlRejected
carrying a problem code, which the web layer turns into a 4xx problem+json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_PARSER_KW = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    # Comments and processing instructions carry nothing the standard reads; the exact bytes are stored
    # anyway. Dropping them at parse time lets every reader take the tree by position (a 323 is read that
    # way) and keeps an aanbieder's comments out of the retours built from its message.
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
)
# lxml parsers are not thread-safe to share across threads while parsing; one per thread is cheap.
import threading

_local = threading.local()


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(**_PARSER_KW)
        _local.parser = parser
    return parser


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.S)
_NAME_START = re.compile(rb"<[A-Za-z_]")


@dataclass
class XmlRejected(Exception):
    code: str
    detail: str
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def _check_prolog(body: bytes) -> None:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or body[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
        raise XmlRejected("verkeerde-codering", "Berichten moeten in UTF-8 gecodeerd zijn (UTF-16 ontvangen).")
    match = _XML_DECL.match(body[:200])
    if match and match.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise XmlRejected(
            "verkeerde-codering",
            f"Berichten moeten in UTF-8 gecodeerd zijn; de XML-declaratie noemt {match.group(1).decode()!r}.",
        )
    root_start = _NAME_START.search(body)
    prolog = body[: root_start.start()] if root_start else body
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise XmlRejected(
            "doctype-niet-toegestaan",
            "Een DOCTYPE of ENTITY-declaratie is niet toegestaan in iJw/iWmo-berichten.",
        )
    if root_start is None:
        raise XmlRejected("geen-xml", "De inhoud is geen XML-document (geen hoofdelement gevonden).")


def parse(body: bytes, *, max_depth: int | None = 40) -> etree._Element:
    """Parse untrusted bytes into a root element, or raise XmlRejected.

    With max_depth=None the caller checks the depth itself (check_depth), e.g. only for documents that are
    not schema-valid: a valid message has the bounded depth of its XSD, and on a 10,000-prestatie
    declaratie the check costs a fifth of the parse.
    """
    if not body or body.isspace():  # isspace: no copy of a 25 MB body just to test for emptiness
        raise XmlRejected("leeg-bericht", "Het bericht is leeg.")
    _check_prolog(body)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        msg = _scrub(str(exc.msg if hasattr(exc, "msg") else exc))
        if "depth" in msg.lower():  # libxml2 stops at 256 levels before our own limit can look
            raise XmlRejected("te-diep-genest", f"Het bericht is te diep genest (regel {line}): {msg}")
        raise XmlRejected("geen-geldige-xml", f"Het bericht is geen welgevormde XML (regel {line}): {msg}")
    except ValueError as exc:  # e.g. unicode strings with encoding declarations
        raise XmlRejected("geen-geldige-xml", f"Het bericht kon niet gelezen worden: {_scrub(str(exc))}")
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise XmlRejected("doctype-niet-toegestaan", "Een DOCTYPE is niet toegestaan in iJw/iWmo-berichten.")
    if max_depth is not None:
        check_depth(root, max_depth)
    return root


def check_depth(root: etree._Element, max_depth: int) -> None:
    # An XPath over fixed depth runs in C and stops at that depth; a Python walk would cost more than the
    # parse itself on a 10,000-prestatie declaratie.
    probe = "count(/*" + "/*" * max_depth + ")"
    if root.xpath(probe):
        raise XmlRejected("te-diep-genest", f"Het bericht is dieper genest dan {max_depth} niveaus.")


_VALUE_RE = re.compile(r"'[^']*'")
_DIGITS_RE = re.compile(r"\b\d{8,10}\b")


def _scrub(message: str) -> str:
    """Remove quoted values (and anything that looks like a BSN) from parser/schema messages."""
    message = _VALUE_RE.sub(lambda m: m.group(0) if m.group(0).startswith("'{") else "'…'", message)
    return _DIGITS_RE.sub("…", message)


scrub_message = _scrub
