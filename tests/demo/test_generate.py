"""Determinism, the manifest, README and the shape of the return value."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from dualtrace.demo.scenario import Scenario, generate

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[2]


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(scenario: Scenario, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", seed=SEED)
    assert digests(scenario.out_dir) == digests(again.out_dir)


def test_same_bytes_in_another_process_with_other_hash_seed(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "other"
    code = (
        "import sys; from pathlib import Path; from dualtrace.demo.scenario import generate; "
        f"generate(Path(sys.argv[1]), seed={SEED})"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env)
    assert digests(out) == digests(scenario.out_dir)


def test_other_seed_other_data(scenario: Scenario, tmp_path: Path) -> None:
    other = generate(tmp_path / "seed7", seed=7)
    a, b = digests(scenario.out_dir), digests(other.out_dir)
    assert a.keys() == b.keys()
    assert a["declarations/ru_imports.csv"] != b["declarations/ru_imports.csv"]
    # the headline figures are planted whatever the seed
    t = other.truth
    assert t["stories"]["thermal_imagers"]["lines"]["total"]["count"] == 220
    assert t["trade_patterns"]["drones_russia_vs_ukraine"]["ratio_rus_ukr_2023"] == 30.0


def test_manifest_matches_disk(scenario: Scenario) -> None:
    on_disk = digests(scenario.out_dir)
    assert set(on_disk) == set(scenario.files) | {"truth.json"}
    for rel, info in scenario.files.items():
        assert info.sha256 == on_disk[rel], rel
        assert scenario.truth["files"][rel]["sha256"] == info.sha256
    assert json.loads(scenario.truth_path.read_text(encoding="utf-8")) == scenario.truth


def test_file_list(scenario: Scenario) -> None:
    names = set(scenario.files)
    for rel in (
        "README.txt",
        "declarations/ru_imports.csv",
        "declarations/ru_imports.yaml",
        "declarations/cn_exports.csv",
        "declarations/cn_exports.yaml",
        "lists/sdn.csv",
        "lists/alt.csv",
        "lists/add.csv",
        "lists/eu__journal_sanctions__32014R0833.csv",
        "lists/entities.ftm.json",
        "lists/us__dod_chinese_milcorps__sanctions.csv",
        "lists/ownership.csv",
    ):
        assert rel in names
    assert sum(1 for n in names if n.startswith("trade/comtrade_")) >= 4
    assert sorted(n for n in names if n.startswith("trade/comext_")) == [
        f"trade/comext_{y}.csv" for y in range(2019, 2025)
    ]
    trade_rows = sum(f.rows for n, f in scenario.files.items() if n.startswith("trade/"))
    assert 20_000 < trade_rows < 60_000  # "tens of thousands at most"
    decl = scenario.files["declarations/ru_imports.csv"].rows
    decl += scenario.files["declarations/cn_exports.csv"].rows
    assert 2_000 < decl < 6_000  # "a few thousand lines"


def test_readme_and_truth_say_fictional(scenario: Scenario) -> None:
    readme = scenario.path("README.txt").read_text(encoding="utf-8")
    assert "ENTIRELY FICTIONAL" in readme and "dualtrace" in readme
    assert scenario.truth["about"]["fictional"] is True
    assert scenario.fictional
    assert scenario.elapsed_s > 0
