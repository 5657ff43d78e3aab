"""POST /v1/berichten (the inbound pipeline) and the mailbox: GET /v1/berichten, /{id}, /{id}/inhoud,
POST /{id}/ontvangen. Every party sees only messages it sent or received (404 otherwise, so existence
does not leak)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select, true

from .auth import CallerDep, Party
from .messages.types import MessageType
from .problems import PROBLEM_JSON, Problem
from .store.models import Bericht, utcnow

PROBLEM_RESPONSES = {
    400: {"description": "Ongeldig bericht (geen XML, XSD-fout, DOCTYPE, verkeerde dienst)",
          "content": {PROBLEM_JSON: {}}},
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
    403: {"description": "De afzender van het bericht is niet de ingelogde partij", "content": {PROBLEM_JSON: {}}},
    413: {"description": "Bericht groter dan de limiet (standaard 25 MB)", "content": {PROBLEM_JSON: {}}},
    415: {"description": "Content-Type is geen XML", "content": {PROBLEM_JSON: {}}},
}


class BerichtMeta(BaseModel):
    id: str
    berichtType: str
    standaard: str
    richting: Literal["in", "out"]
    afzender: str
    ontvanger: str
    identificatie: str
    dagtekening: str
    status: str
    ontvangenOp: str | None = None
    aangemaaktOp: str | None = None
    grootte: int
    antwoordOp: str | None = None
    retourId: str | None = None
    oordeel: str | None = None
    afkeurredenen: list[dict[str, str]] = Field(default_factory=list)


class BerichtenPage(BaseModel):
    count: int
    page: int
    pageSize: int
    next: str | None = None
    results: list[BerichtMeta]


async def read_limited_body(request: Request, limit: int) -> bytes:
    """Read the body, refusing it as soon as it passes the limit (before it is all in memory)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "bericht-te-groot", f"Het bericht is groter dan {limit} bytes (OP179).")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "bericht-te-groot", f"Het bericht is groter dan {limit} bytes (OP179).")
        chunks.append(chunk)
    return b"".join(chunks)


def _visible(party: Party):  # type: ignore[no-untyped-def]
    if party.is_service:
        # platform components (the reporting service reading the message flow) see every message
        return true()
    scope = party.scope()
    return or_(Bericht.sender.in_(scope), Bericht.recipient.in_(scope))


