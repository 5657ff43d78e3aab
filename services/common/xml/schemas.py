"""Compiled XSDs, loaded once per process and reused for every message (lxml; xmlschema is 25-40x
slower and stays out of the request path)."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..messages.types import MessageType
from .safe import _scrub

_IDENTITY = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:unique|key|keyref)[\s>/]")


@dataclass(frozen=True)
class SchemaError:
    line: int
    path: str
    message: str

    def as_param(self) -> dict[str, str | int]:
        return {"name": self.path or "/", "code": "xsd", "reason": f"regel {self.line}: {self.message}"}


class SchemaRegistry:
    """XSDs per message type from <root>/<ijw|iwmo>/3.2/<CODE>.xsd, compiled lazily and cached.

    `root` is the project's own schemas/ directory, or an operator-configured official release with the
    same layout. Types missing from an official directory (the iWmo retours) fall back to the project's.
    """

    def __init__(self, root: Path, fallback: Path | None = None):
        self.root = Path(root)
        self.fallback = Path(fallback) if fallback else None
        self._cache: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._identity: dict[str, bool] = {}

    def path_for(self, mtype: MessageType) -> Path:
        rel = Path(mtype.standard) / "3.2" / f"{mtype.code}.xsd"
        primary = self.root / rel
        if primary.exists() or self.fallback is None:
            return primary
        return self.fallback / rel

    def schema(self, mtype: MessageType) -> etree.XMLSchema:
        cached = self._cache.get(mtype.code)
        if cached is not None:
            return cached
        with self._lock:
            if mtype.code not in self._cache:
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                doc = etree.parse(str(self.path_for(mtype)), parser)
                self._cache[mtype.code] = etree.XMLSchema(doc)
            return self._cache[mtype.code]

    def warm(self, mtypes: list[MessageType]) -> None:
        for mtype in mtypes:
            self.schema(mtype)

    def has_identity_constraints(self, mtype: MessageType) -> bool:
        """Whether the XSD set of this type uses xs:unique, xs:key or xs:keyref (the iJw/iWmo 3.2 schemas do
        not): such a constraint spans the whole document, so a message may then not be validated in parts."""
        cached = self._identity.get(mtype.code)
        if cached is None:
            folder = self.path_for(mtype).parent
            cached = self._identity[mtype.code] = any(
                _IDENTITY.search(xsd.read_text(encoding="utf-8", errors="replace")) for xsd in folder.glob("*.xsd"))
        return cached

    def is_valid_here(self, root: etree._Element, mtype: MessageType) -> bool:
        """Valid or not, with this thread's own compiled schema: for the few threads that validate the parts
        of one message side by side (services.common.xml.parts), which would otherwise share one schema
        object's error log."""
        own: dict[str, etree.XMLSchema] | None = getattr(self._local, "schemas", None)
        if own is None:
            own = self._local.schemas = {}
        schema = own.get(mtype.code)
        if schema is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            schema = own[mtype.code] = etree.XMLSchema(etree.parse(str(self.path_for(mtype)), parser))
        return bool(schema.validate(root))

    def validate(self, root: etree._Element, mtype: MessageType, *, scrub: bool = True) -> list[SchemaError]:
        schema = self.schema(mtype)
        if schema.validate(root):  # lock-free: lxml makes a fresh validation context per call
            return []
        # The error log lives on the shared schema object: re-run under a lock to read a consistent one.
        with self._lock:
            schema.validate(root)
            return [
                SchemaError(line=e.line, path=e.path or "", message=_scrub(e.message) if scrub else e.message)
                for e in schema.error_log  # type: ignore[attr-defined]
            ]
