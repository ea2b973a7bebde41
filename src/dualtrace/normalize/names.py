"""Name normalisation for screening: one comparable form for a name in any script or spelling.

``analyze("ООО «Вектрамаш»")`` and ``analyze("VEKTRAMASH LIMITED LIABILITY COMPANY")`` both give the
tokens ``["vektramash"]``. The steps, in order:

1. Unicode NFKC and case folding; quotes, brackets and punctuation become spaces.
2. Chinese runs: longest-match translation of generic company words (电子 -> electronic,
   科技 -> technology, 有限公司 -> a legal form, 市 -> a city marker that is dropped), the
   remaining characters become pinyin (pypinyin), one token per run ("联芯锐达" -> "lianxinruida").
   Traditional and simplified characters give the same pinyin.
3. Cyrillic: legal forms are removed in Russian (rigour: "общество с ограниченной
   ответственностью", "ООО", "АО"...), then transliterated (BGN/PCGN-like, the way Russian
   names appear in English lists); English loanwords spelled in Cyrillic ("ЭЛЕКТРОНИК",
   "ТЕКНОЛОДЖИ", "ЛИМИТЕД") go back to English.
4. Latin: legal forms removed (rigour's org-type tables: "Co., Ltd.", "LLC", "JSC", "OOO", "GmbH"...),
   customs abbreviations expanded ("ELEC" -> electronic, "TECH" -> technology, "INTL",
   "TRDG", "SRVCS"...), "HK" -> hong kong, light stemming ("electronics" -> electronic,
   "technologies" -> technology), Russian org-type phrases ("NPO", "scientific and production
   association") dropped.

A token's *skeleton* (``skeleton``) collapses transliteration variants (kh/h, ch/h, c/k, y/i,
double letters) so "Tekhkrim" and "Techkrim" compare equal. A token's *weight* says how much it
identifies a company: generic words ("technology", "trading") and place names count little.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from normality import ascii_text
from pypinyin import lazy_pinyin
from rigour.names import remove_org_types

from dualtrace.normalize.chinese import han_run, is_han
from dualtrace.normalize.cyrillic import PALLADIUS_MARKS, palladius_text, translit_cyrillic
from dualtrace.normalize.scripts import VOWELLESS, char_script, script_of
from dualtrace.normalize.tables import table

__all__ = [
    "GENERIC",
    "VOWELLESS",
    "NameKey",
    "alternates",
    "analyze",
    "latinize",
    "phonetic",
    "script_of",
    "skeleton",
    "token_weight",
]

# --- Latin -----------------------------------------------------------------------------------

# Customs-style abbreviations and their full words (after case folding).
_ABBREVIATIONS: dict[str, str] = table("latin_words")["abbreviations"]

# Phrases that are org types in Russian practice but not in rigour's tables; dropped.
_ORG_PHRASES = re.compile(
    r"\b(?:scientific (?:and )?production (?:association|enterprise|company|center|centre)"
    r"|research (?:and )?production (?:association|enterprise|company|center|centre)"
    # "proizvodstvennoye" / "proizvodstvennoe", "obyedineniye" / "obedinenie" / "obyedinenie"
    r"|nauchno proizvodstvennoy?e (?:oby?edineniy?e|predpriyatiy?e)"
    r"|goskorporatsiya|gosudarstvennaya korporatsiya|state corporation|state corp"
    r"|npo|npp|nii|fgup|gup|mup|nao|ano)\b"
)

_LEGAL_TAIL = re.compile(
    r"\b(?:co|company|limited|ltd|llc|inc|corp|corporation|plc|llp|lp|sa|ag|gmbh|bv|nv|srl|spa"
    r"|sirketi|sti|fze|fzco|fz llc|jsc|pjsc|ojsc|cjsc|ooo|oao|zao|pao|ao|tov|too|osoo|pte|pvt"
    r"|sdn bhd|bhd|kg|kft|sro|s r o|oy|ab|as|a s|doo|d o o|coltd)\b"
)

# Words that say what a firm does or where, not which firm it is (weight < 1).
GENERIC: set[str] = set(table("latin_words")["generic"])
# Words that only say a firm is a firm: nearly weightless.
ORG_WORDS: set[str] = set(table("latin_words")["org_words"])
# Patronymics are often left out of a person's name: they weigh little.
_PATRONYMIC = re.compile(r".+(?:ovich|evich|ovna|evna|ichna|vich|ovych|ivna)$")

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_DIGITS_LETTERS = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def _stem(token: str) -> str:
    if len(token) <= 4 or token.isdigit():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("ics"):
        return token[:-1]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# Markup pasted with a name from a web page or an export: a script or style element with its
# content, a comment, or a tag. Kept, it weighs as words of the name ("script alert 1 script").
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|</?[a-z][^<>]{0,200}>", re.S | re.I)
# Invisible characters a web page leaves inside words (soft hyphen, zero-width space and joiners).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def _unmarkup(text: str) -> str:
    if "<" in text:
        text = _MARKUP.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return _INVISIBLE.sub("", text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", _unmarkup(text)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "").replace("`", "")
    return text


@lru_cache(maxsize=200_000)
def latinize(name: str) -> str:
    """Name in lower-case Latin letters: Chinese to pinyin (with generic words in English),
    Cyrillic transliterated; legal forms are kept."""
    text = _clean(name)
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if is_han(char):
            j = i
            while j < len(text) and is_han(text[j]):
                j += 1
            out.append(" " + han_run(text[i:j]) + " ")
            i = j
            continue
        out.append(char)
        i += 1
    text = "".join(out)
    if any(char_script(c) == "Cyrl" for c in text):
        # Russian legal forms are known to rigour in Cyrillic; remove them before transliterating.
        text = remove_org_types(" ".join(_PUNCT.sub(" ", text).split()))
        text = " ".join(
            translit_cyrillic(w) if any(char_script(c) == "Cyrl" for c in w) else w for w in text.split()
        )
    if any(char_script(c) in _ICU_SCRIPTS for c in text):
        # Arabic, Hebrew, Greek, Korean, Japanese: ICU transliteration through normality (the
        # library nomenklatura and rigour use), word by word so Latin words stay as they are.
        text = " ".join(
            (ascii_text(w) or w) if any(char_script(c) in _ICU_SCRIPTS for c in w) else w
            for w in text.split()
        )
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text).replace("_", " ").split())


_ICU_SCRIPTS = {"Arab", "Hebr", "Grek", "Hang", "Jpan", "Zyyy"}


_NUMBERS = table("number_words")
_NUMBER_WORDS = {str(k): str(v) for k, v in _NUMBERS["numbers"].items()}
_NUMBER_MARKERS = frozenset(_NUMBERS["number_markers"])
# A legal form glued to the name in the list's own capitals ("SiemensAG", "GazpromOOO").
_GLUED_FORM = re.compile(
    r"(?<=[a-z])(AG|GmbH|LLC|LLP|Ltd|LTD|Inc|Corp|SA|SpA|BV|NV|PLC|JSC|OOO|OAO|ZAO|PAO)\b"
)


def _numbers(words: list[str]) -> list[str]:
    """Number words to digits; "number"/"no"/"nomer" before a number dropped."""
    out = [_NUMBER_WORDS.get(w, w) for w in words]
    return [
        w
        for i, w in enumerate(out)
        if not (w in _NUMBER_MARKERS and i + 1 < len(out) and out[i + 1].isdigit())
    ]


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    name = _GLUED_FORM.sub(r" \1", name)
    # Legal forms are removed before accents are: rigour's tables spell them with accents
    # ("Gesellschaft mit beschränkter Haftung").
    cleaned = " ".join(_PUNCT.sub(" ", _clean(name)).split())
    unformed = remove_org_types(cleaned).strip()
    text = latinize(unformed if unformed and unformed != cleaned else name)
    text = _DIGITS_LETTERS.sub(" ", text) if re.search(r"\d", text) else text
    words = _numbers([_ABBREVIATIONS.get(w, w) for w in text.split()])
    text = " ".join(words)
    stripped = remove_org_types(text)
    stripped = _ORG_PHRASES.sub(" ", stripped)
    stripped = _LEGAL_TAIL.sub(" ", stripped)
    tokens = [_stem(t) for t in stripped.split() if t]
    if not tokens:  # a name that is only a legal form or an org word: keep what there was
        tokens = [_stem(t) for t in text.split()]
    return tuple(tokens)


@lru_cache(maxsize=400_000)
def skeleton(token: str) -> str:
    """Collapse transliteration variants of one Latin token (kh/ch -> h, c/q -> k, y/j -> i,
    w -> v, ph -> f, x -> ks, doubled letters)."""
    s = token
    if s.startswith("ye"):  # Yevgeniy / Evgeniy
        s = s[1:]
    for a, b in (
        ("shch", "sh"), ("sch", "sh"), ("tch", "ch"), ("ch", "h"), ("kh", "h"), ("ph", "f"),
        ("zh", "j"), ("yo", "e"),
    ):  # fmt: skip
        s = s.replace(a, b)
    s = s.replace("ck", "k").replace("x", "ks").replace("q", "k").replace("c", "k").replace("w", "v")
    s = s.replace("y", "i").replace("j", "i").replace("ie", "i")
    out: list[str] = []
    for char in s:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=400_000)
def phonetic(token: str) -> str:
    """A coarse blocking key: the skeleton's first letter and its consonants ("svetorog" ->
    "svtrg"), so one-letter vowel typos share a key. A leading vowel is any vowel and z is s
    ("Ambrella"/"Umbrella", "Dagdizel"/"Dagdiesel"): transliterations differ there most."""
    s = skeleton(token)
    if not s:
        return s
    head = "a" if s[0] in "aeiou" else s[0]
    return (head + "".join(c for c in s[1:] if c not in "aeiou")).replace("z", "s")


def token_weight(token: str) -> float:
    """How much a token identifies a firm: org words 0.1, generic words, places and patronymics
    0.3, short tokens less than long ones."""
    if token in ORG_WORDS:
        return 0.1
    if token in GENERIC or _PATRONYMIC.fullmatch(token):
        return 0.3
    if token.isdigit():
        return 0.5
    if len(token) <= 2:
        return 0.4
    if len(token) == 3:
        return 0.7
    return 1.0


@dataclass(frozen=True)
class NameKey:
    """A name ready for comparison."""

    name: str
    script: str
    latin: str
    tokens: tuple[str, ...]
    skeletons: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def norm(self) -> str:
        return " ".join(self.tokens)

    @property
    def total_weight(self) -> float:
        return sum(self.weights)


@lru_cache(maxsize=200_000)
def analyze(name: str) -> NameKey:
    """Normalise a name for comparison (see the module docstring)."""
    tokens = _tokens(name)
    return NameKey(
        name=name,
        script=script_of(name),
        latin=latinize(name),
        tokens=tokens,
        skeletons=tuple(skeleton(t) for t in tokens),
        weights=tuple(token_weight(t) for t in tokens),
    )


_ZH_COMPOUND_SURNAMES = frozenset(table("chinese_surnames")["compound"])
_ZH_SURNAMES = frozenset(table("chinese_surnames")["single"])


def _chinese_person(name: str) -> NameKey | None:
    """A Chinese person's name of two to four characters read as "surname given" ("李尚福" ->
    "li shangfu"), the way lists write it in Latin letters; None for anything else."""
    text = "".join(_clean(name).split())
    if not 2 <= len(text) <= 4 or not all(is_han(c) for c in text):
        return None
    if text[:2] in _ZH_COMPOUND_SURNAMES and len(text) >= 3:
        surname, given = text[:2], text[2:]
    elif text[0] in _ZH_SURNAMES:
        surname, given = text[0], text[1:]
    else:
        return None
    key = analyze("".join(lazy_pinyin(surname)) + " " + "".join(lazy_pinyin(given)))
    return NameKey(name, "Hani", key.latin, key.tokens, key.skeletons, key.weights)


@lru_cache(maxsize=400_000)  # asked of every listed name a query is compared with
def alternates(name: str) -> tuple[NameKey, ...]:
    """Other readings of a name worth comparing: a Chinese name written in Cyrillic
    ("ШЭНЬЧЖЭНЬ ЛЯНЬСИНЬ ЖУЙДА") is read back as pinyin ("shenzhen lianxin ruida"); a short
    Chinese name is also read as a person's "surname given" ("李尚福" -> "li shangfu")."""
    person = _chinese_person(name)
    if person is not None:
        return (person,)
    low = _clean(name)
    if not any(m in low for m in PALLADIUS_MARKS) or script_of(low) != "Cyrl":
        return ()
    key = analyze(palladius_text(_PUNCT.sub(" ", low).split()))
    return (NameKey(name, key.script, key.latin, key.tokens, key.skeletons, key.weights),)
