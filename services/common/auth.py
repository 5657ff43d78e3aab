"""Parties (gemeenten, aanbieders, regions, services) and their bearer tokens.

The registry is a YAML file (a Kubernetes Secret in production) holding only SHA-256 hashes of the
tokens. Tokens are long random strings, so a plain hash is enough; the file is re-read when it changes,
which is how tokens are rotated without a restart: add the new token, let clients switch, then remove
or expire the old one.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

import yaml
from fastapi import Depends, Request

from .problems import Problem

PartyKind = Literal["gemeente", "aanbieder", "regio", "service"]
GEMEENTE_RE = re.compile(r"^[0-9]{4}$")
AGB_RE = re.compile(r"^[0-9]{8}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenEntry:
    sha256: str
    label: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None

    def valid_at(self, moment: datetime) -> bool:
        if self.not_before and moment < self.not_before:
            return False
        if self.not_after and moment >= self.not_after:
            return False
        return True


@dataclass(frozen=True)
class Party:
    code: str
    kind: PartyKind
    name: str = ""
    # a regio sees the data of its member gemeenten (management information)
    members: tuple[str, ...] = ()
    push_url: str | None = None
    tokens: tuple[TokenEntry, ...] = field(default=(), repr=False, compare=False)

    @property
    def is_gemeente(self) -> bool:
        return self.kind == "gemeente"

    @property
    def is_aanbieder(self) -> bool:
        return self.kind == "aanbieder"

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    def scope(self) -> tuple[str, ...]:
        """Party codes whose data this party may see."""
        if self.kind == "regio":
            return self.members
        return (self.code,)


def _parse_dt(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _validate_party(code: str, kind: str) -> None:
    if kind == "gemeente" and not GEMEENTE_RE.match(code):
        raise ValueError(f"gemeente code must be 4 digits (CBS): {code!r}")
    if kind == "aanbieder" and not AGB_RE.match(code):
        raise ValueError(f"aanbieder code must be 8 digits (AGB): {code!r}")
    if kind not in ("gemeente", "aanbieder", "regio", "service"):
        raise ValueError(f"unknown party kind {kind!r}")


def load_parties(path: Path) -> dict[str, Party]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parties: dict[str, Party] = {}
    for item in data.get("parties", []):
        code, kind = str(item["code"]), str(item["kind"])
        _validate_party(code, kind)
        tokens = tuple(
            TokenEntry(
                sha256=str(t["sha256"]).lower(),
                label=str(t.get("label", "")),
                not_before=_parse_dt(t.get("not_before")),
                not_after=_parse_dt(t.get("not_after")),
            )
            for t in item.get("tokens", [])
        )
        parties[code] = Party(
            code=code,
            kind=kind,  # type: ignore[arg-type]
            name=str(item.get("name", "")),
            members=tuple(str(m) for m in item.get("members", [])),
            push_url=item.get("push_url"),
            tokens=tokens,
        )
    return parties


class PartyRegistry:
    """Thread-safe view of the parties file, reloaded when its modification time changes."""

    def __init__(self, path: Path, reload_seconds: float = 10.0):
        self.path = Path(path)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._mtime = -1.0
        self._checked = 0.0
        self._parties: dict[str, Party] = {}
        self._by_hash: dict[str, tuple[Party, TokenEntry]] = {}
        self.reload(force=True)

    def reload(self, force: bool = False) -> None:
        mtime = os.stat(self.path).st_mtime
        if not force and mtime == self._mtime:
            return
        parties = load_parties(self.path)
        by_hash = {t.sha256: (p, t) for p in parties.values() for t in p.tokens}
        with self._lock:
            self._parties, self._by_hash, self._mtime = parties, by_hash, mtime

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked >= self.reload_seconds:
            self._checked = now
            try:
                self.reload()
            except (OSError, ValueError, yaml.YAMLError):
                # keep serving with the last good registry; a broken edit must not lock everyone out
                pass

    def authenticate(self, token: str) -> Party | None:
        self._maybe_reload()
        hit = self._by_hash.get(hash_token(token))
        if hit is None:
            return None
        party, entry = hit
        return party if entry.valid_at(datetime.now(timezone.utc)) else None

    def get(self, code: str) -> Party | None:
        self._maybe_reload()
        return self._parties.get(code)

    def all(self) -> list[Party]:
        self._maybe_reload()
        return list(self._parties.values())

    def gemeenten(self) -> list[Party]:
        return [p for p in self.all() if p.is_gemeente]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "niet-geauthenticeerd", "Stuur een geldig token: 'Authorization: Bearer <token>'.",
                      headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_party(request: Request) -> Party:
    # async on purpose: a sync dependency costs every request a round trip through the thread pool, and this
    # is a dict lookup (plus a stat of the parties file once per PARTIES_RELOAD_SECONDS, a parse only after
    # the file changed)
    return party_of(request)


def party_of(request: Request) -> Party:
    """The authenticated caller, or 401 problem+json."""
    registry: PartyRegistry = request.app.state.parties
    party = registry.authenticate(_bearer(request))
    if party is None:
        raise Problem(401, "token-ongeldig", "Het token is onbekend, ingetrokken of verlopen.",
                      headers={"WWW-Authenticate": "Bearer"})
    request.state.party = party
    return party


CallerDep = Annotated[Party, Depends(current_party)]


def require_kind(*kinds: PartyKind):
    async def _dep(party: CallerDep) -> Party:
        if party.kind not in kinds:
            raise Problem(403, "verkeerde-rol",
                          f"Deze actie is voor een {' of '.join(kinds)}; u bent ingelogd als {party.kind}.")
        return party

    return Depends(_dep)


GemeenteDep = Annotated[Party, require_kind("gemeente")]
AanbiederDep = Annotated[Party, require_kind("aanbieder")]
ServiceDep = Annotated[Party, require_kind("service")]
