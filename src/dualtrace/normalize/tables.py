"""The word tables of name normalisation, kept as data files in ``normalize/data``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["table"]


@cache
def table(name: str) -> dict[str, Any]:
    """The YAML file ``data/<name>.yaml`` of this package, as a mapping."""
    text = resources.files(__package__).joinpath(f"data/{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"normalize/data/{name}.yaml: a mapping expected")
    return data
