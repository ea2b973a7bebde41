"""What every demo step receives: the output folder, the scenario, the open warehouse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualtrace.demo.scenario import Scenario
from dualtrace.session import Dualtrace


@dataclass
class DemoContext:
    out_dir: Path
    scenario: Scenario
    dt: Dualtrace
    say: Callable[[str], None]
    results: dict[str, Any] = field(default_factory=dict)


Step = tuple[str, Callable[[DemoContext], None]]
