"""Which script a text is written in, by the Unicode blocks of its letters (ISO 15924 codes)."""

from __future__ import annotations

__all__ = ["VOWELLESS", "char_script", "script_of"]

# Scripts that do not write short vowels: their transliterations compare by consonants.
VOWELLESS = {"Arab", "Hebr"}


def char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "Latn"
    if 0x400 <= code <= 0x52F:
        return "Cyrl"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "Hani"
    if 0x370 <= code <= 0x3FF:
        return "Grek"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F:
        return "Arab"
    if 0x590 <= code <= 0x5FF:
        return "Hebr"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "Hang"
    if 0x3040 <= code <= 0x30FF:
        return "Jpan"
    return "Zyyy"


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of text are written in ("Zyyy" if none)."""
    counts: dict[str, int] = {}
    for char in text:
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Zyyy"
    return max(counts.items(), key=lambda kv: kv[1])[0]
