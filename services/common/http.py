"""Service-to-service HTTP: httpx with timeouts, a small retry budget, bearer auth and the request id.

Only idempotent calls are retried (GET, and POSTs the receiver de-duplicates); when the other side stays
down the caller gets ServiceUnavailable and decides what a clear answer is.
"""
from __future__ import annotations

import time
from typing import Any

import httpx

from .logging import get_logger, request_id_var
from .onloop import leave_loop

log = get_logger("http")


class ServiceUnavailable(Exception):
    def __init__(self, service: str, reason: str):
        super().__init__(f"{service} unavailable: {reason}")
        self.service = service
        self.reason = reason


def _deliberate(response: httpx.Response) -> bool:
    """A 5xx the service itself answered as problem+json (its BRP is down, its BRP refused our request): it has
    retried what was worth retrying and says when to come back, so the caller passes it on at once. A bare
    502/503/504 comes from a proxy or a restarting replica and is worth another attempt."""
    return response.headers.get("content-type", "").startswith("application/problem+json")


class ServiceClient:
    def __init__(self, base_url: str, *, token: str = "", timeout: float = 5.0, retries: int = 2,
                 name: str = "service"):
        self.name = name
        self.retries = retries
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers)

    def request(self, method: str, path: str, *, retry: bool = True, **kwargs: Any) -> httpx.Response:
        leave_loop("http")  # a network wait (and the retries' sleeps) must not stop the event loop
        rid = request_id_var.get()
        if rid:
            kwargs.setdefault("headers", {})["X-Request-ID"] = rid
        attempts = 1 + (self.retries if retry else 0)
        last: Exception | None = None
        for attempt in range(attempts):
            try:
                response = self._client.request(method, path, **kwargs)
                if response.status_code in (502, 503, 504) and attempt + 1 < attempts \
                        and not _deliberate(response):
                    last = ServiceUnavailable(self.name, f"HTTP {response.status_code}")
                else:
                    return response
            except httpx.TransportError as exc:  # connect refused, timeout, reset
                last = exc
            time.sleep(min(0.2 * (2**attempt), 2.0))
        reason = type(last).__name__ if last else "unknown"
        log.warning("service_unavailable", target=self.name, reason=reason)
        raise ServiceUnavailable(self.name, reason)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, *, retry: bool = True, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, retry=retry, **kwargs)

    def close(self) -> None:
        self._client.close()
