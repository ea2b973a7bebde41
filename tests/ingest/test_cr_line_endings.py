"""Old-Mac files whose lines end in a bare CR get one line naming the file and the fix, not
csv.Error's traceback; CRLF files still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.session import Dualtrace
from tests.ingest.conftest import write
from tests.ingest.test_bad_input import HEADER, MAPPING, good


def _lines(n: int) -> list[str]:
    return [HEADER.rstrip("\n")] + [good(i).rstrip("\n") for i in range(1, n + 1)]


def test_cr_only_line_endings_are_refused_in_one_line(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(_lines(3)).encode() + b"\r")
    with pytest.raises(InputError) as caught:
        warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))
    message = str(caught.value)
    assert message.startswith("mac.csv: line 1: lines end in a bare CR") and "\n" not in message


def test_a_bare_cr_inside_the_header_is_one_line(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(HEADER.replace("hs,", "hs\r,").encode() + good(1).encode())
    with pytest.raises(InputError, match=r"^odd\.csv: line 1: the header cannot be read"):
        warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))


def test_crlf_line_endings_still_load(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "dos.csv"
    path.write_bytes("\r\n".join(_lines(3)).encode() + b"\r\n")
    [report] = warehouse.ingest_shipments([path], mapping=write(tmp_path / "m.yaml", MAPPING))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 3, 0)
