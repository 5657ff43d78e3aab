"""RFC 9457 problem+json errors, as the NL API Design Rules ask (400 for invalid input, not 422).

Every error leaves the services in this shape; no stack trace and no echo of the input (a BSN in an
error message would end up in the caller's logs).
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://berichten.example.org/problemen/"

_TITLES = {
    400: "Ongeldige invoer",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet acceptabel",
    409: "Conflict",
    413: "Bericht te groot",
    415: "Mediatype niet ondersteund",
    422: "Niet verwerkbaar",
    429: "Te veel verzoeken",
    500: "Interne fout",
    502: "Andere dienst gaf een fout",
    503: "Dienst niet beschikbaar",
}


class Problem(Exception):
    """Raise anywhere in a request to answer with problem+json."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        invalid_params: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title or _TITLES.get(status, "Fout")
        self.detail = detail
        self.invalid_params = invalid_params
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.invalid_params:
            body["invalidParams"] = self.invalid_params
        body.update(self.extra)
        return body


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _loc_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # pydantic puts the offending value in "input"; we drop it so a BSN never comes back.
        params = [
            {"name": _loc_name(tuple(err.get("loc", ()))), "code": err.get("type", "invalid"),
             "reason": err.get("msg", "ongeldig")}
            for err in exc.errors()
        ]
        problem = Problem(400, "ongeldige-invoer", "De invoer voldoet niet aan het schema.",
                          invalid_params=params)
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "niet-gevonden", 405: "methode-niet-toegestaan"}.get(exc.status_code, "http-fout")
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Fout")
        problem = Problem(exc.status_code, code, detail, headers=getattr(exc, "headers", None) or {})
        return problem_response(problem, request)

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # input the schema allowed but the database cannot hold (PostgreSQL: a NUL character in a text field);
        # the transaction is rolled back, so it is bad input, not a server fault
        import structlog

        structlog.get_logger("problems").warning("unstorable_input", error_type=type(exc.orig).__name__,
                                                 path=request.url.path)
        problem = Problem(400, "ongeldige-invoer", "De invoer bevat tekens of waarden die niet kunnen worden "
                                                   "opgeslagen (bijvoorbeeld een NUL-teken); er is niets opgeslagen.")
        return problem_response(problem, request)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        # the connection broke (restart, failover), a deadlock, or SQLite busy past its timeout: the
        # transaction is rolled back, nothing is stored, and the same request later will do
        import structlog

        structlog.get_logger("problems").warning("database_unavailable", error_type=type(exc.orig).__name__,
                                                 path=request.url.path)
        problem = Problem(503, "database-onbereikbaar", "De database was even niet bereikbaar; er is niets "
                                                        "opgeslagen. Stuur hetzelfde verzoek zo opnieuw.",
                          headers={"Retry-After": "5"})
        return problem_response(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        import structlog

        structlog.get_logger("problems").error(
            "unhandled_exception", error_type=type(exc).__name__, path=request.url.path
        )
        problem = Problem(500, "interne-fout", "Er ging iets mis bij het verwerken; niets is opgeslagen.")
        return problem_response(problem, request)
