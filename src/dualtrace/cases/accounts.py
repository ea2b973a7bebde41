"""Users (argon2 password hashes) and API keys (SHA-256 of the key, and a prefix to name it)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dualtrace.cases import audit
from dualtrace.errors import InputError
from dualtrace.warehouse.db import fetch_one, records, transaction

ROLES = ("viewer", "analyst", "reviewer", "admin")
KEY_START = "dt_"
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a user (by password or by a key made for them) or a bare key."""

    name: str  # the username, or "key:<prefix>" for a key made for no user
    role: str
    via: str  # password | key | session | no-auth


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def add_user(con: duckdb.DuckDBPyConnection, username: str, password: str, role: str, *, actor: str) -> None:
    check_role(role)
    if not _NAME.match(username):
        raise InputError(f"user name {username!r}: use 1-64 letters, digits or . _ @ -")
    if len(password) < 8:
        raise InputError(f"password for {username!r} is too short: use at least 8 characters")
    if fetch_one(con, "SELECT 1 FROM users WHERE username = ?", [username]):
        raise InputError(f"user {username!r} exists already")
    with transaction(con):
        con.execute(
            "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?)",
            [username, _HASHER.hash(password), role],
        )
        audit.append(con, actor, "user.add", username, None, {"role": role})


def login(con: duckdb.DuckDBPyConnection, username: str, password: str) -> Principal | None:
    row = fetch_one(con, "SELECT password_hash, role FROM users WHERE username = ? AND active", [username])
    if row is None:
        _HASHER.hash(password)  # the same work whether or not the user exists
        return None
    try:
        _HASHER.verify(row[0], password)
    except (VerificationError, InvalidHashError):
        return None
    return Principal(username, row[1], "password")


def users(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return records(con, "SELECT username, role, active, created_at FROM users ORDER BY username")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    con: duckdb.DuckDBPyConnection,
    role: str,
    *,
    actor: str,
    username: str | None = None,
    label: str | None = None,
) -> str:
    """A new key, returned once: only its SHA-256 and prefix are kept."""
    check_role(role)
    if username is not None:
        row = fetch_one(con, "SELECT role FROM users WHERE username = ?", [username])
        if row is None:
            raise InputError(f"no user {username!r}: add it first with `dualtrace users add`")
        if not role_at_least(row[0], role):
            raise InputError(f"user {username!r} is {row[0]}: a key for them cannot be {role}")
    prefix = secrets.token_hex(4)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction(con):
        con.execute(
            "INSERT INTO api_keys (prefix, sha256, role, username, label) VALUES (?, ?, ?, ?, ?)",
            [prefix, _digest(key), role, username, label],
        )
        audit.append(con, actor, "key.create", prefix, None, {"role": role, "user": username})
    return key


def revoke_key(con: duckdb.DuckDBPyConnection, prefix: str, *, actor: str) -> None:
    if not fetch_one(con, "SELECT 1 FROM api_keys WHERE prefix = ? AND revoked_at IS NULL", [prefix]):
        raise InputError(f"no active key with prefix {prefix!r}")
    with transaction(con):
        con.execute("UPDATE api_keys SET revoked_at = current_timestamp WHERE prefix = ?", [prefix])
        audit.append(con, actor, "key.revoke", prefix, {"revoked": False}, {"revoked": True})


def keys(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return records(
        con,
        "SELECT prefix, role, username, label, created_at, revoked_at FROM api_keys ORDER BY created_at",
    )


def by_key(con: duckdb.DuckDBPyConnection, key: str) -> Principal | None:
    """The principal of a presented key (compared by digest, so the lookup shows nothing)."""
    if not key.startswith(KEY_START):
        return None
    row = fetch_one(
        con,
        "SELECT k.prefix, k.role, k.username, u.active FROM api_keys k"
        " LEFT JOIN users u USING (username) WHERE k.sha256 = ? AND k.revoked_at IS NULL",
        [_digest(key)],
    )
    if row is None or (row[2] is not None and not row[3]):
        return None
    prefix, role, username, _ = row
    return Principal(username or f"key:{prefix}", role, "key")
