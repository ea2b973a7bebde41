"""Built-in layouts: official trade-statistics files recognised by their header.

The layouts are data (data/layouts.yaml): each is an ordinary mapping, the same thing a user
writes in YAML, so a user can copy one and adapt it. Detection looks for the columns that only
that layout has.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from dualtrace.errors import MappingError
from dualtrace.ingest.mapping import Mapping, from_dict


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    signature: frozenset[str]  # all of these columns must be present
    spec: dict[str, Any]

    def mapping(self) -> Mapping:
        mapping = from_dict(self.spec, f"layout {self.name}")
        mapping.lenient_filters = True
        return mapping


def _read() -> dict[str, Layout]:
    text = resources.files(__package__).joinpath("data/layouts.yaml").read_text("utf-8")
    return {
        name: Layout(name, record["description"], frozenset(record["signature"]), record["spec"])
        for name, record in yaml.safe_load(text)["layouts"].items()
    }


LAYOUTS = _read()


def detect(header: list[str]) -> Layout | None:
    present = set(header)
    for layout in LAYOUTS.values():
        if layout.signature <= present:
            return layout
    return None


def by_name(name: str) -> Layout:
    if name not in LAYOUTS:
        raise MappingError(f"unknown layout {name!r}; built-in layouts: {', '.join(LAYOUTS)}")
    return LAYOUTS[name]
