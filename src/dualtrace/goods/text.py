"""Description analysis: which watch categories and claims a free-text description names.

Descriptions come in Russian, English and Chinese, in capitals, with customs shorthand
("з/ч", "д/страйкбола"), Latin letters typed inside Cyrillic words and full-width characters.
``normalize`` makes them comparable: NFKC, case-folding, ё -> е, shorthand expanded, punctuation
to spaces, look-alike letters of the other script put back. ``Analyzer`` then finds every term of
the catalogue in one pass: Latin and Cyrillic terms word by word (a trailing ``*`` takes any
ending, so one stem covers the Russian cases), Chinese terms anywhere with an Aho-Corasick
automaton, and the few ``re:`` terms with their regex.

It works on one description at a time; the engine calls it once per *distinct* description.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

from dualtrace.goods.catalogue import Catalogue, CatalogueError

__all__ = ["Analyzer", "TextAnalysis", "normalize"]

_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")
_TOKEN = re.compile(f"[^\\W_{_CJK_RANGES}]+")
_SPACES = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-я]")
# Letters that look the same in both scripts (as they print in capitals, the way customs write).
_LAT = "aceopxykmtbh"
_CYR = "асеорхукмтвн"
_TO_CYRILLIC = str.maketrans(_LAT, _CYR)
_TO_LATIN = str.maketrans(_CYR, _LAT)
_MIN_PLURAL_STEM = 3
# A word with letters of both scripts.
_ADJACENT_SCRIPTS = re.compile(r"[a-z][а-я]|[а-я][a-z]")
_CANDIDATE_CACHE_MAX = 200_000


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


def _fix_script(token: str) -> str:
    """A word typed with letters of both scripts, put back in the script its other letters need.

    "KЛACC" (Latin K, A, C) becomes "класс": "л" exists only in Cyrillic. A word made only of
    look-alike letters follows the script most of its letters are in.
    """
    only_cyrillic = any(ch not in _CYR for ch in _CYRILLIC.findall(token))
    only_latin = any(ch not in _LAT for ch in _LATIN.findall(token))
    if only_cyrillic and only_latin:
        return token  # letters that exist in one script only, on both sides: leave it as written
    if only_cyrillic:
        return token.translate(_TO_CYRILLIC)
    if only_latin:
        return token.translate(_TO_LATIN)
    latin = len(_LATIN.findall(token))
    cyrillic = len(_CYRILLIC.findall(token))
    return token.translate(_TO_CYRILLIC) if cyrillic >= latin else token.translate(_TO_LATIN)


class _Abbreviations:
    """Customs shorthand. Written with punctuation ("з/ч", "д/") it is replaced in the folded
    text, only when the text has such punctuation at all; plain words ("имс") token by token."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        table = {_fold(source): _fold(target) for source, target in pairs}
        self.words = {k: v for k, v in table.items() if k.isalnum()}
        self.symbolic = {k: v for k, v in table.items() if not k.isalnum()}
        self.triggers = {ch for key in self.symbolic for ch in key if not ch.isalnum() and ch != " "}
        parts = []
        for source in sorted(self.symbolic, key=len, reverse=True):
            end = r"(?![^\W_])" if source[-1].isalnum() else ""
            parts.append(r"(?<![^\W_])" + re.escape(source) + end)
        self.pattern = re.compile("|".join(parts)) if parts else None

    def expand(self, text: str) -> str:
        if self.pattern is not None and any(ch in text for ch in self.triggers):
            return self.pattern.sub(lambda m: self.symbolic[m.group(0)], text)
        return text

    def expand_words(self, text: str) -> str:
        if not self.words:
            return text
        tokens = text.split(" ")
        if not any(token in self.words for token in tokens):
            return text
        return " ".join(self.words.get(token, token) for token in tokens)


def normalize(text: str | None, abbreviations: Iterable[tuple[str, str]] = ()) -> str:
    """Lower-case words separated by single spaces; Chinese kept; shorthand expanded."""
    if not text:
        return ""
    expander = _Abbreviations(abbreviations)
    return expander.expand_words(_normalize_folded(expander.expand(_fold(text))))


def _normalize_folded(folded: str) -> str:
    spaced = _SPACES.sub(" ", folded).strip()
    if not _ADJACENT_SCRIPTS.search(spaced):
        return spaced  # no word mixes scripts (checked cheaply: letters of both side by side)
    return " ".join(
        _fix_script(token) if _ADJACENT_SCRIPTS.search(token) else token for token in spaced.split(" ")
    )


# ------------------------------------------------------------------------------------------------
# Compiled terms


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool
    plural: bool

    def accepts(self, token: str) -> bool:
        if self.prefix:
            return token.startswith(self.text)
        if token == self.text:
            return True
        return self.plural and (token == self.text + "s" or token == self.text + "es")


# What a term belongs to: ("cat", id), ("combo", id, combo, group), ("not", id), ("claim", id),
# ("generic",), ("filler",).
Owner = tuple[str, ...]


@dataclass(frozen=True)
class _Term:
    owner: Owner
    source: str
    words: tuple[_Word, ...]


