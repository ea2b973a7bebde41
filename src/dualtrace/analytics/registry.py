"""The analytics dualtrace runs, read from data/analytics.yaml: one record per analytic, read by
the runner, the CLI and the report."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import ModuleType

import yaml

from dualtrace.analytics.config import ConfigError


@dataclass(frozen=True)
class Analytic:
    name: str
    module_name: str
    reads: str  # flows | shipments
    kinds: dict[str, str]  # finding kind -> report title
    report_order: int
    aliases: tuple[str, ...] = ()

    def module(self) -> ModuleType:
        # a bare name is a module of this package; a dotted one (a plug-in, a test) is imported as is
        dotted = self.module_name if "." in self.module_name else f"dualtrace.analytics.{self.module_name}"
        return importlib.import_module(dotted)


def registry_text() -> str:
    return resources.files(__package__).joinpath("data/analytics.yaml").read_text("utf-8")


@cache
def _records() -> tuple[Analytic, ...]:
    return parse(registry_text())


def parse(text: str) -> tuple[Analytic, ...]:
    """Analytic records from registry YAML."""
    records = []
    for name, spec in yaml.safe_load(text).items():
        if spec["reads"] not in ("flows", "shipments"):
            raise ValueError(f"analytics.yaml: {name}: reads must be flows or shipments")
        records.append(
            Analytic(
                name=name,
                module_name=spec["module"],
                reads=spec["reads"],
                kinds=dict(spec["kinds"]),
                report_order=int(spec["report"]),
                aliases=tuple(spec.get("aliases", ())),
            )
        )
    return tuple(records)


def analytics() -> tuple[Analytic, ...]:
    return _records()


def names() -> tuple[str, ...]:
    return tuple(a.name for a in _records())


def get(name: str) -> Analytic:
    """The analytic a user means by `name` (its name or an alias)."""
    for analytic in _records():
        if name == analytic.name or name in analytic.aliases:
            return analytic
    raise ConfigError(f"unknown analytic {name!r}; use one of {', '.join(names())}")


def kind_titles() -> dict[str, str]:
    """Every finding kind of the analytics with its title, in report order."""
    ordered = sorted(_records(), key=lambda a: a.report_order)
    return {kind: title for a in ordered for kind, title in a.kinds.items()}
