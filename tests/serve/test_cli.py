"""users add, keys create: the key is printed once and only its digest and prefix are stored;
serve refuses --no-auth off the loopback address."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import InputError
from dualtrace.serve.run import serve

runner = CliRunner()


def test_users_and_keys(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    app = build_app()
    added = runner.invoke(app, ["users", "add", "ana", "--role", "analyst", "--password-stdin", "--db", str(db)],
                          input="long enough password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    short = runner.invoke(app, ["users", "add", "bob", "--password-stdin", "--db", str(db)], input="short\n")
    assert short.exit_code == 1 and "too short" in short.output
    made = runner.invoke(app, ["keys", "create", "--role", "analyst", "--user", "ana", "--db", str(db)])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[0]
    assert key.startswith("dt_")
    too_high = runner.invoke(app, ["keys", "create", "--role", "admin", "--user", "ana", "--db", str(db)])
    assert too_high.exit_code == 1 and "cannot be admin" in too_high.output
    with dualtrace.open(db) as dt:
        stored = dt.sql("SELECT prefix, sha256 FROM api_keys")
        users = dt.sql("SELECT password_hash FROM users")
        assert dt.principal_for_key(key) is not None and dt.principal_for_key(key + "x") is None
        assert dt.audit_verify() == {"ok": True, "entries": 2, "broken_at": None}
    assert stored == [{"prefix": key.split("_")[1], "sha256": hashlib.sha256(key.encode()).hexdigest()}]
    assert (
        users[0]["password_hash"].startswith("$argon2id$") and "long enough" not in users[0]["password_hash"]
    )
    listed = runner.invoke(app, ["keys", "list", "--db", str(db), "--format", "json"])
    assert key.split("_")[1] in listed.stdout and key not in listed.stdout
    revoked = runner.invoke(app, ["keys", "revoke", key.split("_")[1], "--db", str(db)])
    assert revoked.exit_code == 0
    with dualtrace.open(db) as dt:
        assert dt.principal_for_key(key) is None


def test_no_auth_only_on_loopback(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"only allowed on 127\.0\.0\.1"):
        serve(tmp_path / "w.duckdb", host="0.0.0.0", no_auth=True)
    with pytest.raises(InputError, match="no warehouse"):
        serve(tmp_path / "missing.duckdb")
