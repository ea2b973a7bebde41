"""How much a decoded sample reads like names and words: the check behind encoding detection.

Every single-byte encoding decodes any byte, and the double-byte ones decode most pairs, so a
sample read in the wrong encoding is usually valid text - of the wrong letters. Names read right
have words in one script with ordinary casing (Ромашка, РОМАШКА, ромашка, not рОМАШКА), with
vowels, without box-drawing signs or control characters in them, and Chinese or Japanese
characters from the common sets (GB2312, Big5 level 1, JIS level 1) rather than rare ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœаеёиоуыэюяіїєў")
# Scripts whose letters have case and vowels to check.
TOKEN_SPLIT = re.compile(r"[\s,;|]+")
ALPHABETS = {"LATIN", "CYRILLIC", "GREEK"}
CJK = {"HAN", "HIRAGANA", "KATAKANA"}


@lru_cache(maxsize=65536)
def script(ch: str) -> str:
    """The script of a letter ('LATIN', 'CYRILLIC', 'HAN', 'HALFWIDTH', ...), '' for others."""
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith("CJK"):
        return "HAN"
    if name.startswith("HALFWIDTH KATAKANA"):
        return "HALFWIDTH"
    if name.startswith(("FULLWIDTH LATIN", "FULLWIDTH")):
        return "FULLWIDTH"
    return name.split(" ", 1)[0]


@lru_cache(maxsize=65536)
def common_han(ch: str) -> bool:
    """A Chinese character in a common set: GB2312, Big5 level 1 or JIS X 0208 level 1."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    for codec, low, high in (("big5", 0xA440, 0xC67E), ("shift_jis", 0x889F, 0x9872)):
        try:
            code = int.from_bytes(ch.encode(codec), "big")
        except UnicodeEncodeError:
            continue
        if low <= code <= high:
            return True
    return False


def _bad_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Co", "Cn", "Cs"):
        return ch not in "\t\r\n"
    # Box drawing, block elements and the like: what wrong Cyrillic code pages produce.
    return category == "So"


def _cased_ok(letters: str) -> bool:
    return letters.islower() or letters.isupper() or (letters[0].isupper() and letters[1:].islower())


@dataclass(frozen=True)
class Plausibility:
    good: int
    units: int

    @property
    def score(self) -> float:
        return self.good / self.units if self.units else 1.0


def _cjk_units(core: str) -> tuple[int, int]:
    """Each non-ASCII letter counts: a run of rare characters, or one wedged between Latin
    letters (M黮ler), is what a wrong double-byte code gives."""
    scripts = {script(ch) for ch in core if ch.isalpha() and not ch.isascii()}
    units = [i for i, ch in enumerate(core) if ch.isalpha() and not ch.isascii()]
    if scripts & ALPHABETS or ("HANGUL" in scripts and scripts & CJK):
        return 0, len(units)
    good = 0
    for i in units:
        ch = core[i]
        wedged = (
            0 < i < len(core) - 1
            and core[i - 1].isascii()
            and core[i - 1].isalpha()
            and (core[i + 1].isascii() and core[i + 1].isalpha())
        )
        if not wedged and (script(ch) != "HAN" or common_han(ch)):
            good += 1
    return good, len(units)


def _token_units(token: str) -> tuple[int, int]:
    """(good, units) for one whitespace-separated token that holds non-ASCII characters."""
    if any(_bad_char(ch) for ch in token):
        return 0, 1
    core = token.strip("\"'«»„“”‚‘’()[]{}<>.,;:!?-–—№#*/")
    letters = [ch for ch in core if ch.isalpha()]
    if not letters:
        return 1, 1
    scripts = {script(ch) for ch in letters}
    if "HALFWIDTH" in scripts:
        # Half-width katakana alone is what a wrong double-byte code page makes of 8-bit text.
        return 0, 1
    if scripts & CJK or "HANGUL" in scripts:
        return _cjk_units(core)
    if len(scripts) > 1:
        return 0, 1
    # Inside a word a non-ASCII sign between letters (Ђ®¬) is a decoding accident.
    inner = [ch for ch in core if not ch.isalnum() and not ch.isascii()]
    if inner:
        return 0, 1
    (only,) = scripts
    if only in ALPHABETS:
        for word in "".join(ch if ch.isalpha() else " " for ch in core).split():
            if not _cased_ok(word):
                return 0, 1
            if len(word) >= 4 and not VOWELS & set(word.lower()):
                return 0, 1
            # Real Latin words carry a few accents (Präzision), not one on most letters.
            if only == "LATIN" and len(word) >= 3 and sum(not c.isascii() for c in word) * 2 > len(word):
                return 0, 1
    return 1, 1


def plausibility(text: str) -> Plausibility:
    """Score the tokens of a decoded sample that hold non-ASCII characters."""
    good = units = 0
    for token in TOKEN_SPLIT.split(text):
        if token.isascii():
            continue
        g, u = _token_units(token)
        good += g
        units += u
    return Plausibility(good, units)
