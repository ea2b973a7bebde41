"""Candidate pairs and their scores, all in DuckDB (Splink-style, explainable).

Records with the same words (``exact`` key) and country form a *unit*; units are compared, not
records. Blocking: two units are candidates when their distinctive cores are equal or one edit
apart (each core and its one-letter deletions are keys: "huarui" and the typo "huariu" share
"huari"). Small blocks give every pair; in a large block each unit meets the block's busiest
units only. Each candidate pair gets a match weight (log2 of a Bayes factor, summed over the
features below, ``WEIGHTS``) and a probability; the features are kept as the merge evidence.

    name      same words / same distinctive words / one or two edits (unless both spellings are
              established: written several ways each, so not a typo) / similar / different
    generic   the activity words agree, one side lacks some, or they conflict
    place     a city or province in both names: same, or different (a different firm)
    country   same, China/Hong Kong (neither), different
    ids       strong ids of one scheme differing: never the same firm; a weak id equal or not
    address   the numbers of the addresses (house, room, postcode) mostly shared, or not
    legal     the same legal form class, or two different ones (LLC and PJSC are two firms)
    person    a person's name must match word for word
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

__all__ = [
    "BLOCK_FULL",
    "BLOCK_TOP",
    "FEATURES",
    "PRIOR",
    "THRESHOLD",
    "WEIGHTS",
    "build_units",
    "explain",
    "pair_features",
    "score_pairs",
]

# Match weights (log2 of m/u, Splink-style) per feature level. Calibrated on candidate pairs of a
# labelled synthetic set with a different seed from the benchmark's (benchmarks/network.py
# --calibrate), then rounded; a strong id conflict and a person named differently are vetoes.
PRIOR = -3.0
THRESHOLD = 0.0  # match weight; probability 0.5
BLOCK_FULL = 60
BLOCK_TOP = 20
WEIGHTS: dict[str, dict[str, float]] = {
    "name": {
        "same words": 7.5,
        "same distinctive words": 2.5,
        "one edit (long)": 3.0,
        "one edit (short)": 0.0,
        "two edits (long)": 3.0,
        "edits between established names": -7.0,
        "similar": -3.0,
        "different": -4.5,
    },
    # "none" (neither name has such words) is capped below its calibrated weight: it is
    # correlated with the other features (Russian names have neither activity nor place words).
    "generic": {"none": 2.0, "agree": 3.5, "one missing": 1.5, "several missing": 1.5, "conflict": -10.0},
    "place": {"neither": 2.0, "one side only": 0.0, "agree": 4.0, "partly": -1.5, "conflict": -12.0},
    "country": {"unknown": 0.0, "agree": 0.0, "china/hong kong": 0.0, "conflict": -7.5},
    "id": {
        "none": 0.0,
        "strong conflict": -40.0,
        "strong agree": 13.5,
        "weak agree": 10.5,
        "weak conflict": -5.0,
    },
    # Capped well below calibration (+9): generated addresses are cleaner than real ones, and
    # registered agents give thousands of firms one address.
    "address": {"unknown": 0.0, "agree": 3.0, "differ": -2.5},
    # Capped too (+4.5 calibrated): a firm's legal form is written consistently in generated data.
    "legal": {"none": 0.0, "agree": 2.0, "conflict": -7.5},
    "person": {"n/a": 0.0, "person named differently": -40.0},
}
FEATURES = tuple(WEIGHTS)
STRONG_COLUMNS = ("inn", "ogrn", "uscc", "lei", "kcs")


def build_units(con: duckdb.DuckDBPyConnection) -> int:
    """``_nw_units`` (one row per exact key, country, person flag and legal form) and
    ``_nw_unitmap`` (record -> unit) from ``_nw_rec``. A unit's ``support`` is how many different
    written names share its distinctive core: a typo has one, an established name several."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _nw_unitmap AS
        SELECT record_id, dense_rank() OVER (ORDER BY exact, coalesce(country, ''), person, legal) AS unit
        FROM _nw_rec
        """
    )
    pivots = ",\n".join(
        f"CASE WHEN count(DISTINCT v) FILTER (scheme = '{s}') = 1"
        f" THEN min(v) FILTER (scheme = '{s}') END AS {s}"
        for s in STRONG_COLUMNS
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _nw_unit_ids AS
        SELECT unit, {pivots},
               CASE WHEN count(DISTINCT v) FILTER (scheme = 'id') = 1
                    THEN min(v) FILTER (scheme = 'id') END AS wid
        FROM (
            SELECT m.unit, split_part(x, ':', 1) AS scheme, split_part(x, ':', 2) AS v
            FROM _nw_rec r JOIN _nw_unitmap m USING (record_id), unnest(r.ids) AS t(x)
        )
        GROUP BY unit
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _nw_units AS
        SELECT m.unit,
               arg_max(r.record_id, r.lines * 1000000000 - r.record_id) AS rep,
               any_value(r.exact) AS exact, any_value(r.core) AS core, mode(r.ordered) AS ordered,
               any_value(r.generic) AS generic, any_value(r.places) AS places, any_value(r.legal) AS legal,
               any_value(r.country) AS country, bool_or(r.person) AS person, sum(r.lines) AS lines,
               list_filter(regexp_split_to_array(lower(mode(r.address)), '[^[:alnum:]]+'),
                           lambda x: regexp_matches(x, '[0-9]')) AS addr,
               {", ".join(f"any_value(i.{s}) AS {s}" for s in (*STRONG_COLUMNS, "wid"))}
        FROM _nw_rec r JOIN _nw_unitmap m USING (record_id) LEFT JOIN _nw_unit_ids i ON i.unit = m.unit
        GROUP BY m.unit
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _nw_units AS
        SELECT u.*, coalesce(s.support, 1) AS support
        FROM _nw_units u LEFT JOIN (
            SELECT core, count(DISTINCT name_idx) AS support FROM _nw_rec GROUP BY core
        ) s USING (core)
        """
    )
    return int(con.execute("SELECT count(*) FROM _nw_units").fetchall()[0][0])


