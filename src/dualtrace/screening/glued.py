"""Words written together, split by the words the lists know: "RM DESIGNANDDEVELOPMENT" is also
blocked as "rm design and development".

A long token that at most one list name carries is split into pieces that are each a token of
some list name, the likeliest such (the least idf in all): a customs clerk's or a list's glued
words meet the list's spaced ones. The split is a reading of its own beside the name as written
(a list may carry the glued form too); the scorer compares the names as written.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from dualtrace.normalize.names import NameKey, analyze, skeleton

__all__ = ["MIN_GLUED", "glued_readings"]

# Shorter tokens are mostly single words the lists happen not to have ("vektramash").
MIN_GLUED = 12
_MIN_PIECE = 3
_MAX_PIECES = 4
# Taken off each piece's idf: the lists' keys include words in pairs ("designand"), rarer than
# either word but cheaper than both ("design" + "and"); the split is into words, so a word
# boundary earns this much.
_WORD_BONUS = 2.0


def glued_readings(
    con: duckdb.DuckDBPyConnection, queries: Sequence[NameKey], top_idf: float
) -> dict[int, NameKey]:
    """qid -> the query read with its long tokens split into known words (when any is);
    ``top_idf``: the idf of a key only one list name has."""
    long_tokens = {t for q in queries for t in q.tokens if len(t) >= MIN_GLUED and t.isalpha()}
    if not long_tokens:
        return {}
    # a word several list names carry is a word: a key of one list name has the top idf
    whole = _known_keys(con, {_key(t) for t in long_tokens})
    once = top_idf - 0.5
    long_tokens = {t for t in long_tokens if whole.get(_key(t), once) >= once}
    pieces = {t: _substrings(t) for t in long_tokens}
    idf = _known_keys(con, {_key(p) for subs in pieces.values() for p in subs})
    splits: dict[str, list[str]] = {}
    for token in long_tokens:
        split = _likeliest_split(token, {p: idf[_key(p)] for p in pieces[token] if _key(p) in idf})
        if split:
            splits[token] = split
    out: dict[int, NameKey] = {}
    for qid, q in enumerate(queries):
        if any(t in splits for t in q.tokens):
            out[qid] = analyze(" ".join(w for t in q.tokens for w in splits.get(t, [t])))
    return out


def _key(token: str) -> str:
    return f"t:{skeleton(token)}"


def _substrings(token: str) -> set[str]:
    n = len(token)
    return {token[i:j] for i in range(n) for j in range(i + _MIN_PIECE, n + 1) if j - i < n}


def _known_keys(con: duckdb.DuckDBPyConnection, keys: set[str]) -> dict[str, float]:
    con.register("_dt_glued", pa.table({"key": sorted(keys)}))
    try:
        rows = con.execute("SELECT key, idf FROM screen_key_stats JOIN _dt_glued USING (key)").fetchall()
    finally:
        con.unregister("_dt_glued")
    return {str(k): float(v) for k, v in rows}


def _likeliest_split(token: str, words: dict[str, float]) -> list[str] | None:
    """The split of ``token`` into known words whose idfs sum the least, less _WORD_BONUS a word
    (common words: "national electronic", not "nation alelectronic"), 2 to _MAX_PIECES words,
    or None."""
    best: list[tuple[float, list[str]] | None] = [None] * (len(token) + 1)
    best[0] = (0.0, [])
    for end in range(_MIN_PIECE, len(token) + 1):
        for start in range(0, end - _MIN_PIECE + 1):
            head = best[start]
            piece = token[start:end]
            if head is None or piece not in words:
                continue
            candidate = (head[0] + words[piece] - _WORD_BONUS, [*head[1], piece])
            current = best[end]
            if current is None or candidate[0] < current[0]:
                best[end] = candidate
    found = best[len(token)]
    return found[1] if found and 2 <= len(found[1]) <= _MAX_PIECES else None
