"""analyze --explain on a small fictional file where diversion and surge find nothing: what was
tested, how many passed each filter, and which series came closest (figures recomputed here)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from typer.testing import CliRunner

from dualtrace.cli import build_app
from dualtrace.session import Dualtrace
from tests.analytics.conftest import HEADER, months, write_csv

FLOOR = 100_000.0  # surge.floors.value, the floor diversion adds too


def _load(dt: Dualtrace, mapping: Path, tmp_path: Path) -> None:
    # controlled exports to Russia fall a third; to Kazakhstan they rise only 10 %: no diversion
    rows = []
    for m in months("2020-01", "2022-12"):
        after = m >= "2022-03"
        rows.append(f"{m},DEU,RUS,X,854231,{2_000_000 if after else 3_000_000},EUR,100")
        rows.append(f"{m},DEU,KAZ,X,854231,{1_100_000 if after else 1_000_000},EUR,100")
        rows.append(f"{m},DEU,RUS,X,940360,5000000,EUR,100")
        rows.append(f"{m},DEU,KAZ,X,940360,5000000,EUR,100")
    dt.ingest_trade([write_csv(tmp_path / "x.csv", HEADER, rows)], mapping=mapping)


def test_explain_diversion_that_found_nothing(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    dt, mapping = small
    _load(dt, mapping, tmp_path)
    why = dt.explain("diversion")
    assert why.findings == {"diversion": 0}
    assert why.thresholds["min_did"] == 0.4 and why.thresholds["min_target_fall"] == 0.3
    assert [(w["before"], w["after"]) for w in why.trace.windows] == [("Mar-Dec 2021", "Mar-Dec 2022")]
    assert why.trace.tested == 2  # DEU alone and all reporters
    assert list(why.trace.filters.values()) == [2, 2, 0, 0]
    miss = why.nearest[0]
    # other goods flat: DiD is the log growth to Kazakhstan, 10 months of 1.0M then 1.1M
    did = math.log((11e6 + FLOOR) / (10e6 + FLOOR)) - math.log((50e6 + FLOOR) / (50e6 + FLOOR))
    assert miss.figures["destination"] == "KAZ"
    assert abs(miss.figures["did"] - did) < 1e-9
    assert miss.stopped_by.startswith("min_did") and abs(miss.closeness - did / 0.4) < 1e-9
    text = "\n".join(why.lines())
    assert "nearest misses" in text and "min_did" in text


def test_explain_surge_counts_every_series(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    dt, mapping = small
    _load(dt, mapping, tmp_path)
    why = dt.explain("collapse")  # a finding kind names its analytic
    assert why.analytic == "surge" and sum(why.findings.values()) == 0
    assert why.trace.tested > 0 and all(v == 0 for v in why.trace.filters.values())
    top = why.nearest[0]
    assert top.closeness < 1 and top.figures["period"] == 2022
    # the largest fall: 26M in 2022 (2 x 3M + 10 x 2M) against 36M in 2021
    assert (top.figures["current"], top.figures["base"]) == (26e6, 36e6)
    ratio = math.log((26e6 + FLOOR) / (36e6 + FLOOR)) / math.log(0.5)
    assert abs(top.closeness - ratio) < 1e-9


def test_cli_explain_json(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    dt, mapping = small
    _load(dt, mapping, tmp_path)
    db = tmp_path / "small.duckdb"
    dt.close()
    result = CliRunner().invoke(
        build_app(), ["analyze", "--explain", "diversion", "--db", str(db), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)[0]
    assert record["series_tested"] == 2 and record["nearest_misses"][0]["figures"]["destination"] == "KAZ"
    table = CliRunner().invoke(build_app(), ["analyze", "--explain", "diversion", "--db", str(db)])
    assert table.exit_code == 0 and "series tested: 2" in table.stdout
