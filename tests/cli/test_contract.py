"""The CLI contract over every command of the app: each one that opens a warehouse takes --db;
the few that read only files are named here with the reason, so a new command cannot quietly
go without it."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import typer.main

from dualtrace.cli import build_app

# commands that read files only and never open a warehouse
WITHOUT_WAREHOUSE = {
    "goods classify": "classifies the lines of a CSV file",
    "goods explain": "explains one code",
    "goods categories": "lists the watch categories in force",
    "claims parse": "parses sentences and claim files into structured claims",
    "lists layouts": "lists the list layouts it reads",
    "network layouts": "lists the ownership layouts it reads",
}


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):  # a group (typer carries its own click)
            found.update(_commands(command, path + " "))
        else:
            found[path] = command
    return found


def _options(command: Any) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


def test_every_command_that_opens_a_warehouse_takes_db() -> None:
    commands = _commands(typer.main.get_group(build_app()))
    assert len(commands) > 20, sorted(commands)  # the walk found the whole app, groups included
    without = {name for name, command in commands.items() if "--db" not in _options(command)}
    assert without == set(WITHOUT_WAREHOUSE), (
        f"commands without --db that are not known to read files only: {sorted(without - set(WITHOUT_WAREHOUSE))}"
    )
    for name in without:
        callback = commands[name].callback
        assert callback is not None
        source = inspect.getsource(inspect.unwrap(callback))
        # one that reads files only builds its API object on no path and never touches .con
        assert "Dualtrace(db" not in source and ".con" not in source, name


def test_db_names_the_warehouse_everywhere_in_the_same_words() -> None:
    commands = _commands(typer.main.get_group(build_app()))
    helps = {
        param.help
        for command in commands.values()
        for param in command.params
        if "--db" in getattr(param, "opts", [])
    }
    assert len(helps) == 1, helps  # all of them use cli.common.DbOption


def test_demo_refuses_to_replace_a_warehouse_named_by_db(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    existing = tmp_path / "mine.duckdb"
    existing.write_bytes(b"keep me")
    result = CliRunner().invoke(build_app(), ["demo", "--out", str(tmp_path / "out"), "--db", str(existing)])
    assert result.exit_code == 1, result.output
    assert "fresh warehouse" in result.output and existing.read_bytes() == b"keep me"
    assert not (tmp_path / "out").exists()  # refused before anything was generated
