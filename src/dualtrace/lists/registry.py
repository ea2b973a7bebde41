"""The list layouts and fetchable lists, read from data/sources.yaml: one record per layout
(how it is recognised, what reads it) and per list `lists update` fetches (URLs, publisher,
licence). Read by load, update and the CLI."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dualtrace.errors import InputError


@dataclass(frozen=True)
class ListLayout:
    name: str
    description: str
    reader: str  # module.function in dualtrace.lists (or a dotted path outside it)
    detect: dict[str, Any]

    def read_function(self) -> Callable[..., Any]:
        module, _, function = self.reader.rpartition(".")
        dotted = module if "." in module else f"dualtrace.lists.{module}"
        found: Callable[..., Any] = getattr(importlib.import_module(dotted), function)
        return found

    @property
    def columns(self) -> tuple[str, ...]:
        """The header columns that mark the layout (and that its reader requires)."""
        return tuple(self.detect.get("csv_columns") or self.detect.get("tsv_columns") or ())


@dataclass(frozen=True)
class ListDownload:
    name: str
    layout: str
    urls: tuple[str, ...]
    publisher: str = ""
    licence: str = ""
    filename: str | None = None  # for a first URL whose path does not end in a file name
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    layouts: dict[str, ListLayout]
    downloads: dict[str, ListDownload]
    # Lists with no stable download: why, and where they are published.
    manual: dict[str, dict[str, Any]] = field(default_factory=dict)


def registry_text() -> str:
    return resources.files(__package__).joinpath("data/sources.yaml").read_text("utf-8")


def parse(text: str) -> Registry:
    data = yaml.safe_load(text)
    layouts = {
        name: ListLayout(name, str(spec["description"]), str(spec["reader"]), dict(spec["detect"]))
        for name, spec in data["layouts"].items()
    }
    downloads = {}
    for name, spec in data.get("downloads", {}).items():
        if spec["layout"] not in layouts:
            raise ValueError(f"sources.yaml: download {name} names unknown layout {spec['layout']!r}")
        known = {"layout", "urls", "publisher", "licence", "filename"}
        downloads[name] = ListDownload(
            name,
            spec["layout"],
            tuple(spec["urls"]),
            spec.get("publisher", ""),
            spec.get("licence", ""),
            spec.get("filename"),
            {k: v for k, v in spec.items() if k not in known},
        )
    manual = {str(name): dict(spec) for name, spec in (data.get("manual") or {}).items()}
    return Registry(layouts, downloads, manual)


@cache
def current() -> Registry:
    return parse(registry_text())


def layouts() -> dict[str, ListLayout]:
    return current().layouts


def layout(name: str) -> ListLayout:
    found = current().layouts.get(name)
    if found is None:
        raise InputError(f"unknown layout {name!r}; use one of {', '.join(current().layouts)}")
    return found


def downloads() -> dict[str, ListDownload]:
    return current().downloads


def manual() -> dict[str, dict[str, Any]]:
    return current().manual