def _blocks(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _nw_keys AS
        WITH cores AS (
            SELECT unit, core AS c FROM _nw_units
            UNION SELECT unit, ordered FROM _nw_units
        )
        SELECT DISTINCT unit, key FROM (
            SELECT unit, c AS key FROM cores
            UNION ALL
            SELECT unit, substr(c, 1, i - 1) || substr(c, i + 1) AS key
            FROM (SELECT unit, c, unnest(range(1, length(c) + 1)) AS i FROM cores WHERE length(c) >= 5)
        )
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _nw_keyed AS
        SELECT k.unit, k.key, count(*) OVER (PARTITION BY k.key) AS n,
               row_number() OVER (PARTITION BY k.key ORDER BY u.lines DESC, k.unit) AS rk
        FROM _nw_keys k JOIN _nw_units u USING (unit)
        """
    )
    con.execute("DELETE FROM _nw_keyed WHERE n < 2")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _nw_pairs AS
        SELECT DISTINCT least(a.unit, b.unit) AS u, greatest(a.unit, b.unit) AS v
        FROM _nw_keyed a JOIN _nw_keyed b ON a.key = b.key AND a.unit < b.unit
        WHERE a.n <= {BLOCK_FULL}
        UNION
        SELECT least(a.unit, b.unit), greatest(a.unit, b.unit)
        FROM (SELECT * FROM _nw_keyed WHERE n > {BLOCK_FULL} AND rk <= {BLOCK_TOP}) a
        JOIN (SELECT * FROM _nw_keyed WHERE n > {BLOCK_FULL}) b ON a.key = b.key AND a.unit <> b.unit
        """
    )


_LEVELS_SQL = """
    CASE WHEN exact_eq THEN 'same words' WHEN core_eq THEN 'same distinctive words'
         WHEN dl <= 2 AND least(sa, sb) >= 2 AND (dl = 1 AND len >= 5 OR len >= 10)
              THEN 'edits between established names'
         WHEN dl = 1 AND len >= 8 THEN 'one edit (long)' WHEN dl = 1 AND len >= 5 THEN 'one edit (short)'
         WHEN dl = 2 AND len >= 10 THEN 'two edits (long)' WHEN jw >= 0.93 THEN 'similar'
         ELSE 'different' END AS name_level,
    CASE WHEN ga = gb THEN CASE WHEN ga <> 0 THEN 'agree' ELSE 'none' END
         WHEN (ga & gb) = ga OR (ga & gb) = gb
              THEN CASE WHEN bit_count(xor(ga, gb)) = 1 THEN 'one missing' ELSE 'several missing' END
         ELSE 'conflict' END AS generic_level,
    CASE WHEN pa = 0 AND pb = 0 THEN 'neither' WHEN pa = 0 OR pb = 0 THEN 'one side only'
         WHEN pa = pb THEN 'agree' WHEN (pa & pb) = 0 THEN 'conflict' ELSE 'partly' END AS place_level,
    CASE WHEN ca IS NULL OR cb IS NULL THEN 'unknown' WHEN ca = cb THEN 'agree'
         WHEN (ca = 'CHN' AND cb = 'HKG') OR (ca = 'HKG' AND cb = 'CHN') THEN 'china/hong kong'
         ELSE 'conflict' END AS country_level,
    CASE WHEN strong_conflict THEN 'strong conflict' WHEN strong_agree THEN 'strong agree'
         WHEN wa IS NOT NULL AND wb IS NOT NULL
              THEN CASE WHEN wa = wb THEN 'weak agree' ELSE 'weak conflict' END
         ELSE 'none' END AS id_level,
    CASE WHEN addr_sim IS NULL THEN 'unknown' WHEN addr_sim >= 0.5 THEN 'agree' ELSE 'differ' END
        AS address_level,
    CASE WHEN la = '' OR lb = '' THEN 'none' WHEN la = lb THEN 'agree' ELSE 'conflict' END AS legal_level,
    CASE WHEN person AND NOT exact_eq THEN 'person named differently' ELSE 'n/a' END AS person_level
"""


