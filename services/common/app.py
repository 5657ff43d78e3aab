"""The FastAPI application factory every service uses: middleware, health, metrics, problems, mailbox."""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import header_rules  # noqa: F401  (registers the generic header rules)
from . import metrics
from .auth import PartyRegistry
from .db import Database
from .http import ServiceClient
from .logging import configure_logging, get_logger, request_id_var
from .messages.types import MessageType
from .pipeline import Handler, Pipeline
from .problems import Problem, install_problem_handlers, problem_response
from .settings import CommonSettings
from .xml.schemas import SchemaRegistry

API_VERSION = "1.0.0"
log = get_logger("app")


@dataclass
class ServiceContext:
    """Everything a request of one service needs; built once per process."""

    service_name: str
    settings: CommonSettings
    db: Database
    schemas: SchemaRegistry
    parties: PartyRegistry
    clients: dict[str, ServiceClient] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> ServiceClient:
        if service not in self.clients:
            base = getattr(self.settings, f"{service}_url")
            self.clients[service] = ServiceClient(
                base, token=self.settings.service_token, timeout=self.settings.http_timeout_seconds,
                retries=self.settings.http_retries, name=service,
            )
        return self.clients[service]


def build_context(service_name: str, settings: CommonSettings) -> ServiceContext:
    schemas = SchemaRegistry(
        settings.official_schemas_dir or settings.schemas_dir,
        fallback=settings.schemas_dir if settings.official_schemas_dir else None,
    )
    return ServiceContext(
        service_name=service_name,
        settings=settings,
        db=Database(settings),
        schemas=schemas,
        parties=PartyRegistry(settings.parties_file, settings.parties_reload_seconds),
    )


class RequestContextMiddleware:
    """Request id, security headers, API-Version, rate limit and metrics for every request.

    A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: that one runs the endpoint in a
    task of its own and passes every chunk of a request body through a memory stream, which on a 25 MB
    declaratie costs more than the rest of this middleware put together."""

    def __init__(self, app: ASGIApp, service: str, rate_limit_per_minute: int):
        self.app = app
        self.service = service
        self.rate_limit = rate_limit_per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _allow(self, key: str) -> bool:
        if self.rate_limit <= 0:
            return True
        rate = self.rate_limit / 60.0
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > 10_000:  # random tokens must not grow memory without bound
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            tokens, last = self._buckets.get(key, (float(self.rate_limit), now))
            tokens = min(float(self.rate_limit), tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            return True

    @staticmethod
    def _is_service(scope: Scope, auth: str) -> bool:
        """The platform's own services (outbox relay, reporting pull) are not rate limited: their volume is
        the platform's own traffic, and limiting it would only delay events and reports."""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        party = scope["app"].state.parties.authenticate(token.strip())
        return party is not None and party.is_service

    def _limited(self, scope: Scope, auth: str) -> bool:
        if not scope["path"].startswith("/v1/") or self.rate_limit <= 0:
            return False
        client = scope.get("client")
        key = hashlib.sha256(auth.encode()).hexdigest()[:24] if auth else (client[0] if client else "anon")
        return not self._is_service(scope, auth) and not self._allow(key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rid = (headers.get("x-request-id") or uuid.uuid4().hex)[:64]
        token = request_id_var.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        status = 500  # what the metrics count when the app fails before it answers

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                h = MutableHeaders(scope=message)
                h["X-Request-ID"] = rid
                h["API-Version"] = API_VERSION
                h.setdefault("Cache-Control", "no-store")
                h["X-Content-Type-Options"] = "nosniff"
                h["X-Frame-Options"] = "DENY"
                h.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
            await send(message)

        try:
            if self._limited(scope, headers.get("authorization", "")):
                response = problem_response(
                    Problem(429, "te-veel-verzoeken", "Te veel verzoeken; probeer het zo opnieuw.",
                            headers={"Retry-After": "1"}), Request(scope))
                await response(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
            structlog.contextvars.unbind_contextvars("request_id")
            route = getattr(scope.get("route"), "path", scope["path"])
            elapsed = time.perf_counter() - started
            metrics.HTTP_REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(self.service, scope["method"], route).observe(elapsed)


def create_app(
    *,
    service_name: str,
    title: str,
    description: str,
    settings: CommonSettings,
    handlers: dict[str, Handler] | None = None,
    accepted_types: Iterable[MessageType] = (),
    routers: Iterable[APIRouter] = (),
    on_startup: Iterable[Callable[[ServiceContext], None]] = (),
    background: Iterable[Callable[[ServiceContext, threading.Event], None]] = (),
    openapi_tags: list[dict[str, str]] | None = None,
    context: ServiceContext | None = None,
) -> FastAPI:
    configure_logging(service_name, settings.log_level, settings.log_json)
    ctx = context or build_context(service_name, settings)
    accepted = list(accepted_types)
    stop = threading.Event()
    threads: list[threading.Thread] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        ctx.schemas.warm(accepted)
        for hook in on_startup:
            hook(ctx)
        if settings.background_workers:
            for worker in background:
                t = threading.Thread(target=worker, args=(ctx, stop), daemon=True, name=worker.__name__)
                t.start()
                threads.append(t)
        log.info("service_started", service=service_name)
        yield
        stop.set()
        for t in threads:
            t.join(timeout=5)
        for client in ctx.clients.values():
            client.close()
        ctx.db.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=API_VERSION,
        lifespan=lifespan,
        openapi_url="/v1/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        openapi_tags=openapi_tags,
        contact={"name": "Beheer berichtenplatform", "url": "https://berichten.example.org",
                 "email": "beheer@berichten.example.org"},
        license_info={"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    )
    app.state.ctx = ctx
    app.state.parties = ctx.parties
    app.state.pipeline = Pipeline(ctx, handlers or {})
    app.add_middleware(RequestContextMiddleware, service=service_name,
                       rate_limit_per_minute=settings.rate_limit_per_minute)
    install_problem_handlers(app)
    from .openapi import install as install_openapi

    install_openapi(app)

    from .health import router as health_router
    from .mailbox import build_router as mailbox_router

    app.include_router(health_router)
    # every service answers POST /v1/berichten: a message owned by another service gets a problem naming it
    app.include_router(mailbox_router(service_name, accepted))
    for router in routers:
        app.include_router(router)

    @app.get("/metrics", include_in_schema=False)
    def _metrics() -> Response:
        from .outbox import outbox_depth

        try:
            metrics.OUTBOX_DEPTH.labels(service_name).set(outbox_depth(ctx))
        except Exception:  # noqa: BLE001 - a metrics scrape must not fail on a busy database
            pass
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    def _root() -> JSONResponse:
        return JSONResponse({"dienst": service_name, "documentatie": "/docs", "openapi": "/v1/openapi.json"})

    return app


def get_ctx(request: Request) -> ServiceContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


async def ctx_dependency(request: Request) -> ServiceContext:
    """get_ctx as a FastAPI dependency: async, so that it costs no round trip through the thread pool (FastAPI
    runs every sync dependency there)."""
    return get_ctx(request)
