"""One scenario generated per test session (generation takes a couple of seconds)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from dualtrace.demo.scenario import Scenario, generate

SEED = 2024


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(tmp_path_factory.mktemp("scenario"), seed=SEED)


@pytest.fixture(scope="session")
def truth(scenario: Scenario) -> dict[str, Any]:
    return scenario.truth


def decoded(scenario: Scenario, relative: str) -> str:
    info = scenario.files[relative]
    return scenario.path(relative).read_bytes().decode(info.encoding)


def physical_rows(scenario: Scenario, relative: str) -> dict[int, list[str]]:
    """Physical line number (header = 1) -> fields, parsed with the stdlib csv module.

    The declarations files have no newline inside a field, so one record is one physical line.
    """
    info = scenario.files[relative]
    text = decoded(scenario, relative)
    lines = text.splitlines()
    out = {}
    for i, line in enumerate(lines, start=1):
        out[i] = next(csv.reader(io.StringIO(line), delimiter=info.delimiter))
    return out


@pytest.fixture(scope="session")
def ru_rows(scenario: Scenario) -> dict[int, list[str]]:
    return physical_rows(scenario, "declarations/ru_imports.csv")


@pytest.fixture(scope="session")
def cn_rows(scenario: Scenario) -> dict[int, list[str]]:
    return physical_rows(scenario, "declarations/cn_exports.csv")


def shared(relative: str) -> Path:
    from tests.conftest import shared_file

    return shared_file(relative)


def sample_path(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path
