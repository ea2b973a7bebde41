"""A .gz input that inflates past the size cap or the ratio cap is refused in one line before
DuckDB or any reader sees all of it; ordinary .gz files still load."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.normalize.gzguard import check
from dualtrace.session import Dualtrace
from tests.ingest.conftest import write
from tests.ingest.test_bad_input import HEADER, MAPPING, good


def _bomb(path: Path, mib: int = 200) -> Path:
    # A header line, then zeros: about 1000:1 at level 9 (200 MiB -> ~200 KiB).
    zeros = bytes(1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(HEADER.encode())
        for _ in range(mib):
            handle.write(zeros)
    return path


def _varied(path: Path, rows: int) -> Path:
    # Real-looking rows with random values compress about 5:1, far from a bomb.
    rng = random.Random(7)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        for n in range(rows):
            handle.write(good(n).replace("chips", f"chips {rng.getrandbits(64):x}"))
    return path


def test_a_gzip_bomb_is_refused_by_its_ratio(warehouse: Dualtrace, tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.csv.gz")
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(InputError) as caught:
        warehouse.ingest_shipments([bomb], mapping=write(tmp_path / "m.yaml", MAPPING))
    message = str(caught.value)
    assert message.startswith("bomb.csv.gz: refused") and "DUALTRACE_GZIP_MAX_RATIO" in message
    assert "\n" not in message
    assert warehouse.sql("SELECT count(*) AS n FROM sources") == [{"n": 0}]


def test_the_size_cap_refuses_what_the_ratio_allows(
    warehouse: Dualtrace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _varied(tmp_path / "big.csv.gz", 5000)
    size = len(gzip.decompress(path.read_bytes()))
    check(path)  # within the default limits
    monkeypatch.setenv("DUALTRACE_GZIP_MAX_BYTES", str(size // 2))
    with pytest.raises(InputError, match=r"^big\.csv\.gz: refused, decompresses to more than .*MAX_BYTES"):
        warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))
    monkeypatch.setenv("DUALTRACE_GZIP_MAX_BYTES", str(size))
    [report] = warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))
    assert (report.rows_read, report.rows_loaded) == (5000, 5000)


def test_the_ratio_counts_only_past_its_floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _bomb(tmp_path / "small.csv.gz", mib=8)
    check(bomb)  # 8 MiB of zeros: far over 200:1, but under the 64 MiB floor
    monkeypatch.setenv("DUALTRACE_GZIP_RATIO_FROM", str(1 << 20))
    with pytest.raises(InputError, match="MAX_RATIO"):
        check(bomb)


def test_a_cut_gzip_file_is_one_line(warehouse: Dualtrace, tmp_path: Path) -> None:
    whole = _varied(tmp_path / "whole.csv.gz", 2000).read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"^cut\.csv\.gz: not a valid gzip file"):
        warehouse.ingest_shipments([cut], mapping=write(tmp_path / "m.yaml", MAPPING))
