"""Read endpoints: findings (filter, sort, page), a finding with its evidence rows, parties,
sources, lists, and plain screening of one name."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query

from dualtrace.api import Dualtrace
from dualtrace.findings import Finding
from dualtrace.findings.query import SORTS, FindingFilter
from dualtrace.serve.auth import Analyst, ServiceDep, Viewer

router = APIRouter(prefix="/api/v1")


# What a list of findings shows of each, in this order (the full finding is one request away).
SUMMARY_FIELDS = (
    "finding_id", "kind", "severity", "score", "subject_type", "subject", "period_start", "period_end",
    "headline",
)  # fmt: skip


def finding_summary(f: Finding) -> dict[str, Any]:
    return {name: getattr(f, name) for name in SUMMARY_FIELDS}


def finding_filter(
    kind: list[str] = Query(default=[], description="finding kinds (repeat for several)"),
    severity: str | None = Query(None, description="lowest severity: info, low, medium, high, critical"),
    country: str | None = Query(None, description="a country in any form (RU, RUS, Russia)"),
    hs: str | None = Query(None, description="HS code prefix (chapter, heading, code)"),
    period_from: date | None = Query(None),
    period_to: date | None = Query(None),
) -> FindingFilter:
    return FindingFilter(tuple(kind), severity, country, hs, period_from, period_to)


@router.get("/findings", tags=["findings"])
def findings(
    flt: FindingFilter = Depends(finding_filter),
    sort: str = Query("score", description=f"one of {', '.join(SORTS)}"),
    order: str = Query("desc", pattern="^(asc|desc)$"),
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
    *,
    _: Viewer,
    svc: ServiceDep,
) -> dict[str, Any]:
    total, page = svc.call(
        lambda dt: dt.findings_select(flt, sort=sort, descending=order == "desc", offset=offset, limit=limit)
    )
    return {"total": total, "offset": offset, "limit": limit, "results": [finding_summary(f) for f in page]}


@router.get("/findings/{finding_id}", tags=["findings"])
def finding(finding_id: str, _: Viewer, svc: ServiceDep) -> dict[str, Any]:
    def work(dt: Dualtrace) -> dict[str, Any]:
        found = dt.finding(finding_id)
        return {**found.to_record(), "evidence_rows": dt.finding_rows(found)}

    return svc.call(work)


@router.get("/parties/{party}", tags=["parties"])
def party(party: str, _: Viewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.party_show(party))


@router.get("/sources", tags=["sources"])
def sources(_: Viewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.sources())


@router.get("/coverage", tags=["sources"])
def coverage(
    everything: bool = Query(False, description="per product level and partner too"),
    *,
    _: Viewer,
    svc: ServiceDep,
) -> Any:
    """What each trade file covers per reporter and year: complete, partial or absent, and why."""
    return svc.call(lambda dt: dt.coverage(everything))


@router.get("/claims", tags=["claims"])
def claims(_: Viewer, svc: ServiceDep) -> Any:
    """The stored claim checks (`dualtrace claims check`): each claim, its verdict and evidence."""
    return svc.call(lambda dt: dt.claims_stored())


@router.get("/lists", tags=["sources"])
def lists(_: Viewer, svc: ServiceDep) -> Any:
    return svc.call(lambda dt: dt.lists_status())


@router.get("/screen", tags=["screening"])
def screen(
    name: str = Query(..., min_length=1),
    country: str | None = None,
    schema: str | None = None,
    threshold: float = Query(0.7, ge=0.0, le=1.0),
    limit: int = Query(5, ge=1, le=100),
    *,
    who: Analyst,
    svc: ServiceDep,
) -> dict[str, Any]:
    """One name screened; each hit says whether a case dismissed it (and the entry is unchanged)."""

    def work(dt: Dualtrace) -> dict[str, Any]:
        hits = dt.screen([name], country=country, schema=schema, threshold=threshold, limit=limit)
        for hit in hits:
            hit["dismissed_case"] = dt.case_dismissed_on(name, hit["list"], hit["entity_id"])
        dt.audit_record(
            who, "screen.name", name, {"country": country, "hits": [h["entity_id"] for h in hits]}
        )
        return {"query": name, "results": hits}

    return svc.call(work)
