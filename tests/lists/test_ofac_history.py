"""SDN listing dates from the list history file loaded with sdn.csv (issue 14: they were blank)."""

from __future__ import annotations

import csv
from pathlib import Path

import dualtrace
from tests.conftest import shared_file


def test_listing_dates_from_the_history(tmp_path: Path) -> None:
    sdn = shared_file("sanctions/ofac/sdn_2024-05-03.csv")
    history = shared_file("sanctions/ofac/sdn_first_last_seen_2021-08_2024-05.csv")
    with history.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    start = min(r["first_seen_in_scrape"] for r in rows)
    added = next(
        r for r in rows if r["first_seen_in_scrape"] > start and r["last_seen_in_scrape"] >= "2024-05-03"
    )
    old = next(
        r for r in rows if r["first_seen_in_scrape"] == start and r["last_seen_in_scrape"] >= "2024-05-03"
    )
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        report = dt.lists_load([sdn, history])[0]
        assert any("listing dates for" in note for note in report.notes), report.notes
        dates = {
            r["entity_id"]: r["listing_date"]
            for r in dt._records(
                "SELECT entity_id, listing_date FROM entities WHERE list = 'ofac_sdn' AND target"
            )
        }
    assert str(dates[f"ofac-{added['ent_num']}"]) == added["first_seen_in_scrape"]
    assert dates[f"ofac-{old['ent_num']}"] is None  # listed before the history starts: unknown
