"""Structured JSON logs with a request id that follows a message across the services.

A scrub processor removes anything that looks like a BSN and drops fields that carry names or birth
dates, so personal data cannot reach a log line even by mistake.
"""
from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Any

import structlog

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# A UUID is matched first and kept whole: its hex groups may hold nine digits in a row (c692943885ae),
# and a scrubbed declaratie or request id cannot be traced any more.
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_BSN_RE = re.compile(rf"(?<![0-9a-fA-F])({_UUID})(?![0-9a-fA-F])|(?<!\d)\d{{9}}(?!\d)")


def _scrub_match(m: re.Match[str]) -> str:
    return m.group(1) or "[bsn]"


SENSITIVE_KEYS = frozenset(
    {"bsn", "naam", "name", "achternaam", "voornamen", "voorletters", "geslachtsnaam", "geboortedatum",
     "birth_date", "adres", "authorization", "token", "content", "body"}
)


def scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return _BSN_RE.sub(_scrub_match, value)
    if isinstance(value, dict):
        return {k: ("[verwijderd]" if str(k).lower() in SENSITIVE_KEYS else scrub_value(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_value(v) for v in value)
    return value


def scrub_personal_data(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in list(event_dict):
        if key.lower() in SENSITIVE_KEYS:
            event_dict[key] = "[verwijderd]"
        else:
            event_dict[key] = scrub_value(event_dict[key])
    return event_dict


def add_request_id(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    rid = request_id_var.get()
    if rid and "request_id" not in event_dict:
        event_dict["request_id"] = rid
    return event_dict


_configured = False


def configure_logging(service: str, level: str = "INFO", json_logs: bool = True) -> None:
    global _configured

    def add_service(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        # a processor, not a context variable: background threads do not inherit the main context
        event_dict.setdefault("service", service)
        return event_dict

    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_service,
        add_request_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        scrub_personal_data,  # last before rendering: nothing escapes it
    ]
    processors.append(structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer())
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
    # Route stdlib logging (uvicorn, sqlalchemy, httpx) through the same scrubbing renderer.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *processors[-2:]],
            foreign_pre_chain=processors[:-2],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _configured = True


def get_logger(name: str = "berichten") -> Any:
    return structlog.get_logger(name)
