"""Progress bars for long work, drawn on stderr so piped output stays clean."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from dualtrace.cli.common import err_console


class RichProgress:
    """Implements dualtrace.ingest.outcome.Progress with a rich bar fed by DuckDB's own progress."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        )
        self._task = self._progress.add_task("", total=100)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def phase(self, label: str) -> None:
        self._progress.update(self._task, description=label, completed=0)

    @contextmanager
    def running(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(0.25):
                try:
                    done = con.query_progress()
                except duckdb.Error:
                    return
                if done >= 0:
                    self._progress.update(self._task, completed=done)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self._progress.update(self._task, completed=100)
