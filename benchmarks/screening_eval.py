"""An evaluation set of real name pairs built from the loaded lists, split by entity before tuning.

    build_pairs(con, seed=14) -> list[EvalPair]

Nothing is copied from the lists into the repository: the pairs are generated, deterministically for
a seed, from the warehouse that benchmarks/screening.py loads from ../shared/data/sanctions.

Kinds of pairs:

- ``alias`` (match): two differently written names of one listed entity (an OFAC a.k.a., an EU
  entry's Cyrillic or Chinese original, a UN entry's Arabic original), persons and organisations;
- ``cross_list`` (match): names of entities on two different lists that carry the same strong
  identifier (INN, OGRN, IMO, LEI, USCC, BIC) - the same party listed twice;
- ``hard_negative`` (non-match): names of two different entities of one list that share a
  distinctive word (the same list does not list one party as two entries, so the label is safe),
  including same-name-different-entity pairs that no name matcher can tell apart;
- ``hand_negative`` (non-match): the hand-labelled pairs in benchmarks/hard_negatives.csv
  (our own, for kinds the lists do not give: a country or brand word added, a swapped patronymic).

Split: entities are joined into clusters (one cluster per party: linked by a shared identifier or a
shared normalised name), and each cluster goes to ``tune`` or ``test`` by a seeded hash, so no
entity and no spelling crosses the split. A pair whose two entities fall on different sides is
dropped. The tuning part is for fitting the calibration and choosing thresholds; figures are
reported on the test part only.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrace.normalize.names import analyze

HAND_NEGATIVES = Path(__file__).resolve().parent / "hard_negatives.csv"
STRONG = ("inn", "ogrn", "imo", "lei", "uscc", "bic")
ORG = {"Company", "Organization", "LegalEntity", "PublicBody"}

Key = tuple[str, str]  # (list, entity_id)


@dataclass(frozen=True)
class EvalPair:
    name1: str
    name2: str
    schema: str  # Person or Company
    is_match: bool
    kind: str
    split: str  # tune or test
    entity1: Key
    entity2: Key
    script: str  # "Latn", or "Cyrl-Latn" when the two names are in different scripts

    def as_row(self) -> dict[str, str]:
        return {
            "name1": self.name1,
            "name2": self.name2,
            "schema": self.schema,
            "is_match": "1" if self.is_match else "0",
        }


class _Clusters:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}

    def find(self, x: Key) -> Key:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def side(root: Key, seed: int) -> str:
    """The split (tune or test) of a party, by a seeded hash of its cluster root."""
    digest = hashlib.sha256(f"{seed}|{root[0]}|{root[1]}".encode()).digest()
    return "test" if digest[0] % 2 else "tune"


def _schema(schema: str) -> str | None:
    if schema == "Person":
        return "Person"
    return "Company" if schema in ORG else None


def _script(a: str, b: str) -> str:
    sa, sb = analyze(a).script, analyze(b).script
    return sa if sa == sb else "-".join(sorted((sa, sb)))


def _entity_names(con: Any) -> tuple[dict[Key, list[tuple[str, str]]], dict[Key, str]]:
    """Per listed person or organisation: its distinct (name, normalised name), and its schema."""
    rows = con.execute(
        "SELECT n.list, n.entity_id, e.schema, n.name, n.norm FROM entity_names n"
        " JOIN entities e USING (list, entity_id) WHERE e.target AND length(n.norm) >= 3"
        " ORDER BY n.list, n.entity_id, n.name"
    ).fetchall()
    names: dict[Key, list[tuple[str, str]]] = defaultdict(list)
    schemas: dict[Key, str] = {}
    for lst, eid, schema, name, norm in rows:
        kind = _schema(schema)
        if kind is None:
            continue
        key = (lst, eid)
        schemas[key] = kind
        if all(norm != n for _, n in names[key]):
            names[key].append((name, norm))
    return names, schemas


def _strong_ids(con: Any, names: dict[Key, list[tuple[str, str]]]) -> dict[tuple[str, str], list[Key]]:
    """The entities carrying each strong identifier (scheme, value)."""
    by_id: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for lst, eid, scheme, value in con.execute(
        "SELECT DISTINCT list, entity_id, scheme, value FROM entity_ids"
        f" WHERE scheme IN ({', '.join(repr(s) for s in STRONG)}) AND length(value) >= 6 ORDER BY ALL"
    ).fetchall():
        if (lst, eid) in names:
            by_id[(scheme, value)].append((lst, eid))
    return by_id


def _parties(names: dict[Key, list[tuple[str, str]]], by_id: dict[tuple[str, str], list[Key]]) -> _Clusters:
    """Entities joined into parties: a shared normalised name or a shared strong identifier."""
    clusters = _Clusters()
    by_norm: dict[str, list[Key]] = defaultdict(list)
    for key, spellings in names.items():
        clusters.find(key)
        for _, norm in spellings:
            by_norm[norm].append(key)
    for keys in [*by_norm.values(), *by_id.values()]:
        for other in keys[1:]:
            clusters.union(keys[0], other)
    return clusters


@dataclass
class _Listed:
    """What the lists say: names and schema per entity, entities per identifier and back."""

    names: dict[Key, list[tuple[str, str]]]
    schemas: dict[Key, str]
    by_id: dict[tuple[str, str], list[Key]]
    ids_of: dict[Key, set[tuple[str, str]]]


class _Pairs:
    """The pairs kept so far: each on the split side of its two parties, each pair of names once."""

    def __init__(self, clusters: _Clusters, seed: int) -> None:
        self.clusters, self.seed = clusters, seed
        self.out: list[EvalPair] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, n1: str, n2: str, schema: str, match: bool, kind: str, a: Key, b: Key) -> bool:
        sa, sb = side(self.clusters.find(a), self.seed), side(self.clusters.find(b), self.seed)
        split = sa if sa == sb else None
        pair = (n1, n2) if n1 < n2 else (n2, n1)
        if split is None or pair in self.seen:
            return False
        self.seen.add(pair)
        self.out.append(EvalPair(n1, n2, schema, match, kind, split, a, b, _script(n1, n2)))
        return True


def _aliases(rng: random.Random, pairs: _Pairs, listed: _Listed, per_kind: int) -> None:
    """Up to two pairs of spellings per entity, entities in random order."""
    names, schemas = listed.names, listed.schemas
    entities = sorted(k for k, v in names.items() if len(v) >= 2)
    rng.shuffle(entities)
    count = 0
    for key in entities:
        if count >= per_kind:
            break
        spellings = names[key]
        for _ in range(min(2, len(spellings) - 1)):
            (n1, _), (n2, _) = rng.sample(spellings, 2)
            count += pairs.add(n1, n2, schemas[key], True, "alias", key, key)


def _cross_list(rng: random.Random, pairs: _Pairs, listed: _Listed, per_kind: int) -> None:
    """The same strong identifier on two lists: one name of each entry."""
    names, schemas, by_id = listed.names, listed.schemas, listed.by_id
    count = 0
    for ident in sorted(by_id):
        keys = sorted({k for k in by_id[ident]})
        lists = {k[0] for k in keys}
        if len(lists) < 2 or count >= per_kind:
            continue
        a = keys[0]
        b = next(k for k in keys if k[0] != a[0])
        if schemas[a] != schemas[b]:
            continue
        n1 = rng.choice(names[a])[0]
        n2 = rng.choice(names[b])[0]
        count += pairs.add(n1, n2, schemas[a], True, "cross_list", a, b)


def _hard_negatives(rng: random.Random, pairs: _Pairs, listed: _Listed, per_kind: int) -> None:
    """Different entities of one list sharing a distinctive word (and no identifier)."""
    names, schemas, ids_of = listed.names, listed.schemas, listed.ids_of
    by_token: dict[tuple[str, str, str], list[tuple[Key, str]]] = defaultdict(list)
    for key, spellings in names.items():
        for name, _ in spellings:
            analysed = analyze(name)
            for token, weight in zip(analysed.skeletons, analysed.weights, strict=True):
                if weight >= 0.7 and len(token) >= 4:
                    by_token[(key[0], schemas[key], token)].append((key, name))
    buckets = sorted(b for b, v in by_token.items() if 2 <= len({k for k, _ in v}) <= 40)
    rng.shuffle(buckets)
    count = 0
    for bucket in buckets:
        if count >= per_kind:
            break
        members = by_token[bucket]
        (ka, na), (kb, nb) = rng.sample(members, 2)
        if ka == kb or ids_of[ka] & ids_of[kb]:
            continue
        count += pairs.add(na, nb, bucket[1], False, "hard_negative", ka, kb)


def _hand_pairs() -> list[EvalPair]:
    """The hand-labelled pairs of benchmarks/hard_negatives.csv, alternately tune and test."""
    out: list[EvalPair] = []
    if not HAND_NEGATIVES.exists():
        return out
    with HAND_NEGATIVES.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            split = "test" if i % 2 else "tune"
            key1, key2 = ("hand", f"{i}a"), ("hand", f"{i}b")
            out.append(
                EvalPair(
                    row["name1"], row["name2"], row["schema"], row["is_match"] == "1",
                    "hand_" + ("match" if row["is_match"] == "1" else "negative"), split, key1, key2,
                    _script(row["name1"], row["name2"]),
                )
            )  # fmt: skip
    return out


def listed_parties(con: Any) -> _Clusters:
    """The listed entities joined into parties (a shared strong identifier or normalised name)."""
    names, _ = _entity_names(con)
    return _parties(names, _strong_ids(con, names))


def own_names(con: Any, queries: list[EvalPair]) -> list[tuple[int, int]]:
    """(query index, name_id) of each query's own entity's indexed names that normalise like its
    name1: what a leave-one-out block hides, so the query meets its entity through other names.
    An alias pair whose two names normalise alike hides nothing: name2 is found by name1's own
    keys, as it is when screening ("JSC Radar MMS" / "AO NPP Radar MMS")."""
    names: dict[Key, list[tuple[int, str]]] = defaultdict(list)
    for name_id, lst, eid, name in con.execute(
        "SELECT name_id, list, entity_id, name FROM screen_names"
    ).fetchall():
        names[(lst, eid)].append((int(name_id), analyze(name).norm))
    hide: list[tuple[int, int]] = []
    for i, q in enumerate(queries):
        own = analyze(q.name1).norm
        if q.entity2 == q.entity1 and analyze(q.name2).norm == own:
            continue
        hide.extend((i, name_id) for name_id, norm in names.get(q.entity1, []) if norm == own)
    return hide


def build_pairs(con: Any, seed: int = 14, per_kind: int = 1500) -> list[EvalPair]:
    rng = random.Random(seed)
    names, schemas = _entity_names(con)
    by_id = _strong_ids(con, names)
    ids_of: dict[Key, set[tuple[str, str]]] = defaultdict(set)
    for ident, keys in by_id.items():
        for k in keys:
            ids_of[k].add(ident)
    pairs = _Pairs(_parties(names, by_id), seed)
    listed = _Listed(names, schemas, by_id, ids_of)
    _aliases(rng, pairs, listed, per_kind)
    _cross_list(rng, pairs, listed, per_kind)
    _hard_negatives(rng, pairs, listed, per_kind)
    return pairs.out + _hand_pairs()


def summary(pairs: list[EvalPair]) -> str:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for p in pairs:
        counts[(p.split, p.kind)] += 1
    scripts: dict[str, int] = defaultdict(int)
    for p in pairs:
        scripts[p.script] += 1
    parts = [f"{s}/{k} {n}" for (s, k), n in sorted(counts.items())]
    top = ", ".join(f"{s} {n}" for s, n in sorted(scripts.items(), key=lambda kv: -kv[1])[:8])
    persons = sum(1 for p in pairs if p.schema == "Person")
    return f"{len(pairs)} pairs ({persons} of persons): " + "; ".join(parts) + f"\n  scripts: {top}"


# --- metrics -------------------------------------------------------------------------------

THRESHOLDS = [round(0.01 * i, 2) for i in range(5, 100)]


def prf(scores: list[float], labels: list[bool], t: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= t)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= t)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if y and s < t)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: list[float], labels: list[bool]) -> float:
    """The threshold with the best F1 (on the tuning part; the higher one on a tie)."""
    return max(THRESHOLDS, key=lambda t: (prf(scores, labels, t)[2], t))


def ece(scores: list[float], labels: list[bool], bins: int = 10) -> float:
    """Expected calibration error: the gap between the mean score and the share of matches in
    each of ``bins`` equal-width score bins, weighted by the bin's size."""
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [
            (s, y)
            for s, y in zip(scores, labels, strict=True)
            if lo <= s < hi or (b == bins - 1 and s == 1.0)
        ]
        if members:
            mean_s = sum(s for s, _ in members) / len(members)
            rate = sum(1 for _, y in members if y) / len(members)
            total += abs(mean_s - rate) * len(members)
    return total / len(scores) if scores else 0.0


def held_out_line(
    label: str, scores: list[float], labels: list[bool], tune: list[int], test: list[int]
) -> float:
    """Print a matcher's test-part figures at the threshold best on the tuning part; returns it."""
    t = best_threshold([scores[i] for i in tune], [labels[i] for i in tune])
    ts, tl = [scores[i] for i in test], [labels[i] for i in test]
    p, r, f1 = prf(ts, tl, t)
    print(
        f"  {label:22s} threshold {t:.2f}: F1 {f1:.3f} precision {p:.3f} recall {r:.3f}"
        f"  ECE {ece(ts, tl):.3f}  distinct scores {len({round(s, 4) for s in ts})}"
    )
    return t
