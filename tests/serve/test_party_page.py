"""The party page on a warehouse with the network built (the demo scenario's declarations,
lists and ownership): ownership chains drawn as SVG, owners, list entries and partners, and
the 401 without credentials."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import dualtrace
from dualtrace.serve import create_app
from tests.network.conftest import demo_db, demo_scenario  # noqa: F401  (session fixtures)


@pytest.fixture(scope="module")
def party_client(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:  # noqa: F811
    db = tmp_path_factory.mktemp("party") / "w.duckdb"
    shutil.copy(demo_db, db)
    with dualtrace.open(db) as dt:
        dt.users_add("viewer", "correct horse battery", "viewer")
        key = dt.keys_create("viewer", username="viewer")
    with TestClient(create_app(db)) as client:
        yield client, key


def test_a_party_page_draws_its_ownership_and_lists_its_entries(party_client: tuple[TestClient, str]) -> None:
    client, key = party_client
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/parties/Tianyuan Technologies Co., Ltd.").status_code in (401, 303)
    page = client.get("/parties/Tianyuan Technologies Co., Ltd.", headers=headers)
    assert page.status_code == 200
    html = page.text
    party = client.get("/api/v1/parties/Tianyuan Technologies Co., Ltd.", headers=headers).json()
    # every node of every ownership chain is a box of the graph, the shares on the arrows
    graph = html[html.index('<svg id="ownership-graph"') : html.index("</svg>")]
    chains = party["control"]["chains"]
    assert graph.count("<rect") == sum(len(c) for c in chains)
    assert "China Tianyuan Industrial Group Co., Ltd." in graph and "100%" in graph
    assert "sanctioned by ownership (50% rule)" in html
    for entry in party["lists"]:
        assert entry["entity_id"] in html
    assert html.count('<tr class="list-entry">') == len(party["lists"])
    for partner in party["partners"][:5]:
        assert f"/parties/{partner['partner_id']}" in html


def test_an_unknown_party_is_a_clear_error(party_client: tuple[TestClient, str]) -> None:
    client, key = party_client
    page = client.get("/parties/nobody-at-all", headers={"Authorization": f"Bearer {key}"})
    assert page.status_code == 422 and "nobody-at-all" in page.text
