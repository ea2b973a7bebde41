"""`lists update` when some sources fail: one host down, one HTTP 500, one timeout and one file
that does not parse are each reported (list, url, reason), the other lists are loaded, the exit
code is 1 and each failed list keeps its previous files and version."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.session import Dualtrace
from tests.lists.publisher import FIXTURES, FolderHandler, publishing


class _Handler(FolderHandler):
    """Serves a folder; paths in ``broken`` answer 500, paths in ``slow`` answer late."""

    broken: set[str]
    slow: set[str]

    def do_GET(self) -> None:
        if self.path in self.slow:
            time.sleep(1.5)
        path = self.file()
        if self.path in self.broken or not path.is_file():
            self.answer(500 if self.path in self.broken else 404)
            return
        self.answer(200, path.read_bytes())


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[tuple[str, Path, set[str], set[str]]]:
    root = tmp_path / "publisher"
    broken: set[str] = set()
    slow: set[str] = set()
    fixtures = ("sdn.csv", "alt.csv", "add.csv", "eu_fsf.xml", "uk_conlist.csv")
    with publishing(_Handler, root, fixtures, broken=broken, slow=slow) as base:
        yield base, root, broken, slow


def _versions(dt: Dualtrace) -> dict[str, list[str]]:
    rows = dt.sql("SELECT list, sha256 FROM list_versions ORDER BY version_id")
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["list"], []).append(row["sha256"])
    return out


def test_failed_sources_are_reported_and_keep_their_version(
    publisher: tuple[str, Path, set[str], set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, root, broken, slow = publisher
    config = tmp_path / "sources.json"
    config.write_text(
        json.dumps(
            {
                "ofac_sdn": [f"{base}/sdn.csv", f"{base}/alt.csv", f"{base}/add.csv"],
                "eu_fsf": [f"{base}/eu_fsf.xml"],
                "uk_ofsi": [f"{base}/uk_conlist.csv"],
                "us_csl": [f"{base}/csl.csv"],
                "un_sc": ["http://127.0.0.1:9/consolidated.xml"],  # discard port: connection refused
            }
        )
    )
    monkeypatch.setenv("DUALTRACE_LIST_SOURCES", str(config))
    db = tmp_path / "w.duckdb"
    folder = tmp_path / "lists"
    args = ["lists", "update", "--db", str(db), "--folder", str(folder), "--timeout", "0.5"]
    slow.add("/csl.csv")  # answers after the 0.5 s timeout
    first = CliRunner().invoke(build_app(), args)
    assert first.exit_code == 1, first.output
    with dualtrace.open(db, read_only=True) as dt:
        before = _versions(dt)
    assert sorted(before) == ["eu_fsf", "ofac_sdn", "uk_ofsi"]
    lines = [line for line in first.output.splitlines() if line.startswith("failed: ")]
    assert sorted(lines) == sorted(
        [
            "failed: un_sc, http://127.0.0.1:9/consolidated.xml, cannot reach host ([Errno 111]"
            " Connection refused)",
            f"failed: us_csl, {base}/csl.csv, timed out",
        ]
    )
    assert "3 list(s) updated or current, 2 failed" in first.output

    # Second round: the EU file is now corrupt, the UK publisher answers 500, OFAC has a new entry.
    good_eu = (folder / "eu_fsf" / "eu_fsf.xml").read_bytes()
    (root / "eu_fsf.xml").write_bytes(good_eu[: len(good_eu) // 2])
    broken.add("/uk_conlist.csv")
    slow.clear()
    (root / "sdn.csv").write_bytes(
        (FIXTURES / "sdn.csv").read_bytes().replace(b"\x1a", b"")
        + b'90015,"SVETLOVOD TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    )
    second = CliRunner().invoke(build_app(), [*args, "-f", "json"])
    assert second.exit_code == 1
    failures = {
        line.split(", ")[0].removeprefix("failed: "): line
        for line in second.output.splitlines()
        if line.startswith("failed: ")
    }
    assert sorted(failures) == ["eu_fsf", "uk_ofsi", "un_sc", "us_csl"]
    assert failures["us_csl"] == f"failed: us_csl, {base}/csl.csv, HTTP 404 Not Found"  # never published
    assert failures["uk_ofsi"] == f"failed: uk_ofsi, {base}/uk_conlist.csv, HTTP 500 Internal Server Error"
    assert failures["eu_fsf"].startswith(f"failed: eu_fsf, {base}/eu_fsf.xml, does not load: ")
    with dualtrace.open(db, read_only=True) as dt:
        after = _versions(dt)
        added = dt.sql(
            "SELECT c.entity_id FROM list_changes c WHERE c.version_id ="
            " (SELECT max(version_id) FROM list_versions WHERE list = 'ofac_sdn') AND c.change = 'added'"
        )
    # OFAC loaded its new version; the failed lists kept theirs, their files left as they were.
    assert len(after["ofac_sdn"]) == 2
    assert sorted(r["entity_id"] for r in added) == ["ofac-90015", "ofac-90015-sanction"]
    assert after["eu_fsf"] == before["eu_fsf"] and after["uk_ofsi"] == before["uk_ofsi"]
    assert (folder / "eu_fsf" / "eu_fsf.xml").read_bytes() == good_eu
    assert not (folder / "eu_fsf" / "eu_fsf.xml.previous").exists()
    assert not list(folder.glob("*/*.part"))
    # The corrupt file's ETag was not recorded: once fixed it is fetched and loaded in full.
    (root / "eu_fsf.xml").write_bytes(good_eu.replace(b"Nordlicht Optika LLC", b"Nordlicht Optika AO"))
    broken.clear()
    third = CliRunner().invoke(build_app(), [*args[:-2], "--only", "eu_fsf", "--only", "uk_ofsi"])
    assert third.exit_code == 0, third.output
    with dualtrace.open(db, read_only=True) as dt:
        assert len(_versions(dt)["eu_fsf"]) == 2


def test_registry_covers_the_official_sources() -> None:
    """Every official source the lists update issue names has a record: fetched from its
    publisher, or (EU Journal annexes) recorded as having no stable download."""
    from urllib.parse import urlparse

    from dualtrace.lists import registry

    downloads = registry.downloads()
    hosts = {name: {urlparse(u).hostname for u in d.urls} for name, d in downloads.items()}
    assert hosts["ofac_sdn"] == hosts["ofac_cons"] == {"sanctionslistservice.ofac.treas.gov"}
    assert downloads["ofac_sdn"].layout == downloads["ofac_cons"].layout == "ofac-advanced-xml"
    assert [Path(urlparse(u).path).name for d in ("ofac_sdn", "ofac_cons") for u in downloads[d].urls] == [
        "SDN_ADVANCED.XML",
        "CONS_ADVANCED.XML",
    ]
    assert hosts["eu_fsf"] == {"webgate.ec.europa.eu"}
    assert hosts["un_sc"] == {"scsanctions.un.org"}
    assert hosts["uk_ofsi"] == {"ofsistorage.blob.core.windows.net"}
    assert hosts["us_csl"] == {"data.trade.gov"}
    # DoD publishes a PDF only: its URL is recorded, the machine-readable extraction is loaded.
    assert urlparse(downloads["us_dod_1260h"].extra["official_source"]).hostname == "media.defense.gov"
    journal = registry.manual()["eu_journal"]
    assert journal["layout"] in registry.layouts() and "no annex table" in journal["why"]
