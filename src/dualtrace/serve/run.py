"""Start the server (uvicorn), refusing --no-auth anywhere but on the loopback address."""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from dualtrace.errors import InputError
from dualtrace.serve.app import create_app

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
log = logging.getLogger("dualtrace.serve")


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8000, no_auth: bool = False) -> None:
    if no_auth and host not in LOOPBACK:
        raise InputError(f"--no-auth serves everyone as admin: only allowed on 127.0.0.1, not on {host}")
    if not db.exists():
        raise InputError(f"no warehouse at {db}: build one first (make demo, or dualtrace ingest ...)")
    app = create_app(db, no_auth=no_auth)
    uvicorn.run(app, host=host, port=port, log_level="info")
