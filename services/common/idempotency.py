"""Idempotency-Key for the JSON API's creating calls (draft-ietf-httpapi-idempotency-key-header).

A case system that sends `POST /v1/toewijzingen` and loses the answer (a timeout, a dropped connection) cannot
tell whether the toewijzing was made. Sent again without a key it would become a second toewijzing and a second
301 to the aanbieder. With the same `Idempotency-Key` the service answers with what the first call answered
(header `Idempotent-Replay: true`) and changes nothing.

- The key is the caller's: stored per party, so two gemeenten using the same key never meet.
- The answer is stored in the transaction that makes the change, so there is no moment in which the change
  exists and the key does not (a crash in between leaves neither).
- The same key with another request body (or for another call) is a mistake of the caller: 422
  `idempotency-key-hergebruikt`, nothing changes.
- Only a success is stored: a refused call (400, 409, 422, 503) made no change, and may be sent again with the
  same key once its cause is gone.
- Keys are kept `idempotency_key_days` days (settings), then forgotten by `forget_expired`.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from sqlalchemy import JSON, DateTime, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import KernelBase
from .logging import get_logger
from .problems import Problem
from .store.models import utcnow

if TYPE_CHECKING:
    from .app import ServiceContext

log = get_logger("idempotency")

REPLAY_HEADER = "Idempotent-Replay"
# printable ASCII, as the draft's examples; no spaces so a key never needs quoting in a log line
KEY_PATTERN = r"^[!-~]{1,255}$"

IdempotencyKeyHeader = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=KEY_PATTERN,
    description="Optioneel, aanbevolen: een eigen unieke sleutel (bv. een UUID) per bedoelde handeling. Dezelfde "
                "aanroep opnieuw met dezelfde sleutel verandert niets en geeft het eerste antwoord terug (header "
                "`Idempotent-Replay: true`); dezelfde sleutel met een andere inhoud geeft 422.")]


class IdempotencyKey(KernelBase):
    __tablename__ = "idempotentie"

    party: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(80))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


@dataclass(frozen=True)
class Idempotency:
    """One call's key: who sent it, for which operation, and a digest of what was asked."""

    party: str
    key: str
    operation: str
    digest: str

    @classmethod
    def of(cls, key: str | None, party: str, operation: str, request: Any) -> Idempotency | None:
        if not key:
            return None
        canonical = json.dumps(jsonable_encoder(request), sort_keys=True, separators=(",", ":"))
        return cls(party, key, operation, hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest())

    def replay(self, session: Session) -> Any | None:
        """The stored answer of an earlier call with this key; None if there was none. 422 when the key was
        used for something else."""
        row = session.scalars(select(IdempotencyKey).where(
            IdempotencyKey.party == self.party, IdempotencyKey.key == self.key)).first()
        if row is None:
            return None
        if row.request_sha256 != self.digest:
            raise Problem(422, "idempotency-key-hergebruikt",
                          "Deze Idempotency-Key is al gebruikt voor een andere aanroep (andere inhoud of een andere "
                          "handeling); er is niets gewijzigd. Gebruik een nieuwe sleutel per bedoelde handeling.")
        return row.response

    def remember(self, session: Session, status_code: int, response: Any) -> None:
        """Store the answer in the caller's transaction, beside the change it reports."""
        session.add(IdempotencyKey(party=self.party, key=self.key, operation=self.operation,
                                   request_sha256=self.digest, status_code=status_code,
                                   response=jsonable_encoder(response)))


def forget_expired(session: Session, days: int) -> int:
    """Delete keys older than `days` days; returns how many."""
    cutoff = utcnow() - timedelta(days=days)
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def cleanup_worker(ctx: ServiceContext, stop: threading.Event, interval: float = 3600.0) -> None:
    """Background: forget expired keys once an hour (the table stays as small as a week of creating calls)."""
    days = int(getattr(ctx.settings, "idempotency_key_days", 7))
    while not stop.wait(interval):
        try:
            with ctx.db.transaction() as session:
                forget_expired(session, days)
        except Exception as exc:  # noqa: BLE001 - try again next round after a database hiccup
            log.warning("idempotentie_opruimen_fout", error=type(exc).__name__)
