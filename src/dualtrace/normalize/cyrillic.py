"""Cyrillic to Latin letters: Russian and other Cyrillic names the way English lists write them
(BGN/PCGN-like, English loanwords back to English), and Chinese names spelled in Cyrillic read
back as pinyin (the Palladius system: "ШЭНЬЧЖЭНЬ" -> "shenzhen")."""

from __future__ import annotations

from dualtrace.normalize.scripts import char_script
from dualtrace.normalize.tables import table

__all__ = ["PALLADIUS_MARKS", "palladius_text", "translit_cyrillic"]

_CYR: dict[str, str] = table("cyrillic")["letters"]

# English words that Russian declarations spell in Cyrillic (names of foreign suppliers).
_CYR_LOANWORDS: dict[str, str] = table("cyrillic")["loanwords"]


def translit_cyrillic(word: str) -> str:
    if word in _CYR_LOANWORDS:
        return _CYR_LOANWORDS[word]
    out = []
    for i, char in enumerate(word):
        if char == "е" and (i == 0 or word[i - 1] in "аеёиоуыэюяъь"):
            out.append("ye" if i > 0 else "e")  # BGN/PCGN: ye after vowels; lists write E- at start
        else:
            out.append(_CYR.get(char, char))
    return "".join(out)


PALLADIUS_MARKS = ("чж", "цз", "нь", "ао", "уа", "уй", "эй", "ай", "ян", "сюй")
_PAL_CONSONANTS: dict[str, str] = table("cyrillic")["palladius_consonants"]
_VOWELS = "аеёиоуыэюя"


def _palladius_token(word: str) -> str:
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        prev = word[i - 1] if i > 0 else ""
        after_consonant = bool(prev) and prev not in _VOWELS and prev != "ь"
        if word.startswith("чж", i):
            out.append("zh")
            i += 2
            continue
        if word.startswith("цз", i):
            out.append("j")
            i += 2
            continue
        if word.startswith("ынь", i):
            out.append("en")
            i += 3
            continue
        if ch == "ц":
            out.append("q" if nxt in "июя" else "c")
        elif ch == "с":
            out.append("x" if nxt in "июя" else "s")
        elif ch == "н":
            if nxt == "ь":
                out.append("n")
                i += 1
            elif not nxt or nxt not in _VOWELS:
                out.append("ng")
            else:
                out.append("n")
        elif ch == "я":
            out.append("ia" if after_consonant else "ya")
        elif ch == "ю":
            ng = nxt == "н" and (i + 2 >= n or word[i + 2] != "ь")
            out.append(("io" if ng else "iu") if after_consonant else ("yo" if ng else "yu"))
        elif ch == "е":
            out.append("ie" if after_consonant else "ye")
        elif ch in "ыэ":
            out.append("i" if ch == "ы" else "e")
        elif ch == "й":
            out.append("i")
        elif ch == "ь":
            pass
        else:
            out.append(_PAL_CONSONANTS.get(ch, _CYR.get(ch, ch)))
        i += 1
    return "".join(out)


def palladius_text(words: list[str]) -> str:
    """A Chinese name's words written in Cyrillic read back as pinyin; English loanwords and words
    in other scripts as they are."""
    out = []
    for w in words:
        if w in _CYR_LOANWORDS or not any(char_script(c) == "Cyrl" for c in w):
            out.append(_CYR_LOANWORDS.get(w, w))
        else:
            out.append(_palladius_token(w))
    return " ".join(out)
