"""The blocking index: which list names could match a query, found by shared keys in DuckDB.

Each name of an active listed party gets keys: ``t:`` the skeleton of each token and of each pair
of neighbouring tokens written together, ``p:`` a phonetic code of each token (first letter
and consonants, so a vowel typo shares a key), ``a:`` the initials of a name of three or more
tokens and each short token (an acronym meets its long form). A key's weight is its idf over all list names.
A query is blocked by joining its keys to ``screen_keys`` (keys present in more than
``MAX_DF_SHARE`` of names are skipped). A name is a candidate when its shared keys weigh
``MIN_SHARE`` of the query's; the ``top_k`` entities are kept by rank, each query word counted
once by the best key the name shares for it. Names are never compared all-pairs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from dualtrace.normalize.names import VOWELLESS, NameKey, alternates, analyze, phonetic, skeleton
from dualtrace.screening.glued import glued_readings
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["MAX_DF_SHARE", "block", "ensure_index", "grouped_keys", "index_version", "keys_of"]

MAX_DF_SHARE = 0.02
MIN_DF_CAP = 200
# A candidate shares at least this share of the weight of the query's keys. 0.3 lost a quarter
# of the held-in matches the scorer accepts (a typo or a translated word in the distinctive part);
# 0.2 keeps a fifth of those at ~0.65x the speed; 0.15 cost precision (benchmarks/screening.py).
MIN_SHARE = 0.2
# Entities met by an acronym alone kept beside the top_k (see _BLOCK_SQL).
ACRONYM_SLOTS = 2
# Shorter initials are shared by chance: "Sunrise Valley Trading" / "NII SVT", "Suzhou Meibao
# Plastic Products" / "SMPP" (the scorer trusts initials that meet: each became a false hit).
ACRONYM_MIN = 5
# Bumped whenever the keys a name gets change (normalisation, key kinds): the index is rebuilt.
KEY_FORMAT = 9
SCREENABLE = ("Person", "Company", "Organization", "LegalEntity", "PublicBody", "Vessel", "Airplane")


def keys_of(key: NameKey) -> dict[str, float]:
    """Blocking keys of an analysed name with the weight of the token they come from."""
    return {k: w for k, (w, _) in grouped_keys(key).items()}


def grouped_keys(key: NameKey) -> dict[str, tuple[float, int]]:
    """Each key with its weight and the word it stands for (its group; acronyms form one group):
    blocking ranks a name by each query word once, by the best key the name shares for it.
    Ranking by every shared key let a common word that yields four keys (token, stem, sound,
    pair) outweigh a rare one that yields two: "KIZLYAR ELECTROMECHANICAL PLANT JSC" ranked
    Kovrov's electromechanical plant above its own "KIZLYAR ELECTRO-MECHANICAL PLANT"."""
    out: dict[str, tuple[float, int]] = {}

    def put(k: str, w: float, group: int) -> None:  # a key from several sources keeps its heaviest weight
        if k not in out or w > out[k][0]:
            out[k] = (w, group)

    sk, raw = key.skeletons, key.tokens
    if key.script in VOWELLESS:
        # Arabic or Hebrew written without short vowels: only the consonant keys can meet the
        # Latin spellings of the name ("sdam hsyn" / "Saddam Hussein").
        for i, (t, w) in enumerate(zip(raw, key.weights, strict=True)):
            if len(_sound(t)) >= 2:
                put(f"p:{_sound(t)}", w, i)
        return out
    for i, token in enumerate(sk):
        w = key.weights[i]
        put(f"t:{token}", w, i)
        stem = _cognate_stem(token)
        if stem:  # "Rybinskaya verf" / "Rybinsk shipyard", "mekhanicheskii" / "mechanical"
            put(f"t:{stem}", w * 0.8, i)
        code = _sound(raw[i])
        if len(code) >= 3:
            put(f"p:{code}", w * 0.8, i)
        if i + 1 < len(sk):
            joined = token + sk[i + 1]
            pair_w = (w + key.weights[i + 1]) / 2
            # a pair is a word of its own: two words in a row count beyond each alone
            pair = len(sk) + 1 + i
            put(f"t:{joined}", pair_w, pair)
            if len(token) <= 3:  # an article or particle written apart ("al tikriti" / "altkryty")
                code = _sound(raw[i] + raw[i + 1])
                put(f"p:{code}", pair_w * 0.8, pair)
    # Acronyms: a long name's initials meet the short form lists give ("AO NIIMET" / "Nauchno-
    # Issledovatelskiy Institut Materialov Elektronnoi Tekhniki"), both ways. Their own group.
    acronym = len(sk)
    if len(key.tokens) >= 3:
        initials = "".join(t[0] for t in key.tokens if t and not t.isdigit())
        if len(initials) >= 3:
            put(f"a:{initials}", 0.8, acronym)
    # only a short name's tokens can be an acronym: keying every token doubled the join (slower)
    for token in key.tokens if len(key.tokens) <= 2 else ():
        if 3 <= len(token) <= 8 and token.isalpha():
            put(f"a:{token}", 0.5, acronym)
    # an acronym written in parts ("SKB VT" / "Spetsialnoe Konstruktorskoe Byuro Vychislitelnoi Tekhniki")
    if 2 <= len(key.tokens) <= 3 and all(len(t) <= 4 and t.isalpha() for t in key.tokens):
        joined = "".join(key.tokens)
        if 3 <= len(joined) <= 8:
            put(f"a:{joined}", 0.5, acronym)
    return out