@dataclass(frozen=True)
class _Match:
    owner: Owner
    surface: str
    start: int  # token index, or -1 for a Chinese or regex match
    end: int
    chars: tuple[int, int] = (0, 0)  # character span in the normalised text


def _parse_words(term: str) -> tuple[_Word, ...]:
    words: list[_Word] = []
    raw_words = term.split()
    for position, raw in enumerate(raw_words):
        prefix = raw.endswith("*")
        core = _normalize_folded(_fold(raw.rstrip("*")))
        parts = core.split(" ") if core else []
        for index, part in enumerate(parts):
            last_part = index == len(parts) - 1
            is_prefix = prefix and last_part
            plural = (
                not is_prefix
                and last_part
                and position == len(raw_words) - 1
                and part.isascii()
                and part.isalpha()
                and len(part) >= _MIN_PLURAL_STEM
            )
            words.append(_Word(part, is_prefix, plural))
    return tuple(words)


@dataclass
class TextAnalysis:
    """What a description says, in the catalogue's terms."""

    description: str
    normalized: str
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    claims: dict[str, tuple[str, ...]] = field(default_factory=dict)
    purpose_only: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cancelled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    generic_terms: tuple[str, ...] = ()
    vague: bool = False

    @property
    def empty(self) -> bool:
        return not self.normalized

    def signature(self) -> tuple[object, ...]:
        """Everything the rules read (the description itself only when it is quoted: vague)."""
        return (
            tuple(self.categories.items()),
            tuple(self.claims.items()),
            self.vague,
            self.generic_terms,
            self.description if self.vague else None,
        )

    def terms(self) -> tuple[str, ...]:
        """Every word that named a category, in category order, without repeats."""
        seen: dict[str, None] = {}
        for words in self.categories.values():
            seen.update(dict.fromkeys(words))
        return tuple(seen)


