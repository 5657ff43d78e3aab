"""Transactional outbox: events and pushed messages written with the change, relayed until delivered.

Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so several replicas relay without
double delivery; receivers are idempotent on the event id anyway (inbox), so a retry after a crash between
delivery and marking is harmless. Backoff grows exponentially up to a ceiling; nothing is ever dropped.
"""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import metrics
from .logging import get_logger
from .store.models import InboxEntry, OutboxEntry, new_id, utcnow

if TYPE_CHECKING:
    from .app import ServiceContext

log = get_logger("outbox")


def enqueue(session: Session, *, kind: str, destination: str, payload: dict[str, Any] | str,
            content_type: str = "application/json", event_id: str | None = None) -> OutboxEntry:
    """Add an entry in the caller's transaction. `destination` is a service name or an absolute URL."""
    body = payload if isinstance(payload, str) else json.dumps(payload, default=str, separators=(",", ":"))
    entry = OutboxEntry(event_id=event_id or new_id(), kind=kind, destination=destination, payload=body,
                        content_type=content_type, next_attempt_at=utcnow())
    session.add(entry)
    return entry


def outbox_depth(ctx: ServiceContext) -> int:
    with ctx.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.delivered_at.is_(None))) or 0)


def _target(ctx: ServiceContext, entry: OutboxEntry) -> tuple[str, dict[str, str]]:
    headers = {"Content-Type": entry.content_type, "Idempotency-Key": entry.event_id,
               "Event-Id": entry.event_id, "Event-Kind": entry.kind}
    if entry.destination.startswith(("http://", "https://")):
        return entry.destination, headers
    base = getattr(ctx.settings, f"{entry.destination}_url")
    if ctx.settings.service_token:
        headers["Authorization"] = f"Bearer {ctx.settings.service_token}"
    return f"{base.rstrip('/')}/v1/events", headers


def relay_once(ctx: ServiceContext, client: httpx.Client) -> int:
    """Deliver due entries; returns how many were delivered."""
    delivered = 0
    with ctx.db.session() as session, session.begin():
        stmt = (
            select(OutboxEntry)
            .where(OutboxEntry.delivered_at.is_(None), OutboxEntry.next_attempt_at <= utcnow())
            .order_by(OutboxEntry.id)
            .limit(ctx.settings.outbox_batch_size)
        )
        if ctx.db.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        entries = list(session.scalars(stmt))
        # Keep order per destination: while an older entry waits out its backoff, the newer ones for the
        # same destination wait too (the oldest waiting id per destination blocks everything after it).
        waiting = dict(session.execute(
            select(OutboxEntry.destination, func.min(OutboxEntry.id))
            .where(OutboxEntry.delivered_at.is_(None), OutboxEntry.next_attempt_at > utcnow())
            .group_by(OutboxEntry.destination)).all())
        blocked: set[str] = set()
        for entry in entries:
            if entry.destination in blocked or entry.id > waiting.get(entry.destination, entry.id):
                continue
            url, headers = _target(ctx, entry)
            try:
                resp = client.post(url, content=entry.payload.encode("utf-8"), headers=headers)
                ok = 200 <= resp.status_code < 300 or resp.status_code == 409
                error = None if ok else f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                ok, error = False, type(exc).__name__
            entry.attempts += 1
            if ok:
                entry.delivered_at = utcnow()
                entry.last_error = None
                delivered += 1
                metrics.OUTBOX_DELIVERED.labels(ctx.service_name, entry.kind).inc()
            else:
                blocked.add(entry.destination)
                backoff = min(ctx.settings.outbox_max_backoff_seconds, 0.5 * (2 ** min(entry.attempts, 12)))
                entry.next_attempt_at = utcnow() + timedelta(seconds=backoff)
                entry.last_error = (error or "")[:300]
                metrics.OUTBOX_FAILURES.labels(ctx.service_name, entry.kind).inc()
    return delivered


def relay_worker(ctx: ServiceContext, stop: threading.Event) -> None:
    """Background loop inside the service process (replicas may each run one)."""
    with httpx.Client(timeout=ctx.settings.http_timeout_seconds) as client:
        while not stop.is_set():
            try:
                n = relay_once(ctx, client)
            except Exception as exc:  # noqa: BLE001 - keep relaying after a database hiccup
                log.warning("outbox_relay_error", error=type(exc).__name__)
                n = 0
            if n == 0:
                stop.wait(ctx.settings.outbox_poll_seconds)


def already_seen(session: Session, event_id: str, source: str) -> bool:
    """Receiver side: record the event id; True when it was applied before (so skip it)."""
    if session.get(InboxEntry, event_id) is not None:
        return True
    session.add(InboxEntry(event_id=event_id, source=source))
    session.flush()
    return False