def _sound(token: str) -> str:
    """The phonetic key of a token as written, h and g as one: Ukrainian writes with h what
    Russian writes with g ("ROHOV"/"ROGOV", "Serhiy"/"Sergey", "Oleh"/"Oleg"); "qu" before a
    vowel as Russian writes it, "kv" ("Sequoia"/"Sekvoiya", "Quant"/"Kvant"); and Russian
    "dzh" for an English soft g or j ("ENERDZHI"/"ENERGY", "Dzhordzh"/"George") as g."""
    return phonetic(_QU.sub("kv", skeleton(_DZH.sub("g", token)))).replace("h", "g")


_QU = re.compile("ku(?=[aeiou])")
_DZH = re.compile("dzh")


# Endings a Russian word and its English cognate or place differ by, in the skeleton's spelling
# (y -> i, ch -> h): "rybinskaia"/"rybinsk" -> "ribin", "moskovskii" -> "moskov",
# "mekhanicheskii"/"mechanical" -> "mehan", "korporatsiia"/"corporation" -> "korpora".
_COGNATE_ENDINGS = (
    "iheskaia", "iheskogo", "iheskoi", "iheskii", "iheskie", "iheski", "ikal",
    "skaia", "skogo", "skoi", "skoe", "skii", "skie", "ski", "sk", "tsia", "tion",
)  # fmt: skip


def _cognate_stem(token: str) -> str | None:
    for ending in _COGNATE_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 3:
            return token[: -len(ending)]
    return None


