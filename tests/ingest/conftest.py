from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import dualtrace
from dualtrace.session import Dualtrace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def warehouse(db_path: Path) -> Iterator[Dualtrace]:
    with dualtrace.open(db_path) as dt:
        yield dt


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
