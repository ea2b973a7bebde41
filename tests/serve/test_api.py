"""The HTTP API through TestClient: every endpoint, every role boundary, bad input as 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import dualtrace
from dualtrace.serve import create_app
from tests.conftest import shared_file
from tests.serve.conftest import PASSWORD, SCRIPT_NAME, Served, auth

NORDLICHT = {"schema": "Company", "properties": {"name": ["Nordlicht Optika LLC"], "country": ["ru"]}}

# (method, path, lowest role); {fid} is a finding id
ENDPOINTS = [
    ("GET", "/api/v1/findings", "viewer"),
    ("GET", "/api/v1/findings/{fid}", "viewer"),
    ("GET", "/api/v1/sources", "viewer"),
    ("GET", "/api/v1/lists", "viewer"),
    ("GET", "/api/v1/cases", "viewer"),
    ("GET", "/api/v1/screen?name=Nordlicht", "analyst"),
    ("POST", "/api/v1/match/all", "analyst"),
    ("GET", "/api/v1/audit", "admin"),
]
ORDER = ["viewer", "analyst", "reviewer", "admin"]


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    if method == "POST":
        return client.post(path, json={"queries": {"q": NORDLICHT}}, headers=headers)
    return client.get(path, headers=headers)


@pytest.fixture(scope="module")
def fid(client: TestClient, served: Served) -> str:
    page = client.get("/api/v1/findings?limit=1", headers=auth(served, "viewer")).json()
    return str(page["results"][0]["finding_id"])


def test_health_is_the_only_open_endpoint(client: TestClient, fid: str) -> None:
    assert client.get("/health").json()["status"] == "ok"
    for method, path, _ in ENDPOINTS:
        response = _call(client, method, path.format(fid=fid), {})
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    assert (
        client.get("/api/v1/findings", headers={"Authorization": "Bearer dt_00000000_wrong"}).status_code
        == 401
    )
    assert client.get("/api/v1/findings", headers={"X-API-Key": "nonsense"}).status_code == 401


@pytest.mark.parametrize(("method", "path", "needed"), ENDPOINTS)
def test_each_role_boundary(
    client: TestClient, served: Served, fid: str, method: str, path: str, needed: str
) -> None:
    for user in ORDER:
        response = _call(client, method, path.format(fid=fid), auth(served, user))
        allowed = ORDER.index(user) >= ORDER.index(needed)
        assert response.status_code == (200 if allowed else 403), (user, path, response.text)
        if not allowed:
            assert f"needs the {needed} role" in response.json()["detail"]


def test_match_is_yente_shaped(client: TestClient, served: Served) -> None:
    body = {
        "queries": {
            "a": NORDLICHT,
            "b": {"schema": "Person", "properties": {"name": ["Ivan Sergeevich Petrov"]}},
            "c": {"schema": "Company", "properties": {"name": ["Completely Unrelated Bakery"]}},
        }
    }
    response = client.post(
        "/api/v1/match/all?threshold=0.8&limit=3", json=body, headers=auth(served, "analyst")
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data["responses"]) == {"a", "b", "c"} and data["limit"] == 3
    a = data["responses"]["a"]
    assert a["status"] == 200 and a["total"] == {"value": len(a["results"]), "relation": "eq"}
    top = a["results"][0]
    assert top["caption"] == "NORDLICHT OPTIKA LIMITED LIABILITY COMPANY" and top["match"] is True
    assert {"id", "schema", "properties", "datasets", "score", "features"} <= set(top)
    assert top["properties"]["taxNumber"] == ["7716526012"]
    assert top["features"]["name"] > 0 and "nordlicht=nordlicht" in top["explanation"]
    assert data["responses"]["b"]["results"][0]["caption"].startswith("PETROV")
    assert data["responses"]["c"]["results"] == []
    # a tax id the entry has wins outright even with a different spelling
    by_id = {"schema": "Company", "properties": {"name": ["NO-OPTIKA OOO"], "taxNumber": ["7716526012"]}}
    hit = client.post(
        "/api/v1/match/ofac_sdn", json={"queries": {"x": by_id}}, headers=auth(served, "analyst")
    )
    assert hit.json()["responses"]["x"]["results"][0]["id"] == top["id"]
    # a yente birthDate is a qualifier: the entry's DOB (12 Mar 1971) raises, another year lowers
    petrov = data["responses"]["b"]["results"][0]
    scores = {}
    for born in ("1971-03-12", "1950"):
        query = {"schema": "Person", "properties": {"name": ["Ivan Sergeevich Petrov"], "birthDate": [born]}}
        answer = client.post(
            "/api/v1/match/all?cutoff=0", json={"queries": {"q": query}}, headers=auth(served, "analyst")
        ).json()["responses"]["q"]["results"]
        (same,) = [r for r in answer if r["id"] == petrov["id"]]
        scores[born] = same["score"]
    assert scores["1971-03-12"] > petrov["score"] > scores["1950"]


def test_match_bad_input_is_422_with_a_reason(client: TestClient, served: Served) -> None:
    headers = auth(served, "analyst")
    too_many = {"queries": {f"q{i}": NORDLICHT for i in range(101)}}
    cases = [
        ("/api/v1/match/all", too_many, "at most 100"),
        (
            "/api/v1/match/all",
            {"queries": {"q": {"schema": "Company", "properties": {}}}},
            "query 'q' has no name",
        ),
        (
            "/api/v1/match/all",
            {"queries": {"q": {"schema": "Spaceship", "properties": {"name": ["x"]}}}},
            "unknown schema",
        ),
        ("/api/v1/match/all", {"nothing": 1}, "queries: Field required"),
        ("/api/v1/match/all?threshold=2", {"queries": {"q": NORDLICHT}}, "threshold"),
        ("/api/v1/match/no_such_list", {"queries": {"q": NORDLICHT}}, "no list 'no_such_list'"),
    ]
    for path, body, reason in cases:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert reason in response.json()["detail"], response.json()


def test_findings_filter_sort_paginate(client: TestClient, served: Served) -> None:
    headers = auth(served, "viewer")
    everything = client.get("/api/v1/findings?limit=500", headers=headers).json()
    assert everything["total"] == len(everything["results"]) > 10
    kinds = {r["kind"] for r in everything["results"]}
    kind = sorted(kinds)[0]
    only = client.get(f"/api/v1/findings?kind={kind}&limit=500", headers=headers).json()
    assert only["total"] == sum(r["kind"] == kind for r in everything["results"]) and only["total"] > 0
    high = client.get("/api/v1/findings?severity=high&limit=500", headers=headers).json()["results"]
    assert high and all(r["severity"] in ("high", "critical") for r in high)
    by_subject = client.get("/api/v1/findings?sort=subject&order=asc&limit=500", headers=headers).json()[
        "results"
    ]
    assert [r["subject"] for r in by_subject] == sorted(r["subject"] for r in by_subject)
    first, second = (
        client.get(f"/api/v1/findings?sort=score&offset={o}&limit=5", headers=headers).json() for o in (0, 5)
    )
    assert {r["finding_id"] for r in first["results"]}.isdisjoint(r["finding_id"] for r in second["results"])
    assert [r["score"] for r in first["results"] + second["results"]] == sorted(
        (r["score"] for r in first["results"] + second["results"]), reverse=True
    )
    russia = client.get("/api/v1/findings?country=Russia&limit=500", headers=headers).json()
    assert 0 < russia["total"] < everything["total"]
    hs = client.get("/api/v1/findings?hs=8542&limit=500", headers=headers).json()["results"]
    assert any(r["subject"] == SCRIPT_NAME for r in hs)
    period = client.get("/api/v1/findings?period_from=2023-01-01&limit=500", headers=headers).json()[
        "results"
    ]
    assert period and all((r["period_end"] or r["period_start"] or "9") >= "2023-01-01" for r in period)


def test_findings_bad_filters_are_422(client: TestClient, served: Served) -> None:
    headers = auth(served, "viewer")
    for query, reason in [
        ("severity=extreme", "unknown severity"),
        ("country=Atlantis", "unknown country"),
        ("hs=85x", "must be digits"),
        ("sort=colour", "unknown sort"),
        ("period_from=2023-13-01", "period_from"),
        ("limit=0", "limit"),
    ]:
        response = client.get(f"/api/v1/findings?{query}", headers=headers)
        assert response.status_code == 422, query
        assert reason in response.json()["detail"], (query, response.json())


def test_finding_detail_has_its_evidence_rows(client: TestClient, served: Served) -> None:
    headers = auth(served, "viewer")
    results = client.get("/api/v1/findings?limit=500", headers=headers).json()["results"]
    for summary in results:
        detail = client.get(f"/api/v1/findings/{summary['finding_id']}", headers=headers).json()
        if detail["evidence"]["rows"]:
            break
    else:
        pytest.fail("no demo finding names evidence rows")
    rows = detail["evidence_rows"]
    assert rows and all(r["missing"] is None for r in rows)
    first = rows[0]
    assert first["file"].endswith(".csv") and first["line"] == detail["evidence"]["rows"][0]["source_line"]
    assert first["row"]["source_line"] == first["line"]
    assert detail["headline"] == summary["headline"] and "explanation" in detail
    assert client.get("/api/v1/findings/no-such-finding", headers=headers).status_code == 422


def test_sources_lists_and_screen(client: TestClient, served: Served) -> None:
    sources = client.get("/api/v1/sources", headers=auth(served, "viewer")).json()
    assert sources and all(s["rows_read"] == s["rows_loaded"] + s["rows_quarantined"] for s in sources)
    lists = client.get("/api/v1/lists", headers=auth(served, "viewer")).json()
    assert [row["list"] for row in lists] == ["ofac_sdn"] and lists[0]["targets"] == 3
    screened = client.get("/api/v1/screen?name=Petrov Ivan", headers=auth(served, "analyst")).json()
    assert (
        screened["results"][0]["entity_id"] == "ofac-90008"
        and screened["results"][0]["dismissed_case"] is None
    )
    assert client.get("/api/v1/screen?name=", headers=auth(served, "analyst")).status_code == 422


def test_coverage_is_served_per_file_reporter_and_year(client: TestClient, served: Served) -> None:
    assert client.get("/api/v1/coverage").status_code == 401
    rows = client.get("/api/v1/coverage", headers=auth(served, "viewer")).json()
    trade_files = {s["filename"] for s in client.get("/api/v1/sources", headers=auth(served, "viewer")).json()
                   if s["table"] == "trade_flows"}  # fmt: skip
    assert rows and {r["filename"] for r in rows} == trade_files
    assert all(r["status"] in ("complete", "partial", "absent") for r in rows)
    assert all(r["level"] == "*" and r["partner"] == "*" for r in rows)
    wide = client.get("/api/v1/coverage?everything=true", headers=auth(served, "viewer")).json()
    assert len(wide) > len(rows) and {r["level"] for r in wide} > {"*"}


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/match/{dataset}" in spec["paths"] and "/api/v1/cases/{case_id}/approve" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_login_form_needs_its_own_token(client: TestClient) -> None:
    form = {"username": "analyst", "password": PASSWORD, "next": "/findings"}
    html = {"accept": "text/html"}
    client.cookies.clear()
    try:
        no_form = client.post("/login", data=form, headers=html)  # as from another site: no token cookie
        assert no_form.status_code == 403 and "CSRF" in no_form.text
        page = client.get("/login", headers=html)
        token = page.cookies["dt_login"]
        assert f'name="csrf" value="{token}"' in page.text
        for forged in ("", "forged", "é"):  # non-ASCII is refused too, not a server error
            assert client.post("/login", data={**form, "csrf": forged}, headers=html).status_code == 403
        done = client.post("/login", data={**form, "csrf": token}, headers=html, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/findings"
        assert "dt_session" in done.cookies
        # the session's own token guards its forms the same way
        assert client.post("/logout", data={"csrf": "é"}, headers=html).status_code == 403
        assert client.get("/findings", headers=html).status_code == 200
    finally:
        client.cookies.clear()


def test_claims_are_served_as_stored(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    with dualtrace.open(db) as dt:
        dt.ingest_trade([shared_file("trade/eurostat/totals/kyrgyz_export_eurostat.csv")])
        dt.check_claims(["EU exports to Kyrgyzstan surged between 2021 and 2023"])
        dt.users_add("viewer", PASSWORD, "viewer")
        key = dt.keys_create("viewer", username="viewer")
    with TestClient(create_app(db)) as c:
        assert c.get("/api/v1/claims").status_code == 401
        (claim,) = c.get("/api/v1/claims", headers={"Authorization": f"Bearer {key}"}).json()
    assert claim["text"] == "EU exports to Kyrgyzstan surged between 2021 and 2023"
    assert claim["verdict"] == "supported" and claim["sql"]