class Analyzer:
    """The catalogue's terms compiled for fast matching of many descriptions."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._abbreviations = _Abbreviations(catalogue.abbreviations)
        self._exact: dict[str, list[_Term]] = defaultdict(list)
        self._prefix: dict[str, list[_Term]] = defaultdict(list)
        self._prefix_lengths: list[int] = []
        self._candidates: dict[str, tuple[_Term, ...]] = {}
        self._regexes: list[tuple[Owner, str, re.Pattern[str]]] = []
        self._automaton = ahocorasick.Automaton()
        self._cjk_count = 0
        self._combo_sizes: dict[tuple[str, int], int] = {}
        for category in catalogue.categories:
            for term in category.all_terms():
                self._add(("cat", category.id), term)
            for number, combo in enumerate(category.combos):
                self._combo_sizes[(category.id, number)] = len(combo)
                for group_number, group in enumerate(combo):
                    for term in group:
                        self._add(("combo", category.id, str(number), str(group_number)), term)
            for term in category.not_terms:
                self._add(("not", category.id), term)
        for claim in catalogue.claims:
            for term in claim.terms:
                self._add(("claim", claim.id), term)
        for term in catalogue.generic:
            self._add(("generic",), term)
        for term in catalogue.filler:
            self._add(("filler",), term)
        if self._cjk_count:
            self._automaton.make_automaton()
        self._prefix_lengths = sorted({len(key) for key in self._prefix})
        heads = [w for t in catalogue.accessory_heads for w in _parse_words(t)[:1]]
        self._head_words = frozenset(w.text for w in heads if not w.prefix) | frozenset(
            w.text + suffix for w in heads if w.plural for suffix in ("s", "es")
        )
        self._head_prefixes = tuple(w.text for w in heads if w.prefix)
        self._order = {category_id: n for n, category_id in enumerate(catalogue.ids())}
        self._purpose = {w.text for t in catalogue.purpose_words for w in _parse_words(t)}
        self._breaks = {w.text for t in catalogue.scope_breaks for w in _parse_words(t)}

    def _add(self, owner: Owner, term: str) -> None:
        if term.startswith("re:"):
            try:
                self._regexes.append((owner, term, re.compile(term[3:])))
            except re.error as exc:
                raise CatalogueError(f"term {term!r} of {owner[-1]}: not a valid regex ({exc})") from None
            return
        if _CJK.search(term):
            key = _normalize_folded(_fold(term)).replace(" ", "")
            if self._automaton.exists(key):
                owners: list[tuple[Owner, str]] = self._automaton.get(key)
                owners.append((owner, term))
            else:
                self._automaton.add_word(key, [(owner, term)])
                self._cjk_count += 1
            return
        words = _parse_words(term)
        if not words:
            raise CatalogueError(f"term {term!r} of {owner[-1]} has no letters or digits")
        compiled = _Term(owner, term, words)
        first = words[0]
        if first.prefix:
            self._prefix[first.text].append(compiled)
        else:
            self._exact[first.text].append(compiled)
            if first.plural and len(words) == 1:
                self._exact[first.text + "s"].append(compiled)
                self._exact[first.text + "es"].append(compiled)

    # -- matching --------------------------------------------------------------------------------

    def _matches(self, text: str, tokens: Sequence[str]) -> list[_Match]:
        found: list[_Match] = []
        count = len(tokens)
        for index, token in enumerate(tokens):
            candidates = self._candidates.get(token)
            if candidates is None:
                candidates = self._lookup(token)
            for term in candidates:
                words = term.words
                size = len(words)
                if size == 1:
                    found.append(_Match(term.owner, token, index, index + 1))
                    continue
                end = index + size
                if end <= count and all(words[k].accepts(tokens[index + k]) for k in range(1, size)):
                    found.append(_Match(term.owner, " ".join(tokens[index:end]), index, end))
        if self._cjk_count and _CJK.search(text):
            for end_char, owners in self._automaton.iter(text):
                for owner, term in owners:
                    length = len(_normalize_folded(_fold(term)).replace(" ", ""))
                    start_char = end_char - length + 1
                    found.append(_Match(owner, term, -1, -1, (start_char, end_char + 1)))
        for owner, _source, pattern in self._regexes:
            for hit in pattern.finditer(text):
                found.append(_Match(owner, hit.group(0).strip(), -1, -1, hit.span()))
        return found

    def _lookup(self, token: str) -> tuple[_Term, ...]:
        """Terms whose first word accepts the token (memoised: words repeat across lines)."""
        candidates = list(self._exact.get(token, ()))
        for length in self._prefix_lengths:
            if length > len(token):
                break
            candidates.extend(self._prefix.get(token[:length], ()))
        found = tuple(candidates)
        if len(self._candidates) >= _CANDIDATE_CACHE_MAX:
            self._candidates.clear()
        self._candidates[token] = found
        return found

    def _in_purpose_scope(self, tokens: Sequence[str], index: int) -> bool:
        for back in range(index - 1, -1, -1):
            token = tokens[back]
            if token in self._purpose:
                return True
            if token in self._breaks:
                return False
        return False

    def analyze(self, description: str | None) -> TextAnalysis:
        raw = description or ""
        text = (
            self._abbreviations.expand_words(_normalize_folded(self._abbreviations.expand(_fold(raw))))
            if raw
            else ""
        )
        analysis = TextAnalysis(raw, text)
        if not text:
            analysis.vague = True
            return analysis
        tokens = _TOKEN.findall(text)
        matches = self._matches(text, tokens)

        category_words: dict[str, list[str]] = {}
        category_matches: dict[str, list[_Match]] = {}
        combo_groups: dict[tuple[str, int], dict[int, list[_Match]]] = {}
        cancelling: dict[str, list[str]] = {}
        claims: dict[str, list[str]] = {}
        generic: list[str] = []
        covered_tokens: set[int] = set()
        covered_chars: set[int] = set()
        for match in matches:
            owner = match.owner
            kind = owner[0]
            if kind == "cat":
                category_words.setdefault(owner[1], []).append(match.surface)
                category_matches.setdefault(owner[1], []).append(match)
            elif kind == "combo":
                groups = combo_groups.setdefault((owner[1], int(owner[2])), {})
                groups.setdefault(int(owner[3]), []).append(match)
            elif kind == "not":
                cancelling.setdefault(owner[1], []).append(match.surface)
            elif kind == "claim":
                claims.setdefault(owner[1], []).append(match.surface)
            else:  # generic or filler
                if kind == "generic":
                    generic.append(match.surface)
                if match.start >= 0:
                    covered_tokens.update(range(match.start, match.end))
                else:
                    covered_chars.update(range(*match.chars))
        for (category_id, number), groups in combo_groups.items():
            if len(groups) == self._combo_sizes[(category_id, number)]:
                for group_matches in groups.values():
                    for match in group_matches:
                        category_words.setdefault(category_id, []).append(match.surface)
                        category_matches.setdefault(category_id, []).append(match)

        if category_words:
            is_accessory = bool(tokens) and (
                tokens[0] in self._head_words or tokens[0].startswith(self._head_prefixes)
            )
            for category_id in sorted(category_words, key=self._order.__getitem__):
                unique = tuple(dict.fromkeys(category_words[category_id]))
                if category_id in cancelling:
                    analysis.cancelled[category_id] = tuple(dict.fromkeys(cancelling[category_id]))
                    continue
                if is_accessory and all(
                    m.start > 0 and self._in_purpose_scope(tokens, m.start)
                    for m in category_matches[category_id]
                ):
                    analysis.purpose_only[category_id] = unique
                    continue
                analysis.categories[category_id] = unique
        if claims:
            analysis.claims = {claim: tuple(dict.fromkeys(words)) for claim, words in claims.items()}
        if generic:
            analysis.generic_terms = tuple(dict.fromkeys(generic))
            if not analysis.categories and not analysis.purpose_only:
                analysis.vague = self._only_generic(text, tokens, covered_tokens, covered_chars)
        return analysis

    @staticmethod
    def _only_generic(text: str, tokens: Sequence[str], tokens_done: set[int], chars_done: set[int]) -> bool:
        for index, token in enumerate(tokens):
            if index in tokens_done or len(token) == 1 or any(ch.isdigit() for ch in token):
                continue
            return False
        return all(position in chars_done for position, ch in enumerate(text) if _CJK.match(ch))
