"""One pass over a file's bytes: its sha256 (to refuse loading it twice) and its line count."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from dualtrace.normalize.encodings import open_binary

CHUNK = 1 << 24


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size_bytes: int
    lines: int  # text lines, not counting empty lines at the very end

    @property
    def short(self) -> str:
        return self.sha256[:12]


class _LineCounter:
    def __init__(self) -> None:
        self.newlines = 0
        self.trailing = 0  # line breaks at the end with nothing after them
        self.has_last = False

    def feed(self, chunk: bytes) -> None:
        self.newlines += chunk.count(b"\n")
        stripped = chunk.rstrip(b"\r\n")
        if stripped:
            self.trailing = chunk[len(stripped) :].count(b"\n")
            self.has_last = True
        else:
            self.trailing += chunk.count(b"\n")

    @property
    def lines(self) -> int:
        # A last line without a line break still counts; empty lines at the end do not.
        if not self.has_last:
            return 0
        return self.newlines - self.trailing + 1


def fingerprint(path: Path) -> Fingerprint:
    """Hash the file as stored (compressed files by their compressed bytes); count the lines of
    its content."""
    digest = hashlib.sha256()
    counter = _LineCounter()
    compressed = path.suffix.lower() == ".gz"
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if not compressed:
                counter.feed(chunk)
    if compressed:
        with open_binary(path) as handle:
            while chunk := handle.read(CHUNK):
                counter.feed(chunk)
    return Fingerprint(digest.hexdigest(), path.stat().st_size, counter.lines)


def line_count(path: Path) -> int:
    """The text lines of a (UTF-8) file, counted as fingerprint counts them."""
    counter = _LineCounter()
    with open_binary(path) as handle:
        while chunk := handle.read(CHUNK):
            counter.feed(chunk)
    return counter.lines
