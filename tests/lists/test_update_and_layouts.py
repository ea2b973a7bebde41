"""`lists update` against a local HTTP server (conditional requests, checksums, previous version
kept, offline in one line); the layouts without a public sample (OFAC XML, EU FSF, UK) on small
fictional fixtures; the CLI's one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.lists.load import detect
from dualtrace.lists.update import OfflineError
from tests.lists.publisher import FIXTURES, FolderHandler, publishing


class _Handler(FolderHandler):
    """Serves a folder with ETag and Last-Modified, answering 304 to conditional requests."""

    hits: list[tuple[str, int]]

    def do_GET(self) -> None:
        path = self.file()
        # Each hit is recorded before answering: the client may go on as soon as it has the body.
        if not path.is_file():
            self.hits.append((self.path, 404))
            self.answer(404)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.hits.append((self.path, 304))
            self.answer(304)
            return
        self.hits.append((self.path, 200))
        self.answer(200, body, {"ETag": etag, "Last-Modified": modified})


def _sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, urls: dict[str, list[str]]) -> None:
    """Point `lists update` at these URLs instead of the publishers'."""
    config = tmp_path / "sources.json"
    config.write_text(json.dumps(urls))
    monkeypatch.setenv("DUALTRACE_LIST_SOURCES", str(config))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, list[tuple[str, int]]]]:
    root = tmp_path / "publisher"
    hits: list[tuple[str, int]] = []
    with publishing(_Handler, root, ("sdn.csv", "alt.csv", "add.csv"), hits=hits) as base:
        yield base, root, hits


