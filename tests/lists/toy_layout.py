"""A toy list layout for tests/lists/test_registry.py: toy_id,toy_name,toy_country rows."""

from __future__ import annotations

import csv
from pathlib import Path

from dualtrace.lists import registry
from dualtrace.lists.model import Batch, ListEntity, require_columns


def read(path: Path, list_name: str | None) -> Batch:
    batch = Batch(list_name or "toy_list", "toy-csv", [path])
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        require_columns(path, list(reader.fieldnames or []), registry.layout("toy-csv").columns)
        for row in reader:
            entity = ListEntity(f"toy-{row['toy_id']}", "Company", target=True)
            entity.add("name", row["toy_name"])
            entity.add("country", row["toy_country"])
            batch.entities.append(entity)
    return batch
