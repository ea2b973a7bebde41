"""Cases over the API: open from a finding or a hit, assign, comment, four eyes, a dismissed pair
that stays quiet until its list entry changes, export with evidence; the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import dualtrace
from dualtrace.serve import create_app
from tests.analytics.conftest import Demo
from tests.serve.conftest import Served, auth, build


@pytest.fixture(scope="module")
def fresh(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Served:
    return build(demo.db, tmp_path_factory.mktemp("cases"))


@pytest.fixture(scope="module")
def api(fresh: Served) -> Any:
    with TestClient(create_app(fresh.db)) as c:
        yield c


def _hit(api: TestClient, served: Served, name: str) -> dict[str, Any]:
    hits = api.get(f"/api/v1/screen?name={name}", headers=auth(served, "analyst")).json()["results"]
    return {k: hits[0][k] for k in ("query", "list", "entity_id", "caption", "score", "explanation")}


def test_four_eyes_closes_only_on_a_second_reviewer(api: TestClient, fresh: Served) -> None:
    fid = api.get("/api/v1/findings?limit=1", headers=auth(fresh, "viewer")).json()["results"][0][
        "finding_id"
    ]
    opened = api.post("/api/v1/cases", json={"finding_id": fid}, headers=auth(fresh, "analyst"))
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    assert (
        api.post("/api/v1/cases", json={"finding_id": fid}, headers=auth(fresh, "viewer")).status_code == 403
    )
    assert api.post(f"/api/v1/cases/{case_id}/assign", json={"assignee": "reviewer"},
                    headers=auth(fresh, "analyst")).json()["status"] == "investigating"  # fmt: skip
    assert api.post(f"/api/v1/cases/{case_id}/comments", json={"body": "checked the declarations"},
                    headers=auth(fresh, "analyst")).status_code == 201  # fmt: skip
    decide = f"/api/v1/cases/{case_id}/decision"
    assert api.post(decide, json={"outcome": "confirmed"}, headers=auth(fresh, "analyst")).status_code == 403
    assert api.post(decide, json={"outcome": "maybe"}, headers=auth(fresh, "reviewer")).status_code == 422
    proposed = api.post(decide, json={"outcome": "confirmed"}, headers=auth(fresh, "reviewer")).json()
    assert proposed["status"] == "investigating" and proposed["proposed"] == "confirmed"
    own = api.post(f"/api/v1/cases/{case_id}/approve", headers=auth(fresh, "reviewer"))
    assert own.status_code == 403 and "second reviewer" in own.json()["detail"]
    assert (
        api.get(f"/api/v1/cases/{case_id}", headers=auth(fresh, "viewer")).json()["status"] == "investigating"
    )
    closed = api.post(f"/api/v1/cases/{case_id}/approve", headers=auth(fresh, "reviewer2")).json()
    assert closed["status"] == "closed" and closed["outcome"] == "confirmed"
    again = api.post(f"/api/v1/cases/{case_id}/approve", headers=auth(fresh, "reviewer2"))
    assert again.status_code == 409
    export = api.get(f"/api/v1/cases/{case_id}/export", headers=auth(fresh, "viewer"))
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["evidence"]["finding_id"] == fid and data["evidence"]["evidence"] is not None
    assert data["comments"][0]["body"] == "checked the declarations"
    assert [h["action"] for h in data["history"]] == [
        "case.open", "case.assign", "case.comment", "case.propose", "case.close"
    ]  # fmt: skip
    assert data["decided_by"] == "reviewer" and data["approved_by"] == "reviewer2"


def test_rejected_proposal_keeps_the_case_open(api: TestClient, fresh: Served) -> None:
    case_id = api.post("/api/v1/cases", json={"hit": _hit(api, fresh, "Petrov Ivan")},
                       headers=auth(fresh, "analyst")).json()["case_id"]  # fmt: skip
    api.post(
        f"/api/v1/cases/{case_id}/decision", json={"outcome": "not_relevant"}, headers=auth(fresh, "reviewer")
    )
    rejected = api.post(f"/api/v1/cases/{case_id}/reject", headers=auth(fresh, "reviewer2")).json()
    assert rejected["status"] == "investigating" and rejected["proposed"] is None


def test_dismissed_pair_stays_quiet_until_the_entry_changes(
    api: TestClient, fresh: Served, tmp_path: Path
) -> None:
    hit = _hit(api, fresh, "Nordlicht Optika")
    first = api.post("/api/v1/cases", json={"hit": hit}, headers=auth(fresh, "analyst")).json()
    assert first["opened"] is True
    same = api.post("/api/v1/cases", json={"hit": hit}, headers=auth(fresh, "analyst")).json()
    assert same == {"case_id": first["case_id"], "opened": False, "reason": "a case for this pair is open"}
    case_id = first["case_id"]
    api.post(
        f"/api/v1/cases/{case_id}/decision",
        json={"outcome": "false_positive"},
        headers=auth(fresh, "reviewer"),
    )
    api.post(f"/api/v1/cases/{case_id}/approve", headers=auth(fresh, "admin"))
    screened = api.get("/api/v1/screen?name=Nordlicht Optika", headers=auth(fresh, "analyst")).json()
    assert screened["results"][0]["dismissed_case"] == case_id
    again = api.post("/api/v1/cases", json={"hit": hit}, headers=auth(fresh, "analyst")).json()
    assert again["opened"] is False and again["case_id"] == case_id
    other_party = {**hit, "query": "Nordlicht Optika Holding"}
    assert api.post("/api/v1/cases", json={"hit": other_party}, headers=auth(fresh, "analyst")).json()[
        "opened"
    ]
    # the list entry changes (a new version of the list with another tax id): the pair alerts again
    changed = tmp_path / "sdn.csv"
    text = (Path(__file__).parent / "fixtures" / "sdn.csv").read_text(encoding="utf-8")
    changed.write_text(text.replace("7716526012", "7716526099"), encoding="utf-8")
    api.app.state.service.call(lambda dt: dt.lists_load([changed]))  # type: ignore[attr-defined]
    assert (
        api.post("/api/v1/cases", json={"hit": hit}, headers=auth(fresh, "analyst")).json()["opened"] is True
    )


def test_audit_chain_records_screening_and_detects_tampering(api: TestClient, fresh: Served) -> None:
    api.get("/api/v1/screen?name=Audit Probe Name", headers=auth(fresh, "analyst"))
    log = api.get("/api/v1/audit?limit=1000", headers=auth(fresh, "admin")).json()
    assert log["chain"]["ok"] is True and log["chain"]["entries"] == len(log["entries"])
    probe = next(e for e in log["entries"] if e["target"] == "Audit Probe Name")
    assert probe["action"] == "screen.name" and probe["actor"] == "analyst"
    assert {"user.add", "key.create", "case.open", "case.close", "screen.match"} & {
        e["action"] for e in log["entries"]
    }
    svc = api.app.state.service  # type: ignore[attr-defined]
    svc.call(lambda dt: dt.con.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
    assert api.get("/api/v1/audit", headers=auth(fresh, "admin")).json()["chain"] == {
        "ok": False, "entries": log["chain"]["entries"], "broken_at": 3
    }  # fmt: skip
    with dualtrace.open(
        fresh.db.parent / "other.duckdb"
    ) as dt:  # a fresh warehouse's chain is empty and whole
        assert dt.audit_verify()["ok"] is True
