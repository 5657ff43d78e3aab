"""GET /v1/rapportages[/{naam}[/export.csv]]: every report as JSON and as CSV, with the same filters."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import create_model

from services.common.app import get_ctx
from services.common.auth import CallerDep
from services.common.clock import today_nl
from services.common.problems import PROBLEM_JSON, Problem

from .. import service
from ..reports.base import DIMENSIONS, Filters
from ..reports.rapportages import REPORTS, Spec, month_window
from . import schemas as s

router = APIRouter(prefix="/v1/rapportages", tags=["rapportages"])

MONTH = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"  # years 2000-2999: dates outside make no sense here
Dimensie = Literal["gemeente", "segment", "product", "aanbieder", "domein"]
ERRORS = {
    400: {"description": "Ongeldige filters", "content": {PROBLEM_JSON: {}}},
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
}
FILTER_DOC = (
    "Filters: `gemeente` en `aanbieder` (herhaalbaar), `segment` (perceel uit het contract, herhaalbaar), "
    "`domein`, `categorie`, `code`, het venster `van`..`tot` (maanden, standaard de laatste 12 maanden), "
    "`periode` (maand, kwartaal, jaar of totaal) en `groepering` (herhaalbaar: gemeente, segment, product, "
    "aanbieder, domein). Een gemeente ziet haar eigen cijfers, een regio die van haar gemeenten, een aanbieder "
    "de zijne; een filter daarbuiten geeft een leeg antwoord. Bedragen in eurocent."
)


class Params:
    """The query parameters every report takes (one dependency, so the OpenAPI document lists them once)."""

    def __init__(
        self,
        gemeente: Annotated[list[Annotated[str, Query(pattern=r"^[0-9]{4}$")]] | None, Query(
            description="CBS-code(s)", examples=["0141"])] = None,
        aanbieder: Annotated[list[Annotated[str, Query(pattern=r"^[0-9]{8}$")]] | None, Query(
            description="AGB-code(s)", examples=["11110001"])] = None,
        segment: Annotated[list[Annotated[str, Query(min_length=1, max_length=100)]] | None, Query(
            description="perceel/segment uit het contract", examples=["Ambulant"])] = None,
        domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
        categorie: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", examples=["45"])] = None,
        code: Annotated[str | None, Query(min_length=1, max_length=5, examples=["45A03"])] = None,
        van: Annotated[str | None, Query(pattern=MONTH, description="eerste maand (YYYY-MM)",
                                         examples=["2026-01"])] = None,
        tot: Annotated[str | None, Query(pattern=MONTH, description="laatste maand (YYYY-MM)",
                                         examples=["2026-12"])] = None,
        periode: Annotated[Literal["maand", "kwartaal", "jaar", "totaal"] | None, Query(
            description="indeling in de tijd (standaard per rapportage)")] = None,
        groepering: Annotated[list[Dimensie] | None, Query(
            description="uitsplitsen naar (herhaalbaar)", examples=["gemeente"])] = None,
        peildatum: Annotated[date | None, Query(description="datum waarop open termijnen worden beoordeeld "
                                                            "(standaard vandaag)")] = None,
    ):
        self.gemeente, self.aanbieder, self.segment = gemeente or [], aanbieder or [], segment or []
        self.domein, self.categorie, self.code = domein, categorie, code
        self.van, self.tot, self.periode, self.groepering, self.peildatum = van, tot, periode, groepering, peildatum

    def filters(self, spec: Spec | None) -> Filters:
        today = today_nl()
        van, tot = month_window(self.van, self.tot, today)
        if self.peildatum is not None and not 2000 <= self.peildatum.year <= 2999:
            raise Problem(400, "ongeldige-peildatum", "De peildatum ligt niet tussen 2000 en 2999.",
                          invalid_params=[{"name": "peildatum", "code": "bereik", "reason": "2000-2999"}])
        if van > tot:
            raise Problem(400, "ongeldig-venster", "`van` ligt na `tot`.",
                          invalid_params=[{"name": "van", "code": "volgorde", "reason": "van moet voor tot liggen"}])
        if (int(tot[:4]) - int(van[:4])) * 12 + int(tot[5:]) - int(van[5:]) >= 120:
            raise Problem(400, "venster-te-groot", "Het venster is hooguit 10 jaar.",
                          invalid_params=[{"name": "van", "code": "bereik", "reason": "hooguit 120 maanden"}])
        dims: tuple[str, ...]
        if self.groepering is None:
            dims = spec.default_dims if spec else ()
        else:
            dims = tuple(dict.fromkeys(self.groepering))
        if spec is not None:
            wrong = [d for d in dims if d not in spec.allowed_dims]
            if wrong:
                raise Problem(400, "ongeldige-groepering",
                              f"{spec.name} kan niet uitgesplitst worden naar {', '.join(wrong)}.",
                              invalid_params=[{"name": "groepering", "code": "niet-toegestaan", "reason": d}
                                              for d in wrong])
        periode = self.periode or (spec.default_periode if spec else "maand")
        if spec is not None and not spec.periods:
            periode = "totaal"
        return Filters(van=van, tot=tot, periode=periode, groepering=dims,  # type: ignore[arg-type]
                       gemeenten=tuple(sorted(set(self.gemeente))), aanbieders=tuple(sorted(set(self.aanbieder))),
                       segmenten=tuple(sorted(set(self.segment))), domein=self.domein, categorie=self.categorie,
                       code=self.code, peildatum=self.peildatum or today)


ParamsDep = Annotated[Params, Depends()]


def _fields(name: str, dims: tuple[str, ...]) -> list[str]:
    model = s.ROW_MODELS[name]
    own = [f for f in model.model_fields if f not in DIMENSIONS and f != "periode"]
    return ["periode", *dims, *own]


def _limit(request: Request, rows: list[dict[str, Any]]) -> None:
    limit = get_ctx(request).settings.report_max_groups  # type: ignore[attr-defined]
    if len(rows) > limit:
        raise Problem(400, "te-veel-rijen", f"Deze vraag geeft {len(rows)} rijen (meer dan {limit}); "
                                            "kies een kleiner venster, een grovere periode of minder groeperingen.")


@router.get("", summary="De beschikbare rapportages", response_model=s.Rapportages, responses=ERRORS,
            description="Elke rapportage met haar JSON- en CSV-adres en de groeperingen die ze kent.")
def list_reports(caller: CallerDep) -> s.Rapportages:
    return s.Rapportages(rapportages=[
        s.RapportageInfo(naam=spec.name, titel=spec.title, href=f"/v1/rapportages/{spec.name}",
                         csv=f"/v1/rapportages/{spec.name}/export.csv", groeperingen=list(spec.allowed_dims),
                         standaardGroepering=list(spec.default_dims))
        for spec in REPORTS.values()
    ])


@router.get("/termijnen/verlopen", summary="Verlopen termijnen: de openstaande verplichtingen na hun termijn",
            description="Elke verplichting uit de standaard (retour binnen 3 werkdagen, antwoord op een verzoek "
                        "binnen 5 werkdagen, definitief antwoord binnen 8 weken na 'in onderzoek') die op de "
                        "peildatum nog openstaat terwijl haar termijn verstreken is, oudste eerst. " + FILTER_DOC,
            response_model=s.VerlopenLijst, responses=ERRORS)
async def overdue(request: Request, caller: CallerDep, params: ParamsDep) -> s.VerlopenLijst:
    f = params.filters(REPORTS["termijnen"])
    rows, _ = await run_in_threadpool(service.run, get_ctx(request), caller, "verlopen", f)
    _limit(request, rows)
    return s.VerlopenLijst(peildatum=f.peildatum.isoformat(), aantal=len(rows),
                           items=[s.VerlopenItem(**r) for r in rows])


def _register(spec: Spec) -> None:
    row_model = s.ROW_MODELS[spec.name]
    model = create_model(f"Rapportage{spec.name.capitalize()}", __base__=s.Rapportage,
                         rijen=(list[row_model], ...))  # type: ignore[valid-type]
    description = ((REPORTS[spec.name].compute.__doc__ or "").strip().replace("\n    ", " ") + "\n\n" + FILTER_DOC +
                   f"\n\nStandaard groepering: {', '.join(spec.default_dims) or 'geen'}; "
                   f"toegestaan: {', '.join(spec.allowed_dims)}.")

    async def get_json(request: Request, caller: CallerDep, params: ParamsDep) -> Any:
        f = params.filters(spec)
        rows, fresh = await run_in_threadpool(service.run, get_ctx(request), caller, spec.name, f)
        _limit(request, rows)
        return {"rapportage": spec.name, "titel": spec.title, "filters": f.as_json(),
                "bijgewerktTot": fresh, "aantal": len(rows), "rijen": rows}

    async def get_csv(request: Request, caller: CallerDep, params: ParamsDep) -> StreamingResponse:
        f = params.filters(spec)
        rows, _ = await run_in_threadpool(service.run, get_ctx(request), caller, spec.name, f)
        _limit(request, rows)
        filename = f"{spec.name}-{f.van}-{f.tot}.csv"
        return StreamingResponse(service.csv_lines(rows, _fields(spec.name, f.groepering)),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    get_json.__name__ = f"rapportage_{spec.name}"
    get_csv.__name__ = f"rapportage_{spec.name}_csv"
    router.add_api_route(f"/{spec.name}", get_json, methods=["GET"], summary=spec.title, description=description,
                         response_model=model, response_model_exclude_unset=True, responses=ERRORS)
    router.add_api_route(
        f"/{spec.name}/export.csv", get_csv, methods=["GET"], summary=f"{spec.title} (CSV)",
        description=f"Dezelfde rijen als GET /v1/rapportages/{spec.name}, als CSV (RFC 4180, kopregel, bedragen in "
                    "eurocent).",
        response_class=StreamingResponse,
        responses={200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS})


for _spec in REPORTS.values():
    _register(_spec)
