"""Text encodings of input files: detect them, and transcode what DuckDB cannot read to UTF-8.

Customs extracts arrive as UTF-8 (often with a BOM from Excel), as cp1251 (Russian systems) or as
GBK/GB18030 (Chinese systems). DuckDB's CSV reader reads UTF-8 only, so other encodings are
re-encoded once into a temporary UTF-8 file; line numbers are unchanged by this.
"""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import BinaryIO

import charset_normalizer

from dualtrace.errors import InputError

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
    "gbk": "gb18030",  # GB18030 is a superset of GBK: reading GBK as GB18030 is lossless
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp1252": "cp1252",
    "koi8-r": "koi8-r",
    "utf-16": "utf-16",
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
    try:
        return raw.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(
            f"{path.name}: cannot decode as {encoding or 'UTF-8'}: {getattr(exc, 'reason', exc)}{hint}"
        ) from None


def open_binary(path: Path) -> BinaryIO:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with open_binary(path) as handle:
        return handle.read(size)


def _valid_utf8_prefix(sample: bytes) -> bool:
    # A sample may end in the middle of a multi-byte character: decode incrementally.
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def guess_legacy(raw: bytes) -> str:
    """Tell cp1251 from GB18030 for bytes that are not UTF-8.

    charset-normalizer decides on clean samples. For a short or damaged sample it may refuse;
    then byte ranges decide: cp1251 puts Russian letters in 0xC0-0xFF and uses 0x80-0xBF only
    for a few signs (quotes, No, yo), while GB18030 lead and trail bytes fall in 0x80-0xBF about
    a third of the time.
    """
    best = charset_normalizer.from_bytes(raw, cp_isolation=["cp1251", "gb18030"]).best()
    if best is not None:
        return "gb18030" if best.encoding.lower().startswith("gb") else "cp1251"
    high = len(raw) - len(raw.translate(None, _HIGH_BYTES))
    if not high:
        return "utf-8"
    low_high = len(raw) - len(raw.translate(None, _LOW_HIGH_BYTES))
    return "gb18030" if low_high / high > 0.2 else "cp1251"


_HIGH_BYTES = bytes(range(0x80, 0x100))
_LOW_HIGH_BYTES = bytes(range(0x80, 0xC0))


def detect(path: Path) -> str:
    """The encoding of a file, from its first megabyte.

    A file whose non-ASCII lines are mostly valid UTF-8 is UTF-8, even when a few lines are
    not (those are quarantined, not re-read in another encoding); otherwise the bytes decide
    between cp1251 and GB18030.
    """
    sample = read_sample(path)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _valid_utf8_prefix(sample):
        return "utf-8"
    lines = sample.split(b"\n")[:-1] or [sample]  # the last piece may be a cut-off line
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    if valid > invalid:
        return "utf-8"
    return guess_legacy(sample)


def describe_bytes(raw: bytes) -> tuple[str, str]:
    """A line that is not valid UTF-8, decoded with its likely encoding: (encoding, text)."""
    encoding = guess_legacy(raw)
    return encoding, raw.decode(encoding, errors="replace")


def _transcode(path: Path, encoding: str, target: Path) -> list[tuple[int, bytes]]:
    """Re-encode to UTF-8. Lines that do not decode are written blank (keeping line numbers)
    and returned as (line, raw bytes) for quarantine."""
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
