"""`POST /api/v1/match/{dataset}`, shaped as yente's /match: a batch of FollowTheMoney entity
examples in, for each one the scored list entries out (score, match, features)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from dualtrace.api import Dualtrace
from dualtrace.errors import InputError
from dualtrace.serve.auth import Analyst, ServiceDep

MAX_QUERIES = 100
# FtM properties that carry an identifier the screener compares
ID_PROPERTIES = (
    "registrationNumber", "innCode", "ogrnCode", "leiCode", "taxNumber", "vatCode",
    "imoNumber", "idNumber", "uscCode", "swiftBic", "okpoCode",
)  # fmt: skip
ALL = {"all", "default"}

router = APIRouter(prefix="/api/v1", tags=["screening"])


class EntityExample(BaseModel):
    schema_: str = Field("LegalEntity", alias="schema", description="FtM schema: Company, Person...")
    properties: dict[str, list[str]] = Field(default_factory=dict, description="FtM properties")

    model_config = {"populate_by_name": True}


class MatchRequest(BaseModel):
    queries: dict[str, EntityExample] = Field(..., description=f"at most {MAX_QUERIES} examples, by id")


def _first(props: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        for value in props.get(name, []):
            if value and value.strip():
                return value
    return None


def _screen_one(
    dt: Dualtrace, qid: str, example: EntityExample, lists: list[str] | None, cutoff: float, limit: int
) -> list[dict[str, Any]]:
    props = example.properties
    names = [n for n in props.get("name", []) if n and n.strip()]
    if not names:
        raise InputError(f"query {qid!r} has no name property")
    country = _first(props, "country", "jurisdiction", "nationality", "registrationCountry")
    ids = [v for p in ID_PROPERTIES for v in props.get(p, [])]
    schema = None if example.schema_ in ("LegalEntity", "Thing") else example.schema_
    try:
        hits = dt.screen(
            names, country=country, ids=ids, schema=schema, threshold=cutoff, limit=limit, lists=lists,
            birth_date=_first(props, "birthDate"), address=_first(props, "address"),
        )  # fmt: skip
    except InputError as exc:
        raise InputError(f"query {qid!r}: {exc}") from None
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for hit in hits:  # several names of one example: keep each entry's best score
        key = (hit["list"], hit["entity_id"])
        if key not in best or hit["score"] > best[key]["score"]:
            best[key] = hit
    return sorted(best.values(), key=lambda h: -h["score"])[:limit]


def _result(hit: dict[str, Any], entity: dict[str, Any], threshold: float) -> dict[str, Any]:
    return {
        "id": hit["entity_id"],
        "caption": hit["caption"],
        "schema": hit["schema"],
        "properties": entity.get("properties", {}),
        "datasets": entity.get("datasets") or [hit["list"]],
        "referents": [],
        "target": bool(entity.get("target", True)),
        "first_seen": entity.get("first_seen"),
        "last_seen": entity.get("last_seen"),
        "last_change": entity.get("last_change"),
        "score": hit["score"],
        "match": hit["score"] >= threshold,
        "features": {f["feature"]: f["weight"] for f in hit["features"]},
        "explanation": hit["explanation"],
        "list": hit["list"],
        "matched_name": hit["matched_name"],
    }


@router.post("/match/{dataset}", summary="Match entities (yente-compatible)")
def match(
    dataset: str,
    body: MatchRequest,
    threshold: float = Query(0.7, ge=0.0, le=1.0, description="score at which a result is a match"),
    cutoff: float = Query(0.5, ge=0.0, le=1.0, description="lowest score returned"),
    limit: int = Query(5, ge=1, le=100),
    *,
    who: Analyst,
    svc: ServiceDep,
) -> dict[str, Any]:
    if len(body.queries) > MAX_QUERIES:
        raise HTTPException(422, f"{len(body.queries)} queries: a batch holds at most {MAX_QUERIES}")
    lists = None if dataset in ALL else [dataset]

    def work(dt: Dualtrace) -> dict[str, Any]:
        if lists and dataset not in {s["list"] for s in dt.lists_status()}:
            raise InputError(f"no list {dataset!r} is loaded; use all or one of the loaded lists")
        found = {
            qid: _screen_one(dt, qid, ex, lists, min(cutoff, threshold), limit)
            for qid, ex in body.queries.items()
        }
        entities = dt.list_entities({(h["list"], h["entity_id"]) for hits in found.values() for h in hits})
        responses = {
            qid: {
                "status": 200,
                "results": [
                    _result(h, entities.get((h["list"], h["entity_id"]), {}), threshold) for h in hits
                ],
                "total": {"value": len(hits), "relation": "eq"},
                "query": body.queries[qid].model_dump(by_alias=True),
            }
            for qid, hits in found.items()
        }
        dt.audit_record(
            who, "screen.match", dataset,
            {q: {"query": body.queries[q].properties.get("name"), "results": [h["entity_id"] for h in hits]}
             for q, hits in found.items()},
        )  # fmt: skip
        return {
            "responses": responses,
            "limit": limit,
            "matcher": {"name": "dualtrace", "threshold": threshold},
        }

    return svc.call(work)
