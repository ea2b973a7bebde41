"""The FastAPI application: routers, error mapping, /health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from dualtrace import __version__
from dualtrace.cases.workflow import CaseError, Forbidden, NotFound
from dualtrace.errors import DualtraceError, WarehouseError
from dualtrace.serve import cases, match, read, web
from dualtrace.serve.service import Service

STATIC = Path(__file__).parent / "static"


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str) -> Response:
    if status == 401 and _wants_page(request):
        return RedirectResponse("/login?next=" + request.url.path, status_code=303)
    if _wants_page(request):
        return web.error_page(request, status, message)
    return JSONResponse({"detail": message}, status_code=status)


def create_app(db: Path, *, no_auth: bool = False) -> FastAPI:
    service = Service(db, no_auth=no_auth)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title="dualtrace",
        version=__version__,
        description="Dual-use trade findings, sanctions screening (yente-compatible /match) and cases.",
        lifespan=lifespan,
    )
    app.state.service = service
    for router in (match.router, read.router, cases.router, web.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        response = _error(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in exc.errors()
        ]
        return _error(request, 422, "; ".join(problems))

    @app.exception_handler(DualtraceError)
    async def user_error(request: Request, exc: DualtraceError) -> Response:
        status = (
            404 if isinstance(exc, NotFound)
            else 403 if isinstance(exc, Forbidden)
            else 409 if isinstance(exc, CaseError)
            else 503 if isinstance(exc, WarehouseError)
            else 422
        )  # fmt: skip
        return _error(request, status, str(exc))

    return app
