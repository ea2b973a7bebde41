"""dualtrace serve, users, keys: the web application and who may use it."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from dualtrace import config
from dualtrace.cli import app
from dualtrace.cli.common import DbOption, FormatOption, OutputFormat, emit, err_console, user_errors
from dualtrace.errors import InputError
from dualtrace.session import Dualtrace

users_app = typer.Typer(
    help="Users of `dualtrace serve` (passwords stored as argon2 hashes).", no_args_is_help=True
)
keys_app = typer.Typer(
    help="API keys of `dualtrace serve` (shown once, stored as SHA-256).", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")

RoleOption = Annotated[str, typer.Option("--role", help="viewer, analyst, reviewer or admin.")]


@app.command("serve")
@user_errors
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Everyone is admin, no login (only on 127.0.0.1).")
    ] = False,
) -> None:
    """Serve the HTTP API (/api/v1, OpenAPI at /docs) and the web pages on one warehouse."""
    from dualtrace.serve.run import serve as run  # uvicorn only when serving

    if no_auth:
        err_console.print(
            "[bold yellow]Warning:[/] --no-auth: every request acts as admin, without a login",
            highlight=False,
        )
    run(db or config.default_db_path(), host=host, port=port, no_auth=no_auth)


@users_app.command("add")
@user_errors
def users_add(
    username: Annotated[str, typer.Argument(help="User name.")],
    role: RoleOption = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user; the password is asked for (or read from stdin), never taken as an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ")
    with Dualtrace(db) as dt:
        dt.users_add(username, password, role)
    err_console.print(f"added user {username} ({role})", highlight=False)


@users_app.command("list")
@user_errors
def users_list(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The users and their roles."""
    with Dualtrace(db) as dt:
        emit(dt.users(), fmt, title="users")


@keys_app.command("create")
@user_errors
def keys_create(
    role: RoleOption = "viewer",
    user: Annotated[str | None, typer.Option("--user", help="The user the key acts for.")] = None,
    label: Annotated[str | None, typer.Option("--label", help="What the key is for.")] = None,
    db: DbOption = None,
) -> None:
    """Create an API key and print it once on stdout (only its SHA-256 and prefix are kept)."""
    with Dualtrace(db) as dt:
        key = dt.keys_create(role, username=user, label=label)
    sys.stdout.write(key + "\n")
    err_console.print(f"created a {role} key: store it now, it is not shown again", highlight=False)


@keys_app.command("list")
@user_errors
def keys_list(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The keys by prefix, role and user (never the keys themselves)."""
    with Dualtrace(db) as dt:
        emit(dt.keys(), fmt, title="keys")


@keys_app.command("revoke")
@user_errors
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix.")], db: DbOption = None
) -> None:
    """Revoke a key: requests with it get 401 from then on."""
    with Dualtrace(db) as dt:
        dt.keys_revoke(prefix)
    err_console.print(f"revoked key {prefix}", highlight=False)