def build_router(service: str, accepted: Iterable[MessageType]) -> APIRouter:
    router = APIRouter(prefix="/v1/berichten", tags=["berichten"])
    types = sorted(m.code for m in accepted)
    example_type = types[0] if types else "JW305"

    @router.post(
        "",
        summary="Een iJw/iWmo-bericht aanbieden; het retourbericht komt direct terug",
        description=(
            "Neemt een XML-bericht aan (" + ", ".join(types) + "). Het bericht wordt veilig gelezen "
            "(geen DTD, geen entities), gevalideerd tegen het XSD en daarna tegen de regels van de standaard. "
            "Bij een XSD-fout volgt geen retourbericht maar een problem+json-fout (controleniveau 1). "
            "Anders is het antwoord het retourbericht (application/xml). Hetzelfde bericht nogmaals sturen "
            "geeft het opgeslagen retourbericht terug (header `Idempotent-Replay: true`); dezelfde "
            "BerichtIdentificatie met andere inhoud krijgt retourcode 9056 (TR056)."
        ),
        responses={
            200: {"description": "Het retourbericht", "content": {"application/xml": {}},
                  "headers": {"Bericht-Id": {"description": "id van het opgeslagen bericht",
                                             "schema": {"type": "string"}}}},
            202: {"description": "Retourbericht zonder eigen retour (302/320): opgeslagen"},
            **PROBLEM_RESPONSES,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/xml": {"schema": {"type": "string", "format": "xml"},
                                                "example": f"<!-- een {example_type}-bericht -->"}},
            }
        },
        response_class=Response,
    )
    async def post_bericht(request: Request, caller: CallerDep) -> Response:
        ctype = request.headers.get("content-type", "application/xml").split(";")[0].strip().lower()
        if ctype not in ("application/xml", "text/xml", ""):
            raise Problem(415, "verkeerd-mediatype", f"Stuur het bericht als application/xml, niet als {ctype}.")
        ctx = request.app.state.ctx
        body = await read_limited_body(request, ctx.settings.max_body_bytes)
        result = await request.app.state.pipeline.process_async(body, caller, request.headers.get("x-request-id"))
        return Response(result.content, status_code=result.status, media_type=result.media_type,
                        headers=result.headers)

    @router.post(
        "/validaties",
        summary="Alleen valideren: veilig lezen en XSD-controle, zonder opslaan of regels",
        description="Handig voor een aanbieder om een bericht vooraf te testen. Antwoordt 200 met het berichttype "
                    "als het bericht het XSD doorstaat, anders 400 problem+json met alle fouten.",
        responses={200: {"description": "Geldig"}, **PROBLEM_RESPONSES},
        openapi_extra={"requestBody": {"required": True, "content": {"application/xml": {
            "schema": {"type": "string", "format": "xml"}}}}},
        response_model=dict,
    )
    async def validate_only(request: Request, caller: CallerDep) -> dict:
        ctx = request.app.state.ctx
        body = await read_limited_body(request, ctx.settings.max_body_bytes)
        root, mtype = await run_in_threadpool(request.app.state.pipeline.parse_and_validate_any, body)
        return {"geldig": True, "berichtType": mtype.code}

    @router.get(
        "",
        summary="Berichten van en voor de ingelogde partij (postbus), oudste eerst",
        response_model=BerichtenPage,
        responses={400: PROBLEM_RESPONSES[400], 401: PROBLEM_RESPONSES[401]},
    )
    def list_berichten(
        request: Request,
        caller: CallerDep,
        status: Annotated[Literal["nieuw", "ontvangen"] | None, Query(
            description="nieuw: alleen nog niet opgehaalde berichten aan u (de postbus)")] = None,
        berichtType: Annotated[str | None, Query(pattern="^(JW|WMO)3[0-9]{2}$")] = None,
        sinds: Annotated[datetime | None, Query(description="alleen berichten vanaf dit moment")] = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> BerichtenPage:
        ctx = request.app.state.ctx
        stmt = select(Bericht)
        if status is not None:
            stmt = stmt.where(Bericht.recipient.in_(caller.scope()), Bericht.status == status)
        else:
            stmt = stmt.where(_visible(caller), Bericht.status != "verworpen")
        if berichtType:
            stmt = stmt.where(Bericht.message_type == berichtType.upper())
        if sinds:
            stmt = stmt.where(Bericht.created_at >= sinds)
        with ctx.db.session() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(
                stmt.order_by(Bericht.created_at, Bericht.id).offset((page - 1) * pageSize).limit(pageSize)
            ).all()
        nxt = None
        if page * pageSize < total:
            nxt = str(request.url.include_query_params(page=page + 1))
        return BerichtenPage(count=total, page=page, pageSize=pageSize, next=nxt,
                             results=[BerichtMeta(**b.meta()) for b in rows])

    def _get_visible(request: Request, caller: Party, bericht_id: str) -> Bericht:
        with request.app.state.ctx.db.session() as s:
            b = s.scalar(select(Bericht).where(Bericht.id == bericht_id, _visible(caller)))
        if b is None:
            raise Problem(404, "niet-gevonden", "Geen bericht met dit id voor u.")
        return b

    @router.get("/{bericht_id}", summary="Gegevens van één bericht", response_model=BerichtMeta,
                responses={404: {"description": "Onbekend of niet van u", "content": {PROBLEM_JSON: {}}}})
    def get_bericht(request: Request, caller: CallerDep, bericht_id: str) -> BerichtMeta:
        return BerichtMeta(**_get_visible(request, caller, bericht_id).meta())

    @router.get("/{bericht_id}/inhoud", summary="De XML van één bericht, byte voor byte zoals ontvangen of verstuurd",
                response_class=Response,
                responses={200: {"content": {"application/xml": {}}, "description": "het bericht"},
                           404: {"description": "Onbekend of niet van u", "content": {PROBLEM_JSON: {}}}})
    def get_inhoud(request: Request, caller: CallerDep, bericht_id: str) -> Response:
        b = _get_visible(request, caller, bericht_id)
        return Response(b.content, media_type="application/xml")

    @router.post("/{bericht_id}/ontvangen", summary="Bevestig dat u een bericht uit uw postbus hebt opgehaald",
                 response_model=BerichtMeta,
                 responses={404: {"description": "Onbekend of niet aan u gericht", "content": {PROBLEM_JSON: {}}}})
    def mark_received(request: Request, caller: CallerDep, bericht_id: str) -> BerichtMeta:
        with request.app.state.ctx.db.session() as s, s.begin():
            b = s.scalar(select(Bericht).where(Bericht.id == bericht_id,
                                               Bericht.recipient.in_(caller.scope())).with_for_update())
            if b is None:
                raise Problem(404, "niet-gevonden", "Geen bericht met dit id in uw postbus.")
            if b.status == "nieuw":
                b.status = "ontvangen"
                b.received_at = utcnow()
            meta = b.meta()
        return BerichtMeta(**meta)

    return router
