"""Text encodings of input files: detect them, and transcode what DuckDB cannot read to UTF-8.

Customs extracts arrive as UTF-8 (often with a BOM from Excel), as cp1251 (Russian systems) or as
GBK/GB18030 (Chinese systems). DuckDB's CSV reader reads UTF-8 only, so other encodings are
re-encoded once into a temporary UTF-8 file; line numbers are unchanged by this.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import BinaryIO

from dualtrace.errors import InputError
from dualtrace.normalize.detection import detect_bytes, guess_line
from dualtrace.normalize.gzguard import open_guarded

SAMPLE_BYTES = 1 << 20

# Names users may give, mapped to Python codec names.
KNOWN = {
    "auto": "auto",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-bom": "utf-8-sig",
    "cp1251": "cp1251",
    "windows-1251": "cp1251",
    "koi8-r": "koi8-r",
    "koi8r": "koi8-r",
    "cp866": "cp866",
    "ibm866": "cp866",
    "gbk": "gb18030",  # GB18030 is a superset of GBK: reading GBK as GB18030 is lossless
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "cp950": "cp950",
    "shift-jis": "shift_jis",
    "shift_jis": "shift_jis",
    "sjis": "shift_jis",
    "cp932": "cp932",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16be": "utf-16-be",
    "utf-32": "utf-32",
    "utf-32-le": "utf-32-le",
    "utf-32le": "utf-32-le",
    "utf-32-be": "utf-32-be",
    "utf-32be": "utf-32-be",
}

UTF8_FAMILY = {"utf-8", "utf-8-sig"}


def normalise_name(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key not in KNOWN:
        raise InputError(
            f"unknown encoding {name!r}; use one of: {', '.join(sorted(k for k in KNOWN if k != 'auto'))}"
        )
    return KNOWN[key]


def read_text(path: Path, encoding: str | None = None, hint: str = "") -> str:
    """A small user file (a goods list, an ownership table) as text: UTF-8 with or without a BOM
    unless told otherwise; a missing, empty or undecodable file is a one-line error."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path.name}: the file is empty")
    found = detect_bytes(raw[:SAMPLE_BYTES]) if encoding is None else None
    if found is not None and found.encoding not in (None, "utf-8", "utf-8-sig"):
        # Not UTF-8: the same detection as for large files.
        encoding = found.encoding
    try:
        return raw.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        if found is not None and found.candidates:
            hint = f" (candidates: {found.describe()}){hint}"
        raise InputError(
            f"{path.name}: cannot decode as {encoding or 'UTF-8'}: {getattr(exc, 'reason', exc)}{hint}"
        ) from None


def open_binary(path: Path) -> BinaryIO:
    if path.suffix.lower() == ".gz":
        return open_guarded(path)  # every read of a .gz input is bounded (gzguard)
    return path.open("rb")


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with open_binary(path) as handle:
        return handle.read(size)


def detect(path: Path) -> str:
    """The encoding of a file, from its first megabyte; a one-line error when it cannot be told
    (the candidates weighed and how to say which it is)."""
    found = detect_bytes(read_sample(path))
    if found.encoding is None:
        raise InputError(
            f"{path.name}: cannot tell the text encoding (candidates: {found.describe()}); "
            "give --encoding (e.g. cp1251, koi8-r, cp866, gb18030, big5, shift_jis, cp1252, utf-16-le)"
        )
    return found.encoding


def describe_bytes(raw: bytes) -> tuple[str, str]:
    """A line that is not valid UTF-8, decoded with its likely encoding: (encoding, text)."""
    encoding = guess_line(raw)
    if encoding == "binary":
        return encoding, raw.decode("latin-1")
    return encoding, raw.decode(encoding, errors="replace")


def ascii_compatible(encoding: str) -> bool:
    """Whether a line break is the byte 0x0A (false for UTF-16/32, whose units hold NULs)."""
    return not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


# A noncharacter marks undecodable units so that their lines can be blanked and quarantined.
_MARK = "\ufdd0"


def _mark(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return _MARK, exc.end


codecs.register_error("dualtrace-mark", _mark)


def _transcode_wide(path: Path, encoding: str, target: Path) -> list[tuple[int, bytes]]:
    """UTF-16/32 to UTF-8 through an incremental decoder: their line breaks are not b"\n"."""
    decoder = codecs.getincrementaldecoder(encoding)("dualtrace-mark")
    bad: list[tuple[int, bytes]] = []
    line = 1
    pending = ""
    with open_binary(path) as source, target.open("w", encoding="utf-8", newline="") as out:
        while True:
            chunk = source.read(1 << 22)
            text = pending + decoder.decode(chunk, final=not chunk)
            if line == 1:
                text = text.removeprefix("\ufeff")
            cut = text.rfind("\n") + 1 if chunk else len(text)
            text, pending = text[:cut], text[cut:]
            if _MARK in text:
                parts = text.split("\n")
                for i, part in enumerate(parts):
                    end = "\n" if i < len(parts) - 1 else ""
                    if _MARK in part:
                        bad.append((line, part.rstrip("\r").replace(_MARK, "\ufffd").encode("utf-8")))
                        part = ""
                    out.write(part + end)
                    line += len(end)
            else:
                out.write(text)
                line += text.count("\n")
            if not chunk:
                break
    return bad


def _transcode(path: Path, encoding: str, target: Path) -> list[tuple[int, bytes]]:
    """Re-encode to UTF-8. Lines that do not decode are written blank (keeping line numbers)
    and returned as (line, raw bytes) for quarantine."""
    if not ascii_compatible(encoding):
        return _transcode_wide(path, encoding, target)
    bad: list[tuple[int, bytes]] = []
    line = 1
    pending = b""
    with open_binary(path) as source, target.open("w", encoding="utf-8", newline="") as out:
        while True:
            chunk = source.read(1 << 22)
            data = pending + chunk
            if chunk:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    pending = data
                    continue
                data, pending = data[:cut], data[cut:]
            elif not data:
                break
            else:
                pending = b""
            try:
                out.write(data.decode(encoding))
            except UnicodeDecodeError:
                for raw in data.splitlines(keepends=True):
                    try:
                        out.write(raw.decode(encoding))
                    except UnicodeDecodeError:
                        bad.append((line, raw.rstrip(b"\r\n")))
                        out.write("\n" if raw.endswith(b"\n") else "")
                    line += 1
                continue
            line += data.count(b"\n")
            if not chunk:
                break
    return bad


@contextmanager
def as_utf8(path: Path, encoding: str) -> Iterator[tuple[Path, list[tuple[int, bytes]]]]:
    """Yield (a path DuckDB can read as UTF-8, undecodable lines). The path is the file itself
    for UTF-8 input, else a transcoded temporary copy with bad lines blanked."""
    if encoding in UTF8_FAMILY:
        yield path, []
        return
    with TemporaryDirectory(prefix="dualtrace-") as tmp:
        target = Path(tmp) / (path.name.removesuffix(".gz") + ".utf8.csv")
        bad = _transcode(path, encoding, target)
        yield target, bad