def test_update_downloads_conditionally(
    server: tuple[str, Path, list[tuple[str, int]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, root, hits = server
    _sources(tmp_path, monkeypatch, {"ofac_sdn": [f"{base}/{n}" for n in ("sdn.csv", "alt.csv", "add.csv")]})
    folder = tmp_path / "lists"
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        first = dt.lists_update(folder=folder)
        assert [d.status for d in first] == ["new", "new", "new"]
        assert first[0].loaded and first[0].loaded[0]["added"] == 2
        assert first[0].sha256 == hashlib.sha256((root / "sdn.csv").read_bytes()).hexdigest()
        # nothing changed: the server answers 304 and nothing is loaded again
        second = dt.lists_update(folder=folder)
        assert [d.status for d in second] == ["not-modified"] * 3
        assert [code for _, code in hits[-3:]] == [304, 304, 304]
        # a new sdn.csv: downloaded, the previous one kept beside it, a new version loaded
        (root / "sdn.csv").write_bytes(
            (FIXTURES / "sdn.csv").read_bytes().replace(b"\x1a", b"")
            + (
                b'90015,"SVETLOVOD TRADING LLC",-0- ,"RUSSIA-EO14024",'
                b"-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
            )
        )
        # The test server's Last-Modified has one-second resolution: make the change visible.
        later = time.time() + 5
        os.utime(root / "sdn.csv", (later, later))
        third = dt.lists_update(folder=folder)
        assert [d.status for d in third] == ["updated", "not-modified", "not-modified"]
        assert (folder / "ofac_sdn" / "sdn.csv.previous").exists()
        assert third[0].loaded[0]["added"] == 1
        downloads = dt.sql("SELECT status FROM list_downloads")
        assert sorted(d["status"] for d in downloads) == ["new", "new", "new", "updated"]


def test_update_offline_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # port 9 (discard): the connection is refused
    _sources(tmp_path, monkeypatch, {"un_sc": ["http://127.0.0.1:9/consolidated.xml"]})
    with (
        dualtrace.open(tmp_path / "w.duckdb") as dt,
        pytest.raises(OfflineError, match=r"^offline: cannot reach"),
    ):
        dt.lists_update(folder=tmp_path / "lists")
    result = CliRunner().invoke(build_app(), ["lists", "update", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert "offline" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def test_ofac_xml_equals_csv(tmp_path: Path) -> None:
    assert detect(FIXTURES / "sdn.xml") == "ofac-xml"
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_load([FIXTURES / "sdn.xml"], list_name="xml")
        dt.lists_load([FIXTURES / f for f in ("sdn.csv", "alt.csv", "add.csv")], list_name="csv")
        rows = dt.sql("SELECT list, entity_id, schema FROM entities WHERE target ORDER BY entity_id, list")
        assert [(r["entity_id"], r["schema"]) for r in rows if r["list"] == "xml"] == [
            (r["entity_id"], r["schema"]) for r in rows if r["list"] == "csv"
        ]
        ids = dt.sql("SELECT list, scheme, value FROM entity_ids ORDER BY list")
        assert {(r["scheme"], r["value"]) for r in ids if r["list"] == "xml"} == {("inn", "7716526012")}
        link = dt.sql("SELECT prop FROM entity_links WHERE list = 'csv' AND prop = 'object'")
        assert link, "OFAC 'Linked To:' becomes an UnknownLink"


@pytest.mark.parametrize("name", ["eu_fsf.xml", "eu_fsf.csv", "uk_conlist.csv"])
def test_eu_fsf_and_uk_layouts(tmp_path: Path, name: str) -> None:
    layout = {"eu_fsf.xml": "eu-fsf-xml", "eu_fsf.csv": "eu-fsf-csv", "uk_conlist.csv": "uk-csv"}[name]
    assert detect(FIXTURES / name) == layout
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        [report] = dt.lists_load([FIXTURES / name])
        assert report.targets == 2
        hits = dt.screen(["ООО Нордлихт Оптика"], country="RU")
        assert hits and hits[0]["score"] >= 0.9
        person = dt.sql("SELECT schema FROM entities WHERE target AND caption ILIKE '%petrov%'")
        assert person == [{"schema": "Person"}]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.duckdb")
    bad = tmp_path / "bad.csv"
    bad.write_text("just,some,columns\n1,2,3\n", encoding="utf-8")
    for args in (
        ["lists", "load", str(bad), "--db", db],
        ["lists", "load", str(tmp_path / "missing.csv"), "--db", db],
        ["lists", "load", str(FIXTURES / "sdn.csv"), "--layout", "nope", "--db", db],
        ["screen", "ACME", "--db", db],
        ["screen", "ACME", "--country", "Atlantis", "--db", db],
        ["screen", "review", "--db", db],
    ):
        result = runner.invoke(build_app(), args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and result.output.startswith("Error:"), result.output


def test_cli_load_status_screen_match(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.duckdb")
    load = runner.invoke(
        build_app(),
        ["lists", "load", *(str(FIXTURES / f) for f in ("sdn.csv", "alt.csv", "add.csv")), "--db", db],
    )
    assert load.exit_code == 0, load.output
    status = runner.invoke(build_app(), ["lists", "status", "--db", db, "--format", "json"])
    assert json.loads(status.output)[0]["targets"] == 2
    screen = runner.invoke(build_app(), ["screen", "Nordlicht Optika OOO", "--db", db, "--format", "json"])
    hits = json.loads(screen.output)
    assert hits[0]["entity_id"] == "ofac-90001" and hits[0]["explanation"]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,is_match\nООО Нордлихт Оптика,NORDLICHT OPTIKA LLC,1\nNordwind,NORDLICHT OPTIKA LLC,0\n",
        encoding="utf-8",
    )
    match = runner.invoke(build_app(), ["match", "--pairs", str(pairs), "--format", "json"])
    out = json.loads(match.output)
    assert [round(p["score"]) for p in out["pairs"]] == [1, 0]
    assert any(m["f1"] == 1.0 for m in out["metrics"])


def test_update_loads_a_file_a_killed_run_moved_in(
    server: tuple[str, Path, list[tuple[str, int]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed after moving the new file into place, before loading it: the next run loads
    it (it is new to the warehouse, whatever is on disk) and keeps the true previous file."""
    base, root, _ = server
    _sources(tmp_path, monkeypatch, {"ofac_sdn": [f"{base}/{n}" for n in ("sdn.csv", "alt.csv", "add.csv")]})
    folder = tmp_path / "lists"
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_update(folder=folder)
        old = (root / "sdn.csv").read_bytes()
        new = old.replace(b"\x1a", b"") + (
            b'90016,"NORDLICHT TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        )
        (root / "sdn.csv").write_bytes(new)
        kept = folder / "ofac_sdn" / "sdn.csv"
        kept.rename(kept.with_name("sdn.csv.previous"))  # what the killed run had done on disk
        kept.write_bytes(new)
        [sdn, *_] = dt.lists_update(folder=folder)
        assert sdn.status == "updated" and sdn.loaded and sdn.loaded[0]["added"] == 1
        previous = kept.with_name("sdn.csv.previous")
        assert previous.read_bytes() == old
        assert len(dt.lists_versions("ofac_sdn")) == 2
        # killed again after moving a third file in, and the publisher went back to the second:
        # the files are put back as they were before the killed run
        previous.rename(previous.with_name("sdn.csv.previous.keep"))
        kept.rename(previous)
        kept.write_bytes(new + b"-0- \r\n")
        [sdn, *_] = dt.lists_update(folder=folder)
        assert sdn.status == "not-modified" and len(dt.lists_versions("ofac_sdn")) == 2
        assert (kept.read_bytes(), previous.read_bytes()) == (new, old)
        assert not list(kept.parent.glob("*.keep"))
