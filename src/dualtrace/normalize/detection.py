"""Tell a sample's text encoding, or say that it cannot be told.

Order: a byte-order mark decides (UTF-8, UTF-16/32 LE/BE); then NUL-byte patterns find UTF-16/32
without a mark; then valid UTF-8 is UTF-8. Otherwise every legacy candidate that decodes the
sample is read and scored by how much the result looks like names (plausible.py), with
charset-normalizer's language coherence to break near ties. When the best reading is not
clearly better than a different one, detection fails with the candidates it weighed, so that
the user gives --encoding instead of loading garbled names.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import charset_normalizer

from dualtrace.normalize.plausible import plausibility

# Legacy encodings in order of preference when two read a sample the same.
LEGACY = ("cp1251", "koi8-r", "cp866", "gb18030", "big5", "shift_jis", "cp1252", "latin-1")
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MIN_SCORE = 0.9  # share of non-ASCII words that must read as plausible names
MIN_MARGIN = 0.1  # how much better than a different reading the best must be


@dataclass(frozen=True)
class Candidate:
    encoding: str
    score: float
    coherence: float = 0.0


@dataclass(frozen=True)
class Detection:
    encoding: str | None  # None: cannot tell
    how: str  # bom | nul-pattern | utf-8 | scored | ascii
    candidates: list[Candidate] = field(default_factory=list)

    def describe(self) -> str:
        return ", ".join(f"{c.encoding} {c.score:.0%}" for c in self.candidates[:4]) or "none decodes it"


def bom_encoding(sample: bytes) -> str | None:
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    return None


def _decodes(sample: bytes, encoding: str) -> str | None:
    # The sample may end inside a character: decode incrementally and ignore the tail.
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 without a mark: mostly-ASCII text has NULs in fixed byte positions."""
    if b"\x00" not in sample:
        return None
    body = sample[: len(sample) - len(sample) % 4]
    for name in ("utf-32-le", "utf-32-be"):
        text = _decodes(body, name)
        if text is not None and text.count("\n") >= 1 and plausibility(text).score >= MIN_SCORE:
            return name
    even = body[0::2].count(0)
    odd = body[1::2].count(0)
    half = len(body) // 2 or 1
    for name, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros / half > 0.3:
            text = _decodes(body, name)
            if text is not None and "\x00" not in text:
                return name
    return None


def _valid_utf8(sample: bytes) -> bool:
    return _decodes(sample, "utf-8") is not None


def _mostly_utf8(sample: bytes) -> bool:
    """Most non-ASCII lines valid UTF-8: a UTF-8 file with a few damaged lines (those are
    quarantined, not re-read in another encoding)."""
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
    return valid > invalid


def score_legacy(sample: bytes, encodings: tuple[str, ...] = LEGACY) -> list[Candidate]:
    """Every candidate that decodes the sample, best first; identical readings keep the first."""
    readings: dict[str, str] = {}
    for name in encodings:
        text = _decodes(sample, name)
        if text is not None and text not in readings.values():
            readings[name] = text
    coherence: dict[str, float] = {}
    if len(readings) > 1:
        for match in charset_normalizer.from_bytes(sample, cp_isolation=list(readings)):
            name = codecs.lookup(match.encoding).name
            coherence.setdefault(name, match.coherence)
    found = [
        Candidate(name, plausibility(text).score, coherence.get(codecs.lookup(name).name, 0.0))
        for name, text in readings.items()
    ]
    order = {name: i for i, name in enumerate(encodings)}
    return sorted(found, key=lambda c: (-c.score, -c.coherence, order[c.encoding]))


def decide(candidates: list[Candidate]) -> str | None:
    if not candidates:
        return None
    best = candidates[0]
    if best.score < MIN_SCORE:
        return None
    if len(candidates) == 1:
        return best.encoding
    second = candidates[1]
    if best.score - second.score >= MIN_MARGIN:
        return best.encoding
    # Near tie on names: the language model must clearly prefer the same one.
    if best.coherence - second.coherence >= 0.1:
        return best.encoding
    return None


def detect_bytes(sample: bytes) -> Detection:
    if (bom := bom_encoding(sample)) is not None:
        return Detection(bom, "bom")
    if (wide := _wide_encoding(sample)) is not None:
        return Detection(wide, "nul-pattern")
    if sample.isascii():
        return Detection("utf-8", "ascii")
    if _valid_utf8(sample) or _mostly_utf8(sample):
        return Detection("utf-8", "utf-8")
    candidates = score_legacy(sample)
    return Detection(decide(candidates), "scored", candidates)


def guess_line(raw: bytes) -> str:
    """The likely encoding of one line that is not UTF-8 (for a quarantine reason)."""
    candidates = score_legacy(raw)
    return candidates[0].encoding if candidates else "binary"