def index_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a list version is loaded."""
    row = fetch_one(con, "SELECT coalesce(max(version_id), 0), count(*) FROM list_versions")
    return f"{row[0]}:{row[1]}:k{KEY_FORMAT}"


def ensure_index(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """Build the index if the lists changed since it was built; returns the number of names."""
    version = index_version(con)
    built = fetch_one(con, "SELECT value FROM meta WHERE key = 'screen_index_version'")
    if not force and built and built[0] == version:
        return int(fetch_one(con, "SELECT count(*) FROM screen_names")[0])
    schemas = ", ".join(f"'{s}'" for s in SCREENABLE)
    names = con.execute(
        "SELECT n.list, n.entity_id, n.name FROM entity_names n JOIN entities e USING (list, entity_id)"
        f" WHERE e.active AND e.target AND e.schema IN ({schemas}) AND n.norm <> ''"
        " ORDER BY n.list, n.entity_id, n.name"
    ).fetchall()
    key_rows: list[tuple[str, int]] = []
    nkeys: list[int] = []
    sound_only: list[bool] = []
    for name_id, (_, _, name) in enumerate(names):
        keys: dict[str, float] = {}
        for reading in (analyze(name), *alternates(name)):
            keys.update(keys_of(reading))
        key_rows.extend((k, name_id) for k in keys)
        nkeys.append(max(len(keys), 1))
        sound_only.append(bool(keys) and all(k.startswith("p:") for k in keys))
    df: dict[str, int] = {}
    for k, _ in key_rows:
        df[k] = df.get(k, 0) + 1
    total = max(len(names), 1)
    with transaction(con):
        con.execute("DELETE FROM screen_names")
        con.execute("DELETE FROM screen_keys")
        con.execute("DELETE FROM screen_key_stats")
        if names:
            con.register(
                "_dt_names",
                pa.table(
                    {
                        "name_id": list(range(len(names))),
                        "list": [n[0] for n in names],
                        "entity_id": [n[1] for n in names],
                        "name": [n[2] for n in names],
                        "nkeys": nkeys,
                        "sound_only": sound_only,
                    }
                ),
            )
            con.register(
                "_dt_keys",
                pa.table(
                    {
                        "key": [k for k, _ in key_rows],
                        "name_id": [i for _, i in key_rows],
                        "idf": [math.log(total / df[k]) + 0.1 for k, _ in key_rows],
                    }
                ),
            )
            try:
                con.execute(
                    "INSERT INTO screen_names (name_id, list, entity_id, name, nkeys, sound_only)"
                    " SELECT name_id, list, entity_id, name, nkeys, sound_only FROM _dt_names"
                )
                con.execute("INSERT INTO screen_keys SELECT key, name_id, idf FROM _dt_keys")
                con.execute(
                    "INSERT INTO screen_key_stats SELECT key, any_value(idf) FROM _dt_keys GROUP BY key"
                )
            finally:
                con.unregister("_dt_names")
                con.unregister("_dt_keys")
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('screen_index_version', ?)", [version])
        con.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('screen_index_max_idf', ?)",
            [repr(math.log(total) + 0.1)],
        )
        # keys in more names than the cap are too common to block on: their idf is below this
        cap = max(MIN_DF_CAP, int(total * MAX_DF_SHARE))
        con.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('screen_index_min_idf', ?)",
            [repr(math.log(total / cap) + 0.1)],
        )
    return len(names)


# The blocking query, in named steps. Parameters: the idf of keys the lists do not know, the
# idf below which a key is too common to block on, min_share, top_k; {restrict} joins the
# entities a caller restricts the search to.
_BLOCK_SQL = """
WITH read_keys AS (
    -- keys the lists do not know weigh the most
    SELECT q.qid, q.reading, q.grp, q.key, q.w * coalesce(s.idf, ?) AS wi, s.idf, q.weighs
    FROM _dt_qkeys q LEFT JOIN screen_key_stats s USING (key)
), self AS (
    -- what the query's keys weigh in all; acronym keys only add (counted here, a name that is
    -- no acronym lost candidates). A query read several ways (a Cyrillic name and its
    -- transliterations) weighs as its heaviest reading, not as all of them together.
    -- A name with only sound keys (Arabic, Hebrew) is measured against the sound keys alone.
    SELECT qid, max(total) AS total, max(sound) AS sound FROM (
        SELECT qid, reading, coalesce(sum(wi) FILTER (WHERE key NOT LIKE 'a:%'), 0) AS total,
            coalesce(sum(wi) FILTER (WHERE key LIKE 'p:%'), 0) AS sound
        FROM read_keys WHERE weighs GROUP BY qid, reading
    ) GROUP BY qid
), word_hits AS (
    SELECT q.qid, q.reading, q.grp, k.name_id, max(q.wi) AS best, sum(q.wi) AS shared,
        bool_and(q.key LIKE 'a:%' AND length(q.key) >= ?) AS acro
    FROM read_keys q JOIN screen_keys k USING (key)
    WHERE q.idf >= ?
      AND NOT EXISTS (SELECT 1 FROM _dt_hide x WHERE x.qid = q.qid AND x.name_id = k.name_id)
    GROUP BY q.qid, q.reading, q.grp, k.name_id
), hits AS (
    -- The rank (score) counts each word of the query once, by the best key the name shares
    -- for it. The share (shared) sums every shared key, against all the query's keys: shares by
    -- word let a long name's initials alone bring in every name with those initials
    -- ("Pioneer Cedar Imports" / "PCI"), and cost precision.
    SELECT qid, name_id, max(score) AS score, max(shared) AS shared, max(acro) AS acro FROM (
        SELECT qid, reading, name_id, sum(best) AS score, sum(shared) AS shared,
            coalesce(sum(best) FILTER (WHERE acro), 0) AS acro
        FROM word_hits GROUP BY qid, reading, name_id
    ) GROUP BY qid, name_id
), sound_only AS (
    SELECT name_id FROM screen_names WHERE sound_only
), kept AS (
    SELECT h.*, h.shared >= ? * CASE WHEN o.name_id IS NULL THEN s.total ELSE s.sound END AS by_share
    FROM hits h JOIN self s USING (qid) LEFT JOIN sound_only o USING (name_id)
    WHERE by_share OR h.acro > 0
), named AS (
    -- long names share more keys by chance: scale like a cosine
    -- (order by the scaled score itself: a bare ``score`` here would be h.score, which
    -- put an entity's long names ahead of its short alias "Hikvision")
    SELECT h.qid, h.name_id, n.list, n.entity_id, n.name, h.score / sqrt(n.nkeys) AS score,
        h.acro / sqrt(n.nkeys) AS acro, h.by_share
    FROM kept h JOIN screen_names n USING (name_id) {restrict}
    -- three names per entity: an entity with many spellings kept only two, and the
    -- one that differs from the query the most ("AVEN, Pyotr" / "AVEN, Pjotr") fell off
    QUALIFY row_number() OVER (
        PARTITION BY h.qid, n.list, n.entity_id ORDER BY h.score / sqrt(n.nkeys) DESC, h.name_id
    ) <= 3
), entity_rank AS (
    -- the top_k entities by rank among the names that share enough, and beside them the best
    -- few met by an acronym alone: "AO SKB VT" shares only its initials with "Spetsialnoe
    -- Konstruktorskoe Byuro Vychislitelnoi Tekhniki", too little a share, and ranks far below
    -- the names that share its generic words.
    SELECT qid, list, entity_id, max(score) FILTER (WHERE by_share) AS best, max(acro) AS acro_best
    FROM named GROUP BY qid, list, entity_id
    QUALIFY (best IS NOT NULL AND row_number() OVER (
                PARTITION BY qid ORDER BY best DESC NULLS LAST, list, entity_id) <= ?)
        OR (acro_best > 0 AND row_number() OVER (
                PARTITION BY qid ORDER BY acro_best DESC, list, entity_id) <= ?)
)
SELECT n.qid, n.name_id, n.list, n.entity_id, n.name, n.score
FROM named n JOIN entity_rank r USING (qid, list, entity_id)
"""


def _query_keys(queries: Sequence[NameKey], glued: dict[int, NameKey]) -> pa.Table:
    """(qid, reading, grp, key, w, weighs): every reading of every query with its keys and their
    words; ``weighs`` is false for a split reading, which does not set the share."""
    qrows: list[tuple[int, int, int, str, float, bool]] = []
    for qid, key in enumerate(queries):
        readings = [(r, True) for r in (key, *alternates(key.name))]
        if qid in glued:  # brings candidates, but what they must share is set by the name as written
            readings.append((glued[qid], False))
        for rid, (reading, weighs) in enumerate(readings):
            pairs_from = len(reading.skeletons) + 1  # the groups of neighbouring words
            qrows.extend(
                (qid, rid, g, k, w, weighs)
                for k, (w, g) in grouped_keys(reading).items()
                # a split reading blocks by its words in a row: its single words brought in
                # every name with "metall" or "vest" for "METALLIONVEST" (slower, no better)
                if weighs or g >= pairs_from
            )
    return pa.table(
        {
            "qid": [r[0] for r in qrows],
            "reading": [r[1] for r in qrows],
            "grp": [r[2] for r in qrows],
            "key": [r[3] for r in qrows],
            "w": [r[4] for r in qrows],
            "weighs": [r[5] for r in qrows],
        }
    )


def _idf_bounds(con: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    """(the idf of a key no list name has, the lowest idf a key blocks on)."""
    top_row = fetch_one(con, "SELECT value FROM meta WHERE key = 'screen_index_max_idf'")
    floor_row = fetch_one(con, "SELECT value FROM meta WHERE key = 'screen_index_min_idf'")
    return (float(top_row[0]) if top_row else 1.0), (float(floor_row[0]) if floor_row else 0.0)


def block(
    con: duckdb.DuckDBPyConnection,
    queries: Sequence[NameKey],
    *,
    top_k: int = 10,
    restrict: Sequence[tuple[str, str]] | None = None,
    min_share: float = MIN_SHARE,
    hide: Sequence[tuple[int, int]] = (),
) -> dict[int, list[tuple[int, str, str, str, float]]]:
    """Candidate list names per query index: [(name_id, list, entity_id, name, block score)].

    A name is a candidate when the keys it shares with the query weigh at least ``min_share`` of
    all the query's keys (keys unknown to the lists weigh as much as the rarest). ``hide`` holds
    (query index, name_id) pairs left out of that query's candidates: an evaluation that queries
    with a listed name hides the name itself (leave-one-out)."""
    top_idf, min_idf = _idf_bounds(con)
    qkeys = _query_keys(queries, glued_readings(con, queries, top_idf))
    if not qkeys.num_rows:
        return {}
    tables = {
        "_dt_qkeys": qkeys,
        "_dt_hide": pa.table(
            {"qid": [h[0] for h in hide], "name_id": [h[1] for h in hide]},
            schema=pa.schema([("qid", pa.int64()), ("name_id", pa.int64())]),
        ),
    }
    restrict_sql = ""
    if restrict is not None:
        tables["_dt_restrict"] = pa.table(
            {"list": [r[0] for r in restrict], "entity_id": [r[1] for r in restrict]}
        )
        restrict_sql = "JOIN _dt_restrict r ON r.list = n.list AND r.entity_id = n.entity_id"
    for view, table in tables.items():
        con.register(view, table)
    try:
        result = con.execute(
            _BLOCK_SQL.format(restrict=restrict_sql),
            [top_idf, ACRONYM_MIN + len("a:"), min_idf, min_share, top_k, ACRONYM_SLOTS],
        ).fetchall()
    finally:
        for view in tables:
            con.unregister(view)
    out: dict[int, list[tuple[int, str, str, str, float]]] = {}
    for qid, name_id, list_name, entity_id, name, score in result:
        out.setdefault(int(qid), []).append((int(name_id), list_name, entity_id, name, float(score)))
    return out
