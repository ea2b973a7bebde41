"""`lists.model.csv_rows` gives text only: a short row's missing cells read as "", cells past the
header are left out, and a file without a column of its layout is refused naming the column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.lists.model import csv_rows


def test_short_and_long_rows_read_as_text_by_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\ufeffname;country;notes\nACME;RU\nBETA;CN;ok;extra;more\n", encoding="utf-8")
    rows = csv_rows(path, ["name"], delimiter=";")
    assert rows == [
        {"name": "ACME", "country": "RU", "notes": ""},
        {"name": "BETA", "country": "CN", "notes": "ok"},
    ]
    assert all(isinstance(key, str) and isinstance(value, str) for row in rows for key, value in row.items())


def test_a_missing_layout_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,country\nACME,RU\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("list.csv: missing column(s) programs")):
        csv_rows(path, ["name", "programs"])
