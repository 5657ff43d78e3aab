"""A big message read in parts: the same document, never whole in memory.

A 25 MB declaratie (OP179) is ~115 MB as an lxml tree. Its bulk is one long list of siblings (the
Clienten of a 323), and the XSD's content models are local (no xs:unique or xs:key in the iJw/iWmo
schemas), so the document is valid exactly when every piece of that list is valid in the same envelope.
`split` cuts the list at item boundaries into documents of about `part_bytes`:

    prefix (everything up to and including <p:Clienten>) + items[a:b] + suffix (</p:Clienten> to the end)

Each part is parsed (with the one safe parser), validated and handed to the handler's reader, then
dropped; only part 0 stays (it carries the header). The bytes are cut on the raw text, so the cut is only
trusted when it cannot change meaning: a cut that falls inside a comment, CDATA section or processing
instruction leaves that construct unterminated in one part, which then fails to parse; a Clienten tag
with attributes (a namespace declaration) is not cut at all. Any failure sends the caller back to the
whole-document path, which gives the exact answer (and the exact errors) for any input.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

# A prefixed or default-namespace name; the parser checks the prefix binds to the right namespace.
_QNAME_PREFIX = rb"((?:[A-Za-z_][A-Za-z0-9_.-]*:)?)"


@dataclass(frozen=True)
class PartSpec:
    """Which repeating element a handler reads in parts, and what it makes of each part.

    `read(root, index)` gets a schema-valid document holding some of the items (part `index`, in message
    order) and returns plain data; it must not keep elements (they would keep the part's tree alive).
    """

    container: str  # e.g. "Clienten"
    item: str  # e.g. "Client"
    read: Callable[[etree._Element, int], Any]


@dataclass(frozen=True)
class Split:
    body: bytes
    prefix: bytes
    suffix: bytes
    ranges: tuple[tuple[int, int], ...]  # byte ranges of the item runs in `body`

    def __len__(self) -> int:
        return len(self.ranges)

    def document(self, index: int) -> bytes:
        start, end = self.ranges[index]
        return b"".join((self.prefix, self.body[start:end], self.suffix))


def split(body: bytes, container: str, item: str, part_bytes: int) -> Split | None:
    """Cut the `container`'s items into parts of about `part_bytes`; None when there is nothing to gain
    (one part) or the text does not have the plain shape this cut relies on."""
    if len(body) <= part_bytes:
        return None
    c, i = container.encode(), item.encode()
    start = re.search(rb"<" + _QNAME_PREFIX + c + rb"\s*>", body)
    if start is None:
        return None
    prefix = start.group(1)
    close = re.compile(rb"</" + re.escape(prefix) + c + rb"\s*>")
    ends = list(close.finditer(body, start.end()))
    if len(ends) != 1:  # the container occurs once in a 323
        return None
    first, last = start.end(), ends[0].start()
    item_end = re.compile(rb"</" + re.escape(prefix) + i + rb"\s*>")
    ranges: list[tuple[int, int]] = []
    pos = first
    while pos < last:
        if last - pos <= part_bytes * 3 // 2:
            ranges.append((pos, last))
            break
        found = item_end.search(body, pos + part_bytes, last)
        if found is None:
            ranges.append((pos, last))
            break
        ranges.append((pos, found.end()))
        pos = found.end()
    if len(ranges) < 2:
        return None
    return Split(body, body[:first], body[last:], tuple(ranges))


@dataclass
class Parts:
    """What the handler's reader made of each part, and the way back to a part's elements."""

    results: list[Any]
    split: Split | None
    first_root: etree._Element
    reparse: Callable[[bytes], etree._Element]
    _roots: dict[int, etree._Element] | None = None

    def root(self, index: int) -> etree._Element:
        """The tree of part `index` (part 0 is kept; the others are parsed again, already known valid):
        for the few elements a retour copies, e.g. the rejected prestaties of a 325."""
        if index == 0 or self.split is None:
            return self.first_root
        if self._roots is None:
            self._roots = {}
        root = self._roots.get(index)
        if root is None:
            root = self._roots[index] = self.reparse(self.split.document(index))
        return root

    taken: bool = False

    def take(self) -> list[Any]:
        """Hand the results over (once): what the handler builds from them is freed when it is done, before
        the message is stored, instead of living as long as the request. Should the kernel run the handler
        again (a race on a unique key), it reads the message again first."""
        results, self.results, self.taken = self.results, [], True
        return results

    @property
    def count(self) -> int:
        return len(self.split) if self.split is not None else 1
