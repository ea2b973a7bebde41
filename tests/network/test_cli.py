"""The faces: `dualtrace network ...` and `dualtrace party ...` on the built demo warehouse."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model
from typer.testing import CliRunner

from dualtrace.cli import build_app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def copy(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, path)
    return path


def test_exposure_json_and_csv(demo_db: Path) -> None:
    code, out, _ = run("network", "exposure", "--max-hops", "1", "--format", "json", "--db", str(demo_db))
    assert code == 0
    rows = json.loads(out)
    hops = [
        min(
            9 if r["ownership_hops"] is None else r["ownership_hops"],
            9 if r["trade_hops"] is None else r["trade_hops"],
        )
        for r in rows
    ]
    assert rows and max(hops) == 1 and min(hops) == 0
    cnc = [r for r in rows if r["name"].startswith("Changzhou Ruiyuan CNC")]
    assert cnc and cnc[0]["ownership_path"].endswith("China Tianyuan Industrial Group Co., Ltd. [listed]")
    code, out, _ = run("network", "exposure", "--format", "csv", "--db", str(demo_db))
    assert code == 0
    header = next(csv.reader(io.StringIO(out)))
    assert header[:5] == ["party_id", "name", "country", "listed", "sanctioned_by_ownership"]
    assert "signals" in header and "trade_path" in header


def test_party_show(demo_db: Path) -> None:
    code, out, _ = run(
        "party", "show", "POLARLINK SUPPLY CHAIN HK LTD", "--format", "json", "--db", str(demo_db)
    )
    assert code == 0
    data = json.loads(out)
    assert data["party"]["name"] == "Polarlink Supply Chain (HK) Limited"
    assert {a["name"] for a in data["aliases"]} >= {
        "POLARLINK SUPPLY CHAIN HK LTD",
        "极联供应链(香港)有限公司",
    }
    assert any(o["owner"] == "Artem Viktorovich Garin" and o["share"] == 100.0 for o in data["owners"])
    assert "re_exports" in data["exposure"]["signals"]
    assert data["partners"][0]["partner"] == "Limited Liability Company Nordvektor"
    code, out, _ = run("party", "show", "7150801115", "--db", str(demo_db))  # by INN, as a table
    assert code == 0 and "Vektramash" in out and "screening hits" in out and "top partners" in out
    code, _, err = run("party", "show", "NO SUCH COMPANY WHATSOEVER", "--db", str(demo_db))
    assert code == 1 and "no party matches" in err and "Traceback" not in err


def test_export_ftm_graphml_csv(demo_db: Path, tmp_path: Path) -> None:
    ftm = tmp_path / "n.ftm.json"
    code, _, _ = run("network", "export", "--format", "ftm", "--out", str(ftm), "--db", str(demo_db))
    assert code == 0
    entities = [json.loads(line) for line in ftm.read_text(encoding="utf-8").splitlines()]
    for data in entities:  # every entity reads back as valid FtM
        proxy = model.get_proxy(data)
        assert proxy.schema.name == data["schema"] and proxy.id
    by_schema: dict[str, int] = {}
    for e in entities:
        by_schema[e["schema"]] = by_schema.get(e["schema"], 0) + 1
    with __import__("dualtrace").open(demo_db, read_only=True) as dt:
        parties = dt.sql("SELECT count(*) AS n FROM parties")[0]["n"]
        lines = dt.sql("SELECT count(*) AS n FROM shipments")[0]["n"]
    assert by_schema["EconomicActivity"] == lines
    assert sum(by_schema.get(s, 0) for s in ("Company", "Person", "Organization")) == parties
    assert by_schema["Ownership"] >= 30
    graphml = tmp_path / "n.graphml"
    code, _, _ = run("network", "export", "--format", "graphml", "--out", str(graphml), "--db", str(demo_db))
    assert code == 0
    g = nx.read_graphml(graphml)
    assert g.number_of_nodes() == parties
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"ownership", "trade"}
    code, _, err = run("network", "export", "--format", "csv", "--db", str(demo_db))
    assert code == 1 and "give --out FOLDER" in err
    code, _, _ = run(
        "network", "export", "--format", "csv", "--out", str(tmp_path / "csv"), "--db", str(demo_db)
    )
    assert (
        code == 0 and (tmp_path / "csv" / "nodes.csv").exists() and (tmp_path / "csv" / "edges.csv").exists()
    )


def test_build_merge_split_and_errors(copy: Path, tmp_path: Path) -> None:
    code, out, _ = run("network", "build", "--as-of", "2024-01-01", "--format", "json", "--db", str(copy))
    assert code == 0
    report = json.loads(out)[0]
    assert report["as_of"] == "2024-01-01" and report["findings"]["sanctioned_network"] == 1
    code, _, err = run("network", "build", "--as-of", "yesterday", "--db", str(copy))
    assert code == 1 and "is not a date" in err
    code, out, _ = run(
        "party",
        "split",
        "POLARLINK SUPPLY CHAIN HK LTD",
        "--name",
        "POLAR LINK SUPPLY CHAIN (HONG KONG) LIMITED",
        "--note",
        "test",
        "--reviewer",
        "ana",
        "--format",
        "json",
        "--db",
        str(copy),
    )
    assert code == 0 and json.loads(out)[0]["action"] == "split"
    code, out, _ = run("party", "decisions", "--format", "json", "--db", str(copy))
    assert [d["reviewer"] for d in json.loads(out)] == ["ana"]
    code, _, err = run("party", "split", "POLARLINK SUPPLY CHAIN HK LTD", "--db", str(copy))
    assert code == 1 and "say which records" in err
    code, _, err = run("network", "load-ownership", str(tmp_path / "missing.csv"), "--db", str(copy))
    assert code == 1 and "file not found" in err and "Traceback" not in err
    bad = tmp_path / "bad.csv"
    bad.write_text("parent_name,child_name,share\nA,B,abc\n", encoding="utf-8")
    code, _, err = run("network", "load-ownership", str(bad), "--db", str(copy))
    assert code == 1 and "line 2: share 'abc' is not a number" in err
    code, out, _ = run("network", "layouts", "--format", "json")
    assert {r["layout"] for r in json.loads(out)} == {"gleif", "csv"}
