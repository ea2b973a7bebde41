"""Who is asking: an API key (Authorization: Bearer or X-API-Key) or a browser session cookie
(with a CSRF token on every form post). 401 without credentials, 403 without the role."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from dualtrace.cases import Principal, role_at_least
from dualtrace.serve.service import Service, WebSession

COOKIE = "dt_session"
LOCAL = Principal("local", "admin", "no-auth")
_SAFE = {"GET", "HEAD", "OPTIONS"}


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


def web_session(request: Request) -> WebSession | None:
    return service(request).session(request.cookies.get(COOKIE))


async def principal(request: Request) -> Principal:
    svc = service(request)
    if svc.no_auth:
        return LOCAL
    key = _presented_key(request)
    # The warehouse lock may be held by a running request: wait for it in a worker thread, so
    # the event loop keeps accepting and answering meanwhile.
    if key:
        found: Principal | None = await run_in_threadpool(svc.call, lambda dt: dt.principal_for_key(key))
        if found is None:
            raise HTTPException(401, "invalid or revoked API key", {"WWW-Authenticate": "Bearer"})
        return found
    session = await run_in_threadpool(web_session, request)
    if session is None:
        raise HTTPException(401, "authentication required", {"WWW-Authenticate": "Bearer"})
    if request.method not in _SAFE:
        sent = request.headers.get("x-csrf-token")
        if sent is None and "form" in request.headers.get("content-type", ""):
            sent = str((await request.form()).get("csrf", ""))
        if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):  # bytes: any text
            raise HTTPException(403, "missing or wrong CSRF token")
    return session.principal


def require(role: str) -> Callable[..., Principal]:
    """A dependency: the principal, if it has at least ``role``."""

    def check(who: Principal = Depends(principal)) -> Principal:
        if not role_at_least(who.role, role):
            raise HTTPException(403, f"{who.name} is {who.role}: this needs the {role} role")
        return who

    return check


# The dependencies endpoints declare, written once: the principal with at least a role, and the
# service (FastAPI resolves an Annotated parameter's Depends as it would a default).
Viewer = Annotated[Principal, Depends(require("viewer"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]
ServiceDep = Annotated[Service, Depends(service)]
