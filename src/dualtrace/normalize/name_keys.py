"""Comparable keys of a party name, built on ``dualtrace.normalize.names.analyze``.

For "SHENZHEN HUARUI ELEC TECH CO., LTD." analyze gives the tokens ``shenzhen huarui electronic
technology`` (legal form gone, abbreviations expanded, Chinese and Cyrillic names in Latin letters);
from their transliteration skeletons (``skeleton``) this module derives:

``exact``     all skeletons, sorted: equal for case, punctuation, legal-form, abbreviation and
              word-order variants of one name;
``core``      the distinctive skeletons (not an activity, org or place word), sorted and joined without
              spaces: what tells one firm from another, whatever the word order;
``ordered``   the same in written order ("vektra mash" and "vektramash" give "vektramash");
``generic``   64-bit mask of the activity words ("electronic", "technology", "trading"...);
``places``    64-bit mask of the place words ("shenzhen", "moskva"...): a different city in the
              name is a different firm, a missing one is not;
``legal``     the Russian-style legal form class (llc, jsc, pjsc, cjsc, ojsc, llp) in any script:
              "ООО «Промдельта»" and "PROMDELTA PJSC" are two firms.

Keys are computed once per distinct name, in worker processes when there are many.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import unicodedata
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass

from dualtrace.normalize.names import GENERIC, alternates, analyze, token_weight
from dualtrace.normalize.tables import table

__all__ = [
    "PLACES",
    "NameKeys",
    "key_pool",
    "keys_for",
    "name_keys",
    "near_known",
    "palladius_reading",
    "skeleton",
]

_WORDS = table("name_key_words")
_PLACE_WORDS: str = _WORDS["places"]


def skeleton(token: str) -> str:
    """Collapse the spellings Russian names take in Latin letters (kh / h / x for х, ts / c for
    ц, y / i for й, shch / sch for щ) but keep pinyin initials apart: unlike screening's
    skeleton, "ch" and "h" stay different ("Chengli" is not "Hengli")."""
    s = token.replace("shch", "sh").replace("sch", "sh").replace("kh", "h").replace("x", "h")
    s = s.replace("ts", "c").replace("ck", "k").replace("ph", "f").replace("w", "v").replace("y", "i")
    return s


PLACES = frozenset(skeleton(w) for w in _PLACE_WORDS.split())
_GLUED_PLACES = sorted((w for w in _PLACE_WORDS.split() if len(w) >= 4), key=len, reverse=True)
_STOP = frozenset(
    skeleton(w) for w in ("and", "of", "the", "for", "de", "la", "le", "del", "al", "el", "ve", "i")
)
_DISTINCTIVE = 0.4  # token_weight: org words 0.1, activity words and places 0.3


# Words of company names that analyze() leaves alone, read the way resolution needs them
# (data/name_key_words.yaml says what each table is).
_PINYIN_ACTIVITIES: dict[str, str] = _WORDS["pinyin_activities"]
_SYNONYMS: dict[str, str] = _WORDS["synonyms"]
_ACTIVITY_WORDS = frozenset(w for v in _PINYIN_ACTIVITIES.values() for w in v.split()) | {"cnc"}


_PINYIN_START = re.compile(r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouv]")


def _resolution_tokens(
    tokens: tuple[str, ...], weights: tuple[float, ...], han: bool
) -> list[tuple[str, float]]:
    """analyze() tokens with synonyms unified and, for names written in Chinese, glued pinyin
    split into place + brand + activity ("jinhuatiandunhuwaiyongpin" -> jinhua tiandun outdoor
    product)."""
    out: list[tuple[str, float]] = []
    for token, weight in zip(tokens, weights, strict=True):
        if token in _SYNONYMS:
            token = _SYNONYMS[token]
            weight = token_weight(token)
        pieces = [token]
        if han and weight >= _DISTINCTIVE and token.isascii():
            for place in _GLUED_PLACES:
                rest = token[len(place) :]
                if token.startswith(place) and len(rest) >= 4 and _PINYIN_START.match(rest):
                    pieces = [place, rest]
                    break
            last = pieces[-1]
            for word, english in _PINYIN_ACTIVITIES.items():
                if last == word:
                    pieces = [*pieces[:-1], *english.split()]
                    break
                if last.endswith(word) and len(last) - len(word) >= 4:
                    pieces = [*pieces[:-1], last[: -len(word)], *english.split()]
                    break
        for piece in pieces:
            if piece in _ACTIVITY_WORDS:
                out.append((piece, 0.3))
            elif piece == token:
                out.append((piece, weight))
            else:
                out.append((piece, token_weight(piece)))
    return out


_PINYIN_SYLLABLES = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|iao|ian|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er"
    r"|a|o|e|i|u|v))+$"
)


def palladius_reading(name: str) -> str | None:
    """The pinyin reading of a Chinese name written in Cyrillic ("СЯМЫНЬ СЯНЦЮН" -> "xiamen
    xiangqiong"), when every distinctive word of that reading is pinyin; None for Russian names
    ("Янтарь" would read "yangtar": not pinyin)."""
    readings = alternates(name)
    if not readings:
        return None
    reading = readings[0]
    words = [t for t, w in zip(reading.tokens, reading.weights, strict=True) if w >= _DISTINCTIVE]
    if not words or not all(t.isascii() and _PINYIN_SYLLABLES.match(t) for t in words):
        return None
    return " ".join(reading.tokens)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# A typo in an activity or place word ("ELECTRONC", "SHENZHNE") must not make it look like a
# distinctive word: tokens one edit away from a known long word are read as that word.
_KNOWN = {w for w in GENERIC | set(_PLACE_WORDS.split()) if len(w) >= 6 and " " not in w}
_BY_DELETION: dict[str, set[str]] = {}
for _word in _KNOWN:
    for _d in _deletions(_word):
        _BY_DELETION.setdefault(_d, set()).add(_word)


def near_known(token: str) -> str | None:
    """The activity or place word a token misspells by one edit, if exactly one."""
    if len(token) < 5 or token in _KNOWN:
        return None
    found = set(_BY_DELETION.get(token, ()))  # a letter left out
    for d in _deletions(token):
        if d in _KNOWN:  # a letter added
            found.add(d)
        found |= _BY_DELETION.get(d, set())  # a letter changed or two swapped
    found.discard(token)
    return next(iter(found)) if len(found) == 1 else None


@dataclass(frozen=True)
class NameKeys:
    norm: str
    exact: str
    core: str
    ordered: str
    distinct: str  # distinctive skeletons, sorted, space separated
    generic: int
    places: int
    tokens: int
    legal: str
    reading: str = ""  # the pinyin reading of a Chinese name written in Cyrillic, if any


_LEGAL = [
    ("pjsc", r"пао|pao|pjsc|public joint[- ]stock|публичное акционерное|publichnoe aktsionernoe"),
    ("cjsc", r"зао|zao|cjsc|closed joint[- ]stock|закрытое акционерное|zakrytoe aktsionernoe"),
    ("ojsc", r"оао|oao|ojsc|open joint[- ]stock|открытое акционерное|otkrytoe aktsionernoe"),
    ("jsc", r"ао|ao|jsc|joint[- ]stock|акционерное общество|aktsionernoe obshchestvo"),
    (
        "llc",
        r"ооо|ooo|llc|l\.l\.c\.?|limited liability|общество с ограниченной|obshchestvo s ogranichennoy"
        r"|тов|tov|осоо|osoo",
    ),
    ("llp", r"тоо|too|llp"),
]
_LEGAL_RE = [(code, re.compile(rf"(?<![\w])(?:{pattern})(?![\w])")) for code, pattern in _LEGAL]


def legal_form(name: str) -> str:
    """The legal form class a name states ("" when none of the classes)."""
    low = name.casefold()
    for code, pattern in _LEGAL_RE:
        if pattern.search(low):
            return code
    return ""


def _bit(word: str) -> int:
    return 1 << (zlib.crc32(word.encode("utf-8")) % 63)


def keys_for(name: str) -> NameKeys:
    key = analyze(name)
    pairs = _resolution_tokens(key.tokens, key.weights, any("\u4e00" <= c <= "\u9fff" for c in name))
    tokens = [t for t, _ in pairs]
    skels = [skeleton(t) for t in tokens]
    weights = [w for _, w in pairs]
    for i, token in enumerate(tokens):
        if weights[i] >= _DISTINCTIVE and skels[i] not in PLACES:
            known = near_known(token)
            if known is not None:
                skels[i] = skeleton(known)
                weights[i] = 0.3
    distinct: list[str] = []
    written: list[str] = []
    generic = places = 0
    for sk, weight in zip(skels, weights, strict=True):
        if sk in _STOP:
            continue
        if sk in PLACES:
            places |= _bit(sk)
        elif weight >= _DISTINCTIVE:
            distinct.append(sk)
            written.append(sk)
        elif weight > 0.1:  # org words ("group", "company") say nothing either way
            generic |= _bit(sk)
    distinct.sort()
    core = "".join(distinct) if distinct else "".join(sorted(skels))
    ordered = "".join(written) if written else "".join(skels)
    return NameKeys(
        norm=" ".join(tokens),
        exact=" ".join(sorted(s for s in skels if s not in _STOP)),
        core=core,
        ordered=ordered,
        distinct=" ".join(distinct),
        generic=generic,
        places=places,
        tokens=len(skels),
        legal=legal_form(name),
        reading=(palladius_reading(name) or "") if any("\u0400" <= c <= "\u04ff" for c in name) else "",
    )


def _prekey(name: str) -> str:
    # analyze() case-folds (NFKC first) and splits on white space: names that differ only there
    # have the same keys, and customs data is full of them.
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _chunk(names: Sequence[str]) -> list[tuple[str, str, str, str, str, int, int, int, str, str]]:
    return [astuple(keys_for(n)) for n in names]  # tuples pickle faster than dataclasses


def key_pool(workers: int | None = None) -> ProcessPoolExecutor | None:
    """Worker processes for ``name_keys``, or None for one process. Start it early: forked
    workers share what the caller held at that moment (copy-on-write), so forking before the
    records are read keeps them small; fork, unlike spawn, never re-imports the caller's script."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    pool.submit(os.getpid).result()  # with fork, the first task starts every worker: now
    return pool


def name_keys(names: Sequence[str], pool: ProcessPoolExecutor | None = None) -> list[NameKeys]:
    """Keys of every name, in order; in the pool's processes when the list is long."""
    pre = [_prekey(n) for n in names]
    distinct = sorted(set(pre))
    if pool is None or len(distinct) < 50_000:
        computed = _chunk(distinct)
    else:
        size = max(5_000, len(distinct) // 32)
        chunks = [distinct[i : i + size] for i in range(0, len(distinct), size)]
        computed = []
        for part in pool.map(_chunk, chunks):
            computed.extend(part)
    by_pre = {p: NameKeys(*k) for p, k in zip(distinct, computed, strict=True)}
    return [by_pre[p] for p in pre]
