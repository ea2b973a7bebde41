"""(being written)"""
from __future__ import annotations
from typing import Any
def run(ctx: Any) -> list[Any]:
    return []
def run_shipments(runner: Any, config: Any) -> list[Any]:
    return []
