"""Compare two analysed names token by token, with the pairs that matched as the explanation.

Tokens are aligned greedily, best pair first: a token may match a token (equal, or close by
edit distance on the transliteration skeleton), two or three adjacent tokens of the other name
written together ("kong fung" / "kongfung", "lianxin ruida" / "lianxinruida"), or the initials
of a run of tokens ("uzso" / "uralskiy zavod spetsialnoy optiki"). Each token carries a weight
(generic words and places weigh little). The similarity is a weighted coverage:

    similarity = QUERY_SHARE * covered(query) + (1 - QUERY_SHARE) * covered(list name)

so a query that is a shorter form of the list name still scores well ("Svetorog" against
"UZSO Svetorog"), while a query with a distinctive word the list name lacks does not
("Hongrui Electronic Technology" against "Lianxin Ruida Electronic Technology").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from dualtrace.normalize.names import VOWELLESS, NameKey, phonetic

__all__ = ["QUERY_SHARE", "NameMatch", "compare_names", "token_similarity"]

QUERY_SHARE = 0.7
# A name transliterated from a script without short vowels (Arabic "hsyn") against its Latin
# form ("Hussein"): the same consonants in order are a likely match, not a certain one.
CONSONANT_MATCH = 0.85
# An initial ("V.") against a word it abbreviates ("Vladimir").
INITIAL_MATCH = 0.8
# When no distinctive token (weight >= 0.7) matched and the names are not word for word the
# same, they share only generic words.
GENERIC_ONLY_FACTOR = 0.6
LEAD_EXTRA = 0.5


@dataclass(frozen=True)
class NameMatch:
    similarity: float
    query_coverage: float
    list_coverage: float
    pairs: tuple[tuple[str, str, float], ...]  # (query part, list part, similarity)

    def describe(self) -> str:
        parts = [f"{a}={b}" if s == 1.0 else f"{a}~{b} {s:.2f}" for a, b, s in self.pairs]
        return ", ".join(parts) if parts else "no word in common"


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """1.0 for equal skeletons; for longer tokens the normalised edit similarity when it is high
    enough to be a spelling variant, else 0."""
    if a == b:
        return 1.0
    shorter = min(len(a), len(b))
    if shorter <= 3:
        return 0.0
    sim = Levenshtein.normalized_similarity(a, b)
    if max(len(a), len(b)) <= 5:
        return sim if sim >= 0.8 else 0.0
    return sim if sim >= 0.7 else 0.0


def _loose_similarity(a: str, b: str, vowelless: bool, initials: bool = True) -> float:
    """``initials``: a one-letter skeleton may be an initial (it was written as one letter, not
    a short word such as the given name "Yi", whose skeleton is "i")."""
    sim = token_similarity(a, b)
    if sim:
        return sim
    if initials and (len(a) == 1) != (len(b) == 1) and a[0] == b[0]:
        return INITIAL_MATCH
    if vowelless and min(len(a), len(b)) >= 3 and phonetic(a) == phonetic(b):
        return CONSONANT_MATCH
    return 0.0


@lru_cache(maxsize=200_000)
def _units(skeletons: tuple[str, ...]) -> tuple[tuple[tuple[int, ...], str], ...]:
    """Concatenations of 2 and 3 adjacent tokens."""
    out = []
    n = len(skeletons)
    for size in (2, 3):
        for start in range(0, n - size + 1):
            idx = tuple(range(start, start + size))
            out.append((idx, "".join(skeletons[i] for i in idx)))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _acronyms(tokens: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    n = len(tokens)
    for size in range(2, min(5, n) + 1):
        for start in range(0, n - size + 1):
            idx = tuple(range(start, start + size))
            out.setdefault("".join(tokens[i][0] for i in idx), idx)
    return out


Candidate = tuple[float, float, tuple[int, ...], tuple[int, ...]]


def _word_pairs(
    query: NameKey, listed: NameKey, vowelless: bool
) -> tuple[list[Candidate], set[int], set[int]]:
    """Every token against every token; also which tokens found an exact partner."""
    qs, cs = query.skeletons, listed.skeletons
    qw, cw = query.weights, listed.weights
    found: list[Candidate] = []
    exact_q: set[int] = set()
    exact_c: set[int] = set()
    for i, a in enumerate(qs):
        la = len(a)
        for j, b in enumerate(cs):
            if a == b:
                sim = 1.0
            else:
                lb = len(b)
                shorter, longer = (la, lb) if la < lb else (lb, la)
                # Neither an initial nor consonants to compare: only an edit-distance variant can
                # match, and it cannot when the lengths differ this much (most pairs; skipped fast).
                if not vowelless and shorter > 1 and (shorter <= 3 or shorter * 10 < longer * 7):
                    continue
                initials = len(query.tokens[i]) == 1 or len(listed.tokens[j]) == 1
                sim = _loose_similarity(a, b, vowelless, initials)
            if sim:
                found.append((sim, qw[i] + cw[j], (i,), (j,)))
                if sim == 1.0:
                    exact_q.add(i)
                    exact_c.add(j)
    return found, exact_q, exact_c


def _joined_pairs(
    query: NameKey, listed: NameKey, vowelless: bool, exact_q: set[int], exact_c: set[int]
) -> list[Candidate]:
    """Tokens written together on one side and apart on the other, and acronyms."""
    qs, cs = query.skeletons, listed.skeletons
    qw, cw = query.weights, listed.weights
    found: list[Candidate] = []
    for idx, joined in _units(qs):
        for j, b in enumerate(cs):
            if j not in exact_c and len(b) >= 5 and abs(len(b) - len(joined)) <= 2:
                sim = _loose_similarity(joined, b, vowelless)
                if sim >= 0.85:
                    found.append((sim, sum(qw[i] for i in idx) + cw[j], idx, (j,)))
    for idx, joined in _units(cs):
        for i, a in enumerate(qs):
            if i not in exact_q and len(a) >= 5 and abs(len(a) - len(joined)) <= 2:
                sim = _loose_similarity(a, joined, vowelless)
                if sim >= 0.85:
                    found.append((sim, qw[i] + sum(cw[j] for j in idx), (i,), idx))
    listed_acronyms = _acronyms(listed.tokens)
    for i, a in enumerate(query.tokens):
        if i not in exact_q and a in listed_acronyms:
            idx = listed_acronyms[a]
            found.append((0.9, qw[i] + sum(cw[j] for j in idx), (i,), idx))
    query_acronyms = _acronyms(query.tokens)
    for j, b in enumerate(listed.tokens):
        if j not in exact_c and b in query_acronyms:
            idx = query_acronyms[b]
            found.append((0.9, sum(qw[i] for i in idx) + cw[j], idx, (j,)))
    return found


def compare_names(query: NameKey, listed: NameKey) -> NameMatch:
    qs, cs = query.skeletons, listed.skeletons
    if not qs or not cs:
        return NameMatch(0.0, 0.0, 0.0, ())
    if qs == cs:  # the same words in the same order: nothing to align
        same = tuple((a, b, 1.0) for a, b in zip(query.tokens, listed.tokens, strict=True))
        return NameMatch(1.0, 1.0, 1.0, same)
    vowelless = query.script in VOWELLESS or listed.script in VOWELLESS
    found, exact_q, exact_c = _word_pairs(query, listed, vowelless)
    # joined words and acronyms are only worth looking for while some token has no exact partner
    if (len(exact_q) < len(qs) or len(exact_c) < len(cs)) and (len(qs) > 1 or len(cs) > 1):
        found.extend(_joined_pairs(query, listed, vowelless, exact_q, exact_c))
    return _align(query, listed, found)


def _align(query: NameKey, listed: NameKey, found: list[Candidate]) -> NameMatch:
    """Greedy one-to-one alignment, best pair first, and the weighted coverage of both sides."""
    qw, cw = query.weights, listed.weights
    found.sort(key=lambda c: (c[0], c[1]), reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    covered_q = covered_c = 0.0
    distinctive = False
    pairs: list[tuple[str, str, float]] = []
    for sim, _, qi, ci in found:
        if used_q.intersection(qi) or used_c.intersection(ci):
            continue
        used_q.update(qi)
        used_c.update(ci)
        wq = sum(qw[i] for i in qi)
        wc = sum(cw[j] for j in ci)
        covered_q += sim * wq
        covered_c += sim * wc
        distinctive = distinctive or max(qw[i] for i in qi) >= 0.7 or max(cw[j] for j in ci) >= 0.7
        pairs.append(
            (" ".join(query.tokens[i] for i in qi), " ".join(listed.tokens[j] for j in ci), round(sim, 3))
        )
    # The list name's first distinctive word is its most telling one ("SUNWIN Meridian Trading",
    # "BOSPHORUS Nexus"): missing it costs more.
    lead = next((j for j, w in enumerate(cw) if w >= 0.7), None)
    total_c = listed.total_weight
    if lead is not None and lead not in used_c:
        total_c += LEAD_EXTRA * cw[lead]
    cov_q = covered_q / query.total_weight
    cov_c = covered_c / total_c
    similarity = QUERY_SHARE * cov_q + (1 - QUERY_SHARE) * cov_c
    if not distinctive and min(cov_q, cov_c) < 0.95:  # same words throughout is the same name
        similarity *= GENERIC_ONLY_FACTOR
    return NameMatch(round(similarity, 4), round(cov_q, 4), round(cov_c, 4), tuple(pairs))
