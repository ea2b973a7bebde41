"""The `dualtrace` command line. Each command group lives in its own module and only formats
what the Python API (dualtrace.session) returns."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="dualtrace",
    help="Find dual-use trade, sanctioned counterparties and re-routed flows in customs data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def build_app() -> typer.Typer:
    """The app with every command group registered (modules add their commands on import)."""
    from dualtrace.cli import (  # noqa: F401
        analyze,
        claims,
        demo,
        export,
        findings,
        goods,
        ingest,
        lists,
        network,
        party,
        report,
        screen,
        serve,
        sql,
    )

    return app


def main() -> None:
    build_app()()
