"""Chinese characters to Latin letters: generic company words translated to the English that the
same firms' English names use, the rest as pinyin (pypinyin), one token per run."""

from __future__ import annotations

from pypinyin import lazy_pinyin

from dualtrace.normalize.scripts import char_script
from dualtrace.normalize.tables import table

__all__ = ["han_run", "is_han"]

# Generic words of Chinese company names and what English names of the same firms use ("" drops
# the word), and the places most names begin with (data/chinese_words.yaml).
_ZH_WORDS: dict[str, str] = dict(table("chinese_words")["words"])
# A place becomes a pinyin token of its own, so "厦门翔穹" splits like "Xiamen Xiangqiong".
_ZH_PLACES: list[str] = table("chinese_words")["places"]
for _place in _ZH_PLACES:
    _ZH_WORDS.setdefault(_place, "".join(lazy_pinyin(_place)))
_ZH_MAX = max(len(k) for k in _ZH_WORDS)


def is_han(char: str) -> bool:
    return char_script(char) == "Hani"


def han_run(run: str) -> str:
    """Translate generic words of a run of Chinese characters; the rest becomes pinyin."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append("".join(lazy_pinyin("".join(pending))))
            pending.clear()

    i = 0
    while i < len(run):
        for size in range(min(_ZH_MAX, len(run) - i), 0, -1):
            piece = run[i : i + size]
            if piece in _ZH_WORDS:
                flush()
                if _ZH_WORDS[piece]:
                    out.append(_ZH_WORDS[piece])
                i += size
                break
        else:
            pending.append(run[i])
            i += 1
    flush()
    return " ".join(out)
