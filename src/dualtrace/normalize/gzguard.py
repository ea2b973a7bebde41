"""gzip inputs read through a guard against decompression bombs.

A few hundred KiB of gzip can inflate to gigabytes. Every read of a .gz input counts the
decompressed bytes and stops with a one-line error past a size cap, or past a ratio to the
compressed size once the output is large enough that the ratio means something (short files of
repeated text compress very well and are harmless). Limits: config.gzip_limits().
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

from dualtrace.config import gzip_limits
from dualtrace.errors import InputError

__all__ = ["check", "open_guarded"]

CHUNK = 1 << 20


class _GuardedRaw(io.RawIOBase):
    """Decompressed bytes of one .gz file; refuses once past the limits."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._gz = gzip.open(path, "rb")  # noqa: SIM115 (closed by close())
        self._compressed = max(path.stat().st_size, 1)
        self._max_bytes, self._max_ratio, self._ratio_from = gzip_limits()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._gz.seek(offset, whence)

    def tell(self) -> int:
        return self._gz.tell()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            n = self._gz.readinto(buffer)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputError(f"{self._path.name}: not a valid gzip file ({exc or 'cut short'})") from None
        self._refuse_past_limits(self._gz.tell())
        return n

    def _refuse_past_limits(self, out: int) -> None:
        name = self._path.name
        if out > self._max_bytes:
            raise InputError(
                f"{name}: refused, decompresses to more than {self._max_bytes:,} bytes "
                "(limit DUALTRACE_GZIP_MAX_BYTES)"
            )
        if out > self._ratio_from and out > self._max_ratio * self._compressed:
            raise InputError(
                f"{name}: refused, decompresses to more than {self._max_ratio}x its {self._compressed:,} "
                "bytes, a gzip bomb? (limit DUALTRACE_GZIP_MAX_RATIO)"
            )

    def close(self) -> None:
        self._gz.close()
        super().close()


def open_guarded(path: Path) -> io.BufferedReader:
    """A buffered binary stream of the decompressed file (readline, seek, iteration work)."""
    return io.BufferedReader(_GuardedRaw(path), buffer_size=CHUNK)


def check(path: Path) -> None:
    """Decompress the whole file once, keeping nothing: run before a reader the guard cannot wrap
    (DuckDB reads .csv.gz itself)."""
    buffer = bytearray(CHUNK)  # reused: nothing is kept, so nothing need be allocated per chunk
    with open_guarded(path) as handle:
        while handle.readinto(buffer):
            pass
