"""Cyrillic to Latin letters: Russian and other Cyrillic names the way English lists write them
(BGN/PCGN-like, English loanwords back to English), and Chinese names spelled in Cyrillic read
back as pinyin (the Palladius system: "ШЭНЬЧЖЭНЬ" -> "shenzhen")."""

from __future__ import annotations

__all__ = ["CYR_LOANWORDS", "PALLADIUS_MARKS", "palladius_token", "translit_cyrillic"]

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ә": "a", "ө": "o", "ү": "u", "ұ": "u",
    "қ": "k", "ғ": "g", "ң": "n", "һ": "h",
}  # fmt: skip

# English words that Russian declarations spell in Cyrillic (names of foreign suppliers).
CYR_LOANWORDS = {
    "электроник": "electronic", "электроникс": "electronics", "электрикал": "electrical",
    "текнолоджи": "technology", "технолоджи": "technology", "текнолоджиз": "technologies",
    "технолоджиз": "technologies", "трейдинг": "trading", "трейд": "trade", "лимитед": "limited",
    "ко": "co", "лтд": "ltd", "инк": "inc", "корп": "corp", "корпорейшн": "corporation",
    "интернэшнл": "international", "интернешнл": "international", "интернешенел": "international",
    "групп": "group", "груп": "group", "компани": "company", "индастри": "industry",
    "индастриз": "industries", "холдинг": "holding", "холдингс": "holdings", "микро": "micro",
    "лазер": "laser", "авионикс": "avionics", "оптикс": "optics", "инжиниринг": "engineering",
    "систем": "system", "системс": "systems", "девайс": "device", "девайсиз": "devices",
    "компонентс": "components", "сэмикондактор": "semiconductor", "гонконг": "hong kong",
    "хонг": "hong", "конг": "kong", "энд": "and", "импорт": "import", "экспорт": "export",
    "солюшнс": "solutions", "солюшн": "solution", "сервис": "service", "логистик": "logistics",
    "энерджи": "energy", "пасифик": "pacific", "глобал": "global",
}  # fmt: skip


def translit_cyrillic(word: str) -> str:
    if word in CYR_LOANWORDS:
        return CYR_LOANWORDS[word]
    out = []
    for i, char in enumerate(word):
        if char == "е" and (i == 0 or word[i - 1] in "аеёиоуыэюяъь"):
            out.append("ye" if i > 0 else "e")  # BGN/PCGN: ye after vowels; lists write E- at start
        else:
            out.append(_CYR.get(char, char))
    return "".join(out)


PALLADIUS_MARKS = ("чж", "цз", "нь", "ао", "уа", "уй", "эй", "ай", "ян", "сюй")
_PAL_CONSONANTS = {
    "ш": "sh", "ч": "ch", "ж": "r", "х": "h", "к": "k", "г": "g", "б": "b", "п": "p", "д": "d",
    "т": "t", "м": "m", "ф": "f", "л": "l", "з": "z", "в": "w", "р": "r",
}  # fmt: skip
_VOWELS = "аеёиоуыэюя"


def palladius_token(word: str) -> str:
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
