"""dualtrace demo: the end-to-end run on a generated fictional scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import console, user_errors


@app.command("demo")
@user_errors
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the data, warehouse and report.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Scenario seed (same seed, same data).")] = 2024,
) -> None:
    """Generate a fictional scenario, load it and run every capability on it (offline)."""
    from dualtrace.demo.runner import run

    run(out, lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True), seed=seed)
