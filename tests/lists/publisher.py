"""A local HTTP server standing in for a list publisher (shared by the `lists update` tests)."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures")


class FolderHandler(http.server.BaseHTTPRequestHandler):
    """Serves the files of ``root``; a subclass's do_GET decides how it answers."""

    root: Path

    def file(self) -> Path:
        return self.root / self.path.lstrip("/")

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status == 200:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status == 200:
            self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def publishing(
    handler: type[FolderHandler], root: Path, fixtures: tuple[str, ...], **state: Any
) -> Iterator[str]:
    """Serve copies of some fixtures from ``root`` (the handler class gets ``root`` and ``state``
    as attributes); yields the server's base URL."""
    root.mkdir()
    for name in fixtures:
        shutil.copy(FIXTURES / name, root / name)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("H", (handler,), {"root": root, **state}))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