def _weight_sql(feature: str) -> str:
    cases = " ".join(f"WHEN {feature}_level = '{k}' THEN {v!r}" for k, v in WEIGHTS[feature].items())
    return f"CASE {cases} ELSE 0.0 END AS w_{feature}"


def pair_features(con: duckdb.DuckDBPyConnection) -> str:
    """Block, then return the SQL of every candidate pair with its feature levels."""
    _blocks(con)
    strong_conflict = " OR ".join(
        f"(a.{s} IS NOT NULL AND b.{s} IS NOT NULL AND a.{s} <> b.{s})" for s in STRONG_COLUMNS
    )
    strong_agree = " OR ".join(f"(a.{s} IS NOT NULL AND a.{s} = b.{s})" for s in STRONG_COLUMNS)
    return f"""
        WITH f AS (
            SELECT p.u, p.v, a.rep AS ra, b.rep AS rb,
                   a.exact = b.exact AS exact_eq,
                   (a.core = b.core OR a.ordered = b.ordered OR a.core = b.ordered OR a.ordered = b.core)
                       AS core_eq,
                   least(damerau_levenshtein(a.core, b.core), damerau_levenshtein(a.ordered,
                       b.ordered)) AS dl,
                   greatest(length(a.core), length(b.core)) AS len,
                   jaro_winkler_similarity(a.core, b.core) AS jw,
                   a.generic AS ga, b.generic AS gb, a.places AS pa, b.places AS pb,
                   a.legal AS la, b.legal AS lb, a.support AS sa, b.support AS sb,
                   a.country AS ca, b.country AS cb, a.person OR b.person AS person,
                   ({strong_conflict}) AS strong_conflict, ({strong_agree}) AS strong_agree,
                   a.wid AS wa, b.wid AS wb,
                   CASE WHEN len(a.addr) > 0 AND len(b.addr) > 0
                        THEN len(list_intersect(a.addr, b.addr)) / len(list_distinct(list_concat(a.addr,
                            b.addr)))
                   END AS addr_sim
            FROM _nw_pairs p JOIN _nw_units a ON a.unit = p.u JOIN _nw_units b ON b.unit = p.v
        )
        SELECT u, v, ra, rb, {_LEVELS_SQL} FROM f
    """


def score_pairs(con: duckdb.DuckDBPyConnection, threshold: float = THRESHOLD) -> pa.Table:
    """Score every candidate pair; return those at or above the threshold, best first, with
    their feature levels and weights (columns ra, rb = the units' representative records)."""
    features = pair_features(con)
    weights = ",\n".join(_weight_sql(f) for f in FEATURES)
    total = " + ".join(f"w_{f}" for f in FEATURES)
    levels = ", ".join(f"{f}_level" for f in FEATURES)
    return con.sql(
        f"""
        WITH l AS ({features}), w AS (SELECT *, {weights} FROM l)
        SELECT u, v, ra, rb, {levels}, {", ".join(f"w_{f}" for f in FEATURES)},
               {PRIOR!r} + {total} AS weight
        FROM w WHERE {PRIOR!r} + {total} >= {float(threshold)!r}
        ORDER BY weight DESC, u, v
        """
    ).to_arrow_table()


def explain(row: dict[str, Any]) -> str:
    """One line from a scored pair's levels and weights: what counted and by how much."""
    parts = [f"prior {PRIOR:+.1f}"]
    for feature in FEATURES:
        weight = float(row[f"w_{feature}"])
        if weight or feature == "name":
            parts.append(f"{feature} {row[f'{feature}_level']} {weight:+.1f}")
    return "; ".join(parts) + f"; total {float(row['weight']):+.1f}"
