"""One warehouse session for the whole server; every use of it is serialised by one lock.

DuckDB allows one writing process per file and one statement at a time per connection, so the
server keeps the file open (a CLI write meanwhile gets the warehouse's 'in use' error) and runs
requests against it one after another.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dualtrace.api import Dualtrace
from dualtrace.cases import Principal

T = TypeVar("T")
SESSION_SECONDS = 8 * 3600


@dataclass
class WebSession:
    principal: Principal
    csrf: str
    expires: float


@dataclass
class Service:
    path: Path
    no_auth: bool = False
    dt: Dualtrace = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: dict[str, WebSession] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.dt = Dualtrace(self.path)
        _ = self.dt.con  # open (and migrate) now: a locked or missing warehouse fails at start

    def call(self, work: Callable[[Dualtrace], T]) -> T:
        with self.lock:
            return work(self.dt)

    def close(self) -> None:
        with self.lock:
            self.dt.close()

    def new_session(self, principal: Principal) -> tuple[str, WebSession]:
        token = secrets.token_urlsafe(32)
        session = WebSession(principal, secrets.token_urlsafe(24), time.time() + SESSION_SECONDS)
        with self.lock:
            self.sessions[token] = session
        return token, session

    def session(self, token: str | None) -> WebSession | None:
        if not token:
            return None
        with self.lock:
            found = self.sessions.get(token)
            if found is not None and found.expires < time.time():
                del self.sessions[token]
                return None
            return found

    def end_session(self, token: str | None) -> None:
        with self.lock:
            self.sessions.pop(token or "", None)
