"""dualtrace demo: the end-to-end run on a generated fictional scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dualtrace.cli import app
from dualtrace.cli.common import DbOption, console, user_errors


@app.command("demo")
@user_errors
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the data, warehouse and report.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Scenario seed (same seed, same data).")] = 2024,
    db: DbOption = None,
) -> None:
    """Generate a fictional scenario, load it and run every capability on it (offline).

    The warehouse is OUT/demo.duckdb unless --db names a new file (an existing one is refused)."""
    from dualtrace.demo.runner import run

    def say(line: str) -> None:
        console.print(line, highlight=False, markup=False, soft_wrap=True)

    run(out, say, seed=seed, db_path=db)
