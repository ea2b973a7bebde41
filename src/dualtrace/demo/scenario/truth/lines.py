"""Line refs: how truth.json points at declaration lines (count, USD total, lines, keys)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from dualtrace.demo.scenario import declarations as decl
from dualtrace.demo.scenario.model import Line

FILE_OF = {"ru": decl.RU_FILE, "cn": decl.CN_FILE}


def valid(ln: Line) -> bool:
    return "malformed" not in ln.notes


def ref(lines: Iterable[Line]) -> dict[str, Any]:
    """A line ref: count, USD total and the lines (valid lines only)."""
    chosen = sorted((ln for ln in lines if valid(ln)), key=lambda ln: ln.physical_line)
    return {
        **summary(chosen),
        "lines": [ln.physical_line for ln in chosen],
        "keys": [ln.key for ln in chosen],
    }


def refs(lines: Iterable[Line]) -> dict[str, Any]:
    """Line refs per file, plus the total over files."""
    out: dict[str, Any] = {f: ref(v) for f, v in split_files(lines)}
    out["total"] = {
        "count": sum(v["count"] for v in out.values()),
        "value_usd_cents": sum(v["value_usd_cents"] for v in out.values()),
    }
    out["total"]["value_usd"] = round(out["total"]["value_usd_cents"] / 100, 2)
    return out


def summary(lines: Iterable[Line]) -> dict[str, Any]:
    """Count and USD total of the valid lines."""
    chosen = [ln for ln in lines if valid(ln)]
    cents = sum(ln.usd_cents for ln in chosen)
    return {"count": len(chosen), "value_usd_cents": cents, "value_usd": round(cents / 100, 2)}


def with_story(lines: Iterable[Line], story: str) -> list[Line]:
    return [ln for ln in lines if story in ln.stories]


def summary_by(lines: Iterable[Line], key: Callable[[Line], str]) -> dict[str, Any]:
    groups: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        if valid(ln):
            groups[key(ln)].append(ln)
    return {k: summary(v) for k, v in sorted(groups.items())}


def split_files(lines: Iterable[Line]) -> list[tuple[str, list[Line]]]:
    """(file path, its lines) in path order."""
    by: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        by[FILE_OF[ln.file]].append(ln)
    return sorted(by.items())
