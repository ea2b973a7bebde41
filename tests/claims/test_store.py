"""Stored claim checks: one row per structured claim (re-checking replaces it), shown in the report."""

from __future__ import annotations

import json
from pathlib import Path

from dualtrace.api import Dualtrace

SEED = "EU exports to Kyrgyzstan surged between 2021 and 2023"


def test_checks_are_stored_once_and_reported(claims_db: Dualtrace, tmp_path: Path) -> None:
    claims_db.check_claims([SEED, "EU exports to Ukraine doubled in 2022"])
    before = claims_db.claims_stored()
    claims_db.check_claims([SEED])
    after = claims_db.claims_stored()
    assert len(after) == len(before)
    [seed] = [c for c in after if c["text"] == SEED]
    assert seed["verdict"] == "supported" and seed["sql"] and seed["evidence"] and seed["figures"]["base"] > 0
    claims_db.report(tmp_path / "r.json")
    claims_db.report(tmp_path / "r.html")
    claims_db.report(tmp_path / "r.xlsx")
    reported = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["claims"]
    assert {c["text"] for c in reported} >= {SEED, "EU exports to Ukraine doubled in 2022"}
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Claims checked" in page and "partner not covered" in page and "SELECT sum(value)" in page


def test_no_save_leaves_the_warehouse_alone(claims_db: Dualtrace) -> None:
    text = "EU exports to Armenia doubled in 2022"
    claims_db.check_claims([text], save=False)
    assert text not in {c["text"] for c in claims_db.claims_stored()}
