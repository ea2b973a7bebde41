"""Case endpoints: open (from a finding or a screening hit), list, read, assign, comment,
propose a decision, approve or reject it (four eyes), export; the audit log for admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from dualtrace.cases import OUTCOMES
from dualtrace.serve.auth import Admin, Analyst, Reviewer, ServiceDep, Viewer

router = APIRouter(prefix="/api/v1", tags=["cases"])


class Hit(BaseModel):
    query: str = Field(..., min_length=1, description="the screened name")
    list: str
    entity_id: str
    caption: str | None = None
    score: float | None = None
    explanation: str | None = None


class OpenCase(BaseModel):
    finding_id: str | None = None
    hit: Hit | None = None


class Assign(BaseModel):
    assignee: str = Field(..., min_length=1)


class Comment(BaseModel):
    body: str = Field(..., min_length=1, max_length=10_000)


class Decision(BaseModel):
    outcome: str = Field(..., description=f"one of {', '.join(OUTCOMES)}")


@router.post("/cases", status_code=201)
def open_case(body: OpenCase, who: Analyst, svc: ServiceDep) -> Any:
    if (body.finding_id is None) == (body.hit is None):
        raise HTTPException(422, "give either finding_id or hit")
    if body.finding_id is not None:
        fid = body.finding_id
        return {"case_id": svc.call(lambda dt: dt.case_open_finding(fid, who)), "opened": True}
    hit = body.hit.model_dump() if body.hit else {}
    result = svc.call(lambda dt: dt.case_open_hit(hit, who))
    return result if result["opened"] else JSONResponse(result, status_code=200)


@router.get("/cases")
def list_cases(
    status: str | None = None,
    assignee: str | None = None,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
    *,
    _: Viewer,
    svc: ServiceDep,
) -> Any:
    return svc.call(lambda dt: dt.cases(status=status, assignee=assignee, limit=limit, offset=offset))


@router.get("/cases/{case_id}")
def get_case(case_id: str, _: Viewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.case(case_id))


@router.get("/cases/{case_id}/export")
def export_case(case_id: str, _: Viewer, svc: ServiceDep) -> Any:
    """The case with its evidence, comments and audit history, as a download."""
    data = svc.call(lambda dt: dt.case(case_id))
    headers = {"Content-Disposition": f'attachment; filename="{case_id}.json"'}
    return JSONResponse(jsonable_encoder(data), headers=headers)


@router.post("/cases/{case_id}/assign")
def assign(case_id: str, body: Assign, who: Analyst, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.case_assign(case_id, body.assignee, who))


@router.post("/cases/{case_id}/investigate")
def investigate(case_id: str, who: Analyst, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.case_start(case_id, who))


@router.post("/cases/{case_id}/comments", status_code=201)
def comment(case_id: str, body: Comment, who: Analyst, svc: ServiceDep) -> Any:
    svc.call(lambda dt: dt.case_comment(case_id, body.body, who))
    return {"ok": True}


@router.post("/cases/{case_id}/decision")
def propose(
    case_id: str,
    body: Decision,
    who: Reviewer,
    svc: ServiceDep,
) -> Any:
    """A reviewer's decision; it takes effect when a second reviewer approves it."""
    return svc.call(lambda dt: dt.case_propose(case_id, body.outcome, who))


@router.post("/cases/{case_id}/approve")
def approve(case_id: str, who: Reviewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.case_approve(case_id, who))


@router.post("/cases/{case_id}/reject")
def reject(case_id: str, who: Reviewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.case_reject(case_id, who))


@router.get("/audit", tags=["audit"])
def audit_log(
    action: str | None = None,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
    *,
    _: Admin,
    svc: ServiceDep,
) -> Any:
    return svc.call(
        lambda dt: {
            "chain": dt.audit_verify(),
            "entries": dt.audit_log(limit=limit, offset=offset, action=action),
        }
    )
