"""A served warehouse: the demo scenario's findings (real engine output on fictional data), a
small fictional sanctions list (one entry named with a <script> tag), and one user per role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import dualtrace
from dualtrace.findings import Evidence, Finding, record_run
from dualtrace.serve import create_app
from tests.analytics.conftest import Demo, demo  # noqa: F401  (the session fixture)

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "reviewer", "admin")
SCRIPT_NAME = "<script>alert(1)</script> KRASNY TRADING LLC"


@dataclass
class Served:
    db: Path
    keys: dict[str, str]  # user name -> API key; users: viewer, analyst, reviewer, reviewer2, admin


def build(demo_db: Path, folder: Path) -> Served:
    db = folder / "served.duckdb"
    shutil.copy(demo_db, db)
    keys: dict[str, str] = {}
    with dualtrace.open(db) as dt:
        dt.lists_load([FIXTURES / "sdn.csv"])
        record_run(
            dt.con,
            "test",
            [
                Finding(
                    "sanctioned_counterparty", "party", SCRIPT_NAME, f"{SCRIPT_NAME} ships to Russia", 0.95,
                    metrics={"country": "RU", "code": "854231"},
                    evidence=Evidence(notes=["a name with markup, shown escaped"]),
                )
            ],
        )  # fmt: skip
        for user in (*ROLES, "reviewer2"):
            role = "reviewer" if user == "reviewer2" else user
            dt.users_add(user, PASSWORD, role)
            keys[user] = dt.keys_create(role, username=user)
    return Served(db, keys)


@pytest.fixture(scope="module")
def served(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Served:  # noqa: F811
    return build(demo.db, tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(served.db)) as c:
        yield c


def auth(served: Served, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.keys[user]}"}
