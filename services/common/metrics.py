"""Prometheus metrics per service, served at /metrics."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests", ["service", "method", "route", "status"], registry=REGISTRY
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY,
)
MESSAGES = Counter(
    "berichten_total", "Inbound messages by type and verdict", ["service", "type", "verdict"], registry=REGISTRY
)
RETOURCODES = Counter(
    "retourcodes_total", "Retourcodes given in retours", ["service", "type", "code"], registry=REGISTRY
)
OUTBOX_DEPTH = Gauge("outbox_depth", "Undelivered outbox entries", ["service"], registry=REGISTRY)
OUTBOX_DELIVERED = Counter("outbox_delivered_total", "Outbox entries delivered", ["service", "kind"],
                           registry=REGISTRY)
OUTBOX_FAILURES = Counter("outbox_failures_total", "Failed outbox delivery attempts", ["service", "kind"],
                          registry=REGISTRY)
ONLOOP = Counter(
    "pipeline_onloop_total",
    "Small messages tried on the event loop (services.common.onloop): judged there (outcome done), or what made "
    "them go to a worker thread (left-transaction, left-sqlalchemy, left-http, left-pool)",
    ["service", "outcome"], registry=REGISTRY,
)
OVERDUE = Gauge("deadlines_overdue", "Open obligations past their deadline", ["service", "kind"],
                registry=REGISTRY)


def render() -> bytes:
    return generate_latest(REGISTRY)
