"""kill -9 during every kind of load (lists, ownership, network build, analyze; trade and shipments
are in test_kill_real_load.py and test_crash.py): each kill leaves every table of the warehouse
with the row counts it had before, and the next run succeeds and holds what a clean run holds."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import dualtrace
from dualtrace.demo.scenario import generate
from tests.conftest import shared_file
from tests.ingest.kills import kill_during, spawn

EU_JOURNAL = "sanctions/eu/eu__journal_sanctions__32014R0269.csv"
EUROSTAT = "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"
OWNERS = 30_000  # fictional ownership rows: enough for a load of over a second here
STEP = """
import sys, datetime, dualtrace
step, db, args = sys.argv[1], sys.argv[2], sys.argv[3:]
with dualtrace.open(db) as dt:
    print("open", flush=True)
    if step == "lists":
        dt.lists_load(args, version_date=datetime.date(2026, 7, 17))
    elif step == "ownership":
        dt.network_load_ownership(args)
    elif step == "build":
        dt.network_build(as_of=datetime.date(2024, 6, 1))
    elif step == "analyze":
        dt.analyze()
print("committed", flush=True)
"""


@dataclass
class Case:
    step: str
    args: list[str]  # file arguments of the step


def run_step(db: Path, case: Case) -> subprocess.Popen[str]:
    return spawn(STEP, case.step, str(db), *case.args)


def state(db: Path) -> dict[str, int]:
    """Row count of every table of the warehouse (a part of any load shows in one of them)."""
    with dualtrace.open(db, read_only=True) as dt:
        tables = [
            r["table_name"]
            for r in dt.sql(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        return {t: int(dt.sql(f'SELECT COUNT(*) AS n FROM "{t}"')[0]["n"]) for t in tables}


def finish(process: subprocess.Popen[str]) -> None:
    code = process.wait(timeout=600)
    assert code == 0, process.stderr.read() if process.stderr else ""


def prepare_lists(tmp: Path, db: Path) -> Case:
    data = shared_file(EU_JOURNAL)
    with dualtrace.open(db) as dt:  # a list already there, which the kill must not disturb
        dt.lists_load([shared_file("sanctions/opensanctions/us__dod_chinese_milcorps__sanctions.csv")])
    return Case("lists", [str(data)])


def prepare_ownership(tmp: Path, db: Path) -> Case:
    small = tmp / "small_owners.csv"
    header = "parent_name,parent_id,child_name,child_id,share,start_date,end_date,source\n"
    small.write_text(header + "Alpha Holding,,Beta Trading LLC,,60,2020-01-01,,registry\n", encoding="utf-8")
    big = tmp / "owners.csv"
    with big.open("w", encoding="utf-8") as out:  # fictional companies, each owned by one holding
        out.write(header)
        for i in range(OWNERS):
            out.write(f"Holding {i % 997} AO,,Company {i} OOO,,{25 + i % 70},2019-01-01,,registry\n")
    with dualtrace.open(db) as dt:
        dt.network_load_ownership([small])
    return Case("ownership", [str(big)])


def prepare_build(tmp: Path, db: Path) -> Case:
    scenario = generate(tmp / "scenario", seed=2024)  # fictional declarations and lists
    with dualtrace.open(db) as dt:
        for name in ("ru_imports", "cn_exports"):
            dt.ingest_shipments(
                [scenario.path(f"declarations/{name}.csv")],
                mapping=scenario.path(f"declarations/{name}.yaml"),
            )
        lists = [p for p in scenario.paths("lists/") if p.name != "ownership.csv"]
        dt.lists_load(lists)
        dt.screen_parties()
        dt.network_load_ownership([scenario.path("lists/ownership.csv")])
    return Case("build", [])


def prepare_analyze(tmp: Path, db: Path) -> Case:
    data = shared_file(EUROSTAT)
    with dualtrace.open(db) as dt:
        dt.ingest_trade([data])
    return Case("analyze", [])


PREPARE: dict[str, Callable[[Path, Path], Case]] = {
    "lists": prepare_lists,
    "ownership": prepare_ownership,
    "build": prepare_build,
    "analyze": prepare_analyze,
}


@pytest.mark.parametrize("step", list(PREPARE))
def test_kill_9_during_a_load_leaves_the_warehouse_as_it_was(step: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    case = PREPARE[step](tmp_path, db)
    before = state(db)
    reference_db = tmp_path / "ref.duckdb"
    shutil.copyfile(db, reference_db)

    # a clean run on a copy: how long the step takes from "open", and what it leaves
    reference = run_step(reference_db, case)
    assert reference.stdout is not None and reference.stdout.readline().strip() == "open"
    started = time.perf_counter()
    finish(reference)
    full = time.perf_counter() - started
    clean = state(reference_db)
    assert clean != before, f"the {step} step changed nothing, so a kill could prove nothing"

    landed, committed = kill_during(lambda: run_step(db, case), full, lambda: state(db), before)
    # a step that had committed before the kill is all there, never a part
    assert committed is None or committed == clean, f"{step}: partial state after a kill ({full:.1f} s step)"
    assert landed >= 1, f"every kill came after the commit (the {step} step takes {full:.1f} s here)"

    if state(db) == before:
        finish(run_step(db, case))
    assert state(db) == clean
