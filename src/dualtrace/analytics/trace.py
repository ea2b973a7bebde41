"""What an analytic tested, recorded while it runs (``analyze --explain``): the windows it
chose, how many series it tested, how many passed each filter, and the nearest misses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Miss:
    series: str
    stopped_by: str  # the threshold that stopped it
    closeness: float  # achieved / required on that threshold (1.0 would have passed)
    figures: dict[str, Any]

    def to_record(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "stopped_by": self.stopped_by,
            "closeness": round(self.closeness, 4),
            "figures": self.figures,
        }


@dataclass
class Trace:
    analytic: str
    windows: list[dict[str, Any]] = field(default_factory=list)
    tested: int = 0
    filters: dict[str, int] = field(default_factory=dict)  # filter -> series passing it (in order)
    misses: list[Miss] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    instrumented: bool = False  # False: the analytic records no filter counts yet

    def passed(self, name: str, n: int = 1) -> None:
        self.filters[name] = self.filters.get(name, 0) + n

    def filter(self, name: str) -> None:
        """Declare a filter (so that one nothing passed is listed with 0)."""
        self.filters.setdefault(name, 0)

    def miss(self, series: str, stopped_by: str, closeness: float, figures: dict[str, Any]) -> None:
        self.misses.append(Miss(series, stopped_by, max(0.0, closeness), figures))

    def summary(self) -> dict[str, Any]:
        """What was tested, small enough to keep with the run (no misses)."""
        return {"windows": self.windows, "tested": self.tested, "filters": self.filters, "notes": self.notes}

    def nearest(self, n: int) -> list[Miss]:
        return sorted(self.misses, key=lambda m: (-m.closeness, m.series))[:n]
