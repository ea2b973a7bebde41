"""kill -9 during every kind of write (lists load and update, ownership, network build, analyze,
screen --parties, party merge and split; trade and shipments are in test_kill_real_load.py and
test_crash.py): each kill leaves every table of the warehouse with the row counts it had before,
and the next run succeeds and holds what a clean run holds."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

import dualtrace
from dualtrace.demo.scenario import generate
from dualtrace.session import Dualtrace
from tests.conftest import shared_file
from tests.ingest.kills import kill_during, spawn

EU_JOURNAL = "sanctions/eu/eu__journal_sanctions__32014R0269.csv"
EUROSTAT = "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"
OWNERS = 30_000  # fictional ownership rows: enough for a load of over a second here
SDN_OLD, SDN_NEW = "sanctions/ofac/sdn_2021-08-18.csv", "sanctions/ofac/sdn_2024-05-03.csv"
SDN_LINES = 2_000  # the first entries of each edition: an update of about a second here
STEP = """
import os, sys, datetime, dualtrace
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
    elif step == "update":  # args: the $DUALTRACE_LIST_SOURCES file; the files go next to the warehouse
        os.environ["DUALTRACE_LIST_SOURCES"] = args[0]
        failed = [d.reason for d in dt.lists_update(folder=db + "-lists") if d.status == "failed"]
        assert not failed, failed
    elif step == "screen":
        dt.screen_parties()
    elif step == "merge":
        dt.party_merge(args[0], args[1])
    elif step == "split":
        dt.party_split(args[0], names=[args[1]])
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


def copy_warehouse(db: Path, to: Path) -> None:
    """The warehouse file and the list files `lists update` keeps next to it."""
    shutil.copyfile(db, to)
    files = db.with_name(db.name + "-lists")
    if files.exists():
        shutil.copytree(files, to.with_name(to.name + "-lists"))


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


def prepare_update(tmp: Path, db: Path) -> Case:
    """An older SDN edition fetched by `lists update`; the publisher then serves a newer one."""
    old, new = shared_file(SDN_OLD), shared_file(SDN_NEW)
    published = tmp / "publisher" / "sdn.csv"
    published.parent.mkdir()
    sources = tmp / "sources.json"
    sources.write_text(json.dumps({"ofac_sdn": [published.as_uri()]}), encoding="utf-8")
    for edition in (old, new):
        with edition.open(encoding="utf-8") as lines, published.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(lines, SDN_LINES))
        if edition == old:
            with (
                mock.patch.dict(os.environ, {"DUALTRACE_LIST_SOURCES": str(sources)}),
                dualtrace.open(db) as dt,
            ):
                dt.lists_update(folder=db.with_name(db.name + "-lists"))
    return Case("update", [str(sources)])


def demo(tmp: Path, db: Path) -> Dualtrace:
    """The warehouse of the demo scenario (fictional declarations and lists), still open."""
    scenario = generate(tmp / "scenario", seed=2024)
    dt = dualtrace.open(db)
    for name in ("ru_imports", "cn_exports"):
        dt.ingest_shipments(
            [scenario.path(f"declarations/{name}.csv")],
            mapping=scenario.path(f"declarations/{name}.yaml"),
        )
    dt.lists_load([p for p in scenario.paths("lists/") if p.name != "ownership.csv"])
    dt.network_load_ownership([scenario.path("lists/ownership.csv")])
    return dt


def prepare_screen(tmp: Path, db: Path) -> Case:
    demo(tmp, db).close()
    return Case("screen", [])


def prepare_build(tmp: Path, db: Path) -> Case:
    with demo(tmp, db) as dt:
        dt.screen_parties()
    return Case("build", [])


_BUILT: list[Path] = []  # the built demo warehouse, made by the first case that needs it


def built(tmp: Path, db: Path) -> Dualtrace:
    """The demo warehouse screened and built (made once for the merge and split cases, copied)."""
    if not _BUILT or not _BUILT[0].exists():
        with demo(tmp, tmp / "built.duckdb") as dt:
            dt.screen_parties()
            dt.network_build(as_of=datetime.date(2024, 6, 1))
        _BUILT[:] = [tmp / "built.duckdb"]
    shutil.copyfile(_BUILT[0], db)
    return dualtrace.open(db)


def prepare_merge(tmp: Path, db: Path) -> Case:
    with built(tmp, db) as dt:  # the two parties with the most shipment lines
        top = dt.sql("SELECT party_id FROM parties ORDER BY lines DESC, party_id LIMIT 2")
    return Case("merge", [str(r["party_id"]) for r in top])


def prepare_split(tmp: Path, db: Path) -> Case:
    with built(tmp, db) as dt:  # the party written in the most ways: one spelling split off
        row = dt.sql(
            "SELECT party_id, min(name) AS name FROM party_records GROUP BY party_id"
            " HAVING count(DISTINCT name) >= 2 ORDER BY count(DISTINCT name) DESC, party_id LIMIT 1"
        )[0]
    return Case("split", [str(row["party_id"]), str(row["name"])])


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
    "update": prepare_update,
    "screen": prepare_screen,
    "merge": prepare_merge,
    "split": prepare_split,
}


@pytest.mark.parametrize("step", list(PREPARE))
def test_kill_9_during_a_load_leaves_the_warehouse_as_it_was(step: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    case = PREPARE[step](tmp_path, db)
    before = state(db)
    reference_db = tmp_path / "ref.duckdb"
    copy_warehouse(db, reference_db)

    # a clean run on a copy: how long the step takes from "open" to "committed" (not the
    # interpreter's exit after it), and what it leaves
    reference = run_step(reference_db, case)
    assert reference.stdout is not None and reference.stdout.readline().strip() == "open"
    started = time.perf_counter()
    said = reference.stdout.readline().strip()
    full = time.perf_counter() - started
    finish(reference)
    assert said == "committed"
    clean = state(reference_db)
    assert clean != before, f"the {step} step changed nothing, so a kill could prove nothing"

    landed, committed = kill_during(lambda: run_step(db, case), full, lambda: state(db), before)
    # a step that had committed before the kill is all there, never a part
    assert committed is None or committed == clean, f"{step}: partial state after a kill ({full:.1f} s step)"
    assert landed >= 1, f"every kill came after the commit (the {step} step takes {full:.1f} s here)"

    if state(db) == before:
        finish(run_step(db, case))
    assert state(db) == clean
