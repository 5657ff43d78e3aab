"""The dashboard: one static page, a small stylesheet and a self-written SVG chart script, served by the
reporting service itself (no CDN, no build step, no other tool needed).

Login is the bearer token the party already has: the page keeps it in sessionStorage (gone when the tab is
closed) and calls the same JSON API as any other client, so the dashboard sees exactly what the API allows
that party to see. The pages are outside the OpenAPI document (they are not an API) and carry a strict
Content-Security-Policy: scripts, styles and connections only from this origin, never in a frame.
"""
from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

router = APIRouter(include_in_schema=False)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_TYPES = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}


def _asset(name: str) -> Response:
    body = resources.files(__package__).joinpath("static", name).read_bytes()
    return Response(body, media_type=_TYPES[name], headers={
        "Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()"})


@router.get("/dashboard")
def dashboard() -> Response:
    return _asset("index.html")


@router.get("/dashboard/")
def dashboard_slash() -> RedirectResponse:
    return RedirectResponse("/dashboard", status_code=308)


@router.get("/dashboard/app.js")
def dashboard_js() -> Response:
    return _asset("app.js")


@router.get("/dashboard/app.css")
def dashboard_css() -> Response:
    return _asset("app.css")
