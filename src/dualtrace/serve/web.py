"""The web pages: server-rendered (Jinja2, autoescaped), plain forms, no scripts, works offline.
Each page asks the Python API, like the JSON endpoints; form posts carry the session's CSRF
token (checked in auth.principal), and the login form a token of its own (a cookie it must
match), so another site cannot log a browser in under someone else's name."""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from dualtrace.api import Dualtrace
from dualtrace.cases import OUTCOMES, Principal
from dualtrace.findings.model import SEVERITIES, explain
from dualtrace.findings.query import FindingFilter
from dualtrace.report import charts
from dualtrace.serve.auth import COOKIE, Admin, Analyst, ServiceDep, Viewer, service, web_session

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "dt_login"
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
_ENV.globals.update(explain=explain, severities=SEVERITIES, outcomes=OUTCOMES)


def render(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    session = web_session(request)
    svc = service(request)
    who = session.principal if session else (Principal("local", "admin", "no-auth") if svc.no_auth else None)
    html = _ENV.get_template(template).render(
        request=request, who=who, csrf=session.csrf if session else "", **context
    )
    return HTMLResponse(html, status_code=http_status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", http_status=status, status_code=status, message=message)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/findings", status_code=303)


def _login_form(request: Request, next: str, failed: bool) -> HTMLResponse:
    """The login page with its CSRF token, also set as a cookie the post must match."""
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    target = next if next.startswith("/") and not next.startswith("//") else "/findings"
    response = render(request, "login.html", http_status=401 if failed else 200,
                      next=target, failed=failed, login_csrf=token)  # fmt: skip
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600, path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/findings") -> HTMLResponse:
    return _login_form(request, next, failed=False)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    next: str = Form("/findings"),
    csrf: str = Form(""),
    *,
    svc: ServiceDep,
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise HTTPException(403, "missing or wrong CSRF token: reload the login page and try again")
    who = svc.call(lambda dt: dt.login(username, password))
    if who is None:
        svc.call(
            lambda dt: dt.audit_record(Principal(username, "viewer", "password"), "login.failed", None, {})
        )
        return _login_form(request, next, failed=True)
    token, _ = svc.new_session(Principal(who.name, who.role, "session"))
    svc.call(lambda dt: dt.audit_record(who, "login", None, {}))
    target = next if next.startswith("/") and not next.startswith("//") else "/findings"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=8 * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/login")  # one token per login: the next form gets a new one
    return response


@router.post("/logout")
def logout(request: Request, _: Viewer) -> Response:
    service(request).end_session(request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _day(text: str) -> date | None:
    """A date from a form field (empty: none)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(422, f"{text!r} is not a date (YYYY-MM-DD)") from None


@router.get("/findings")
def findings_page(
    request: Request,
    kind: str = "",
    severity: str = "",
    country: str = "",
    hs: str = "",
    period_from: str = "",
    period_to: str = "",
    sort: str = "score",
    order: str = "desc",
    page: int = Query(1, ge=1),
    *,
    _: Viewer,
    svc: ServiceDep,
) -> HTMLResponse:
    flt = FindingFilter((kind,) if kind else (), severity or None, country or None, hs or None,
                        _day(period_from), _day(period_to))  # fmt: skip
    size = 50

    def work(dt: Dualtrace) -> tuple[int, list[Any], list[str]]:
        total, rows = dt.findings_select(
            flt, sort=sort, descending=order != "asc", offset=(page - 1) * size, limit=size
        )
        kinds = sorted({f.kind for f in dt.findings()})
        return total, rows, kinds

    total, rows, kinds = svc.call(work)
    params = {k: v for k, v in dict(kind=kind, severity=severity, country=country, hs=hs,
              period_from=period_from, period_to=period_to).items() if v}  # fmt: skip

    def sort_link(column: str) -> str:
        flip = "asc" if sort == column and order == "desc" else "desc"
        return "/findings?" + urlencode({**params, "sort": column, "order": flip})

    return render(
        request, "findings.html", rows=rows, total=total, kinds=kinds, params=params, sort=sort, order=order,
        page=page, pages=max(1, -(-total // size)), sort_link=sort_link,
        page_link=lambda n: "/findings?" + urlencode({**params, "sort": sort, "order": order, "page": n}),
    )  # fmt: skip


@router.get("/findings/{finding_id}")
def finding_page(
    request: Request,
    finding_id: str,
    _: Viewer,
    svc: ServiceDep,
) -> HTMLResponse:
    def work(dt: Dualtrace) -> tuple[Any, list[dict[str, Any]]]:
        found = dt.finding(finding_id)
        return found, dt.finding_rows(found)

    finding, rows = svc.call(work)
    spec = charts.spec(finding.evidence.chart, finding.evidence.table)
    # drawn offline to SVG by vl-convert, as in the report (its text is escaped there)
    chart = Markup(charts.svg(spec)) if spec else None
    return render(request, "finding.html", f=finding, rows=rows, chart=chart)


@router.get("/parties/{party}")
def party_page(request: Request, party: str, _: Viewer, svc: ServiceDep) -> HTMLResponse:
    """A resolved party: its ownership chains drawn, owners, holdings, list entries, partners."""
    return render(request, "party.html", p=svc.call(lambda dt: dt.party_show(party)))


@router.get("/screen")
def screen_page(
    request: Request, name: str = "", country: str = "", *, who: Analyst, svc: ServiceDep
) -> HTMLResponse:
    hits: list[dict[str, Any]] = []
    if name.strip():

        def work(dt: Dualtrace) -> list[dict[str, Any]]:
            found = dt.screen([name], country=country or None, threshold=0.5, limit=10)
            for hit in found:
                hit["dismissed_case"] = dt.case_dismissed_on(name, hit["list"], hit["entity_id"])
            dt.audit_record(
                who, "screen.name", name, {"country": country, "hits": [h["entity_id"] for h in found]}
            )
            return found

        hits = svc.call(work)
    return render(request, "screen.html", name=name, country=country, hits=hits, searched=bool(name.strip()))


@router.post("/cases/open")
def open_case(
    finding_id: str = Form(""),
    query: str = Form(""),
    list_name: str = Form("", alias="list"),
    entity_id: str = Form(""),
    caption: str = Form(""),
    score: float = Form(0.0),
    *,
    who: Analyst,
    svc: ServiceDep,
) -> Response:
    if finding_id:
        case_id = svc.call(lambda dt: dt.case_open_finding(finding_id, who))
    elif query and list_name and entity_id:
        hit = {"query": query, "list": list_name, "entity_id": entity_id, "caption": caption, "score": score}
        case_id = svc.call(lambda dt: dt.case_open_hit(hit, who))["case_id"]
    else:
        raise HTTPException(422, "a case opens from a finding or a screening hit")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases")
def inbox(
    request: Request, status: str = "", mine: bool = False, *, who: Viewer, svc: ServiceDep
) -> HTMLResponse:
    rows = svc.call(lambda dt: dt.cases(status=status or None, assignee=who.name if mine else None))
    return render(request, "cases.html", rows=rows, status=status, mine=mine)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str, _: Viewer, svc: ServiceDep) -> HTMLResponse:
    def work(dt: Dualtrace) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return dt.case(case_id), dt.users()

    case, users = svc.call(work)
    return render(request, "case.html", c=case, users=users)


@router.post("/cases/{case_id}/act")
def case_action(
    case_id: str,
    action: str = Form(...),
    body: str = Form(""),
    outcome: str = Form(""),
    assignee: str = Form(""),
    *,
    who: Analyst,
    svc: ServiceDep,
) -> Response:
    def work(dt: Dualtrace) -> None:
        if action == "investigate":
            dt.case_start(case_id, who)
        elif action == "assign":
            dt.case_assign(case_id, assignee, who)
        elif action == "comment":
            dt.case_comment(case_id, body, who)
        elif action == "propose":
            dt.case_propose(case_id, outcome, who)
        elif action == "approve":
            dt.case_approve(case_id, who)
        elif action == "reject":
            dt.case_reject(case_id, who)
        else:
            raise HTTPException(422, f"unknown action {action!r}")

    svc.call(work)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/audit")
def audit_page(request: Request, _: Admin, svc: ServiceDep) -> HTMLResponse:
    chain, entries = svc.call(lambda dt: (dt.audit_verify(), dt.audit_log(limit=500)))
    return render(request, "audit.html", chain=chain, entries=entries)
