"""Score a query against a list entity, Splink-style: each feature adds a match weight (log2 of a
Bayes factor) to a prior; the total gives the probability that both are the same party.

    match_weight = PRIOR + name + country + identifier + schema
    score        = 1 / (1 + 2 ** -match_weight)

Features and their weights (``WEIGHTS``; calibrated on the labelled pairs in
tests/screening/labelled_pairs.csv):

- name: the best similarity between the query and any of the entity's names
  (``compare.compare_names``), by level: >= 0.97, 0.92, 0.85, 0.78, 0.70, below;
- country: the query's country among the entity's countries, or not;
- identifier: an id equal to one of the entity's ids wins outright; an id of a checkable scheme
  (INN, OGRN, USCC, LEI, IMO) that differs from the entity's ids of that scheme counts heavily
  against;
- schema: a person against an organisation (or the reverse) counts against;
- birth date: the same day, or the same year when one side gives only a year, counts for; years
  more than one apart count against (lists give approximate years, so one year is no evidence);
- address: most of the query's address words (city, street, postcode) in one of the entity's
  addresses counts for; a different address is no evidence against (firms move, lists lag).

Every score carries its explanation: each feature's value and weight, and the matched words.
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dualtrace.findings import ScorePart
from dualtrace.normalize.identifiers import STRONG_SCHEMES, normalize_id, scheme_of
from dualtrace.normalize.names import NameKey, alternates, analyze
from dualtrace.screening.calibration import features as name_features
from dualtrace.screening.calibration import model as calibration_model
from dualtrace.screening.compare import NameMatch, compare_names

__all__ = [
    "DEFAULT_THRESHOLD",
    "PRIOR",
    "WEIGHTS",
    "Candidate",
    "Query",
    "Scored",
    "probability",
    "score",
]

PRIOR = -11.0
DEFAULT_THRESHOLD = 0.7
# (minimum similarity, weight, label), best first
NAME_LEVELS: list[tuple[float, float, str]] = [
    (0.97, 18.0, "same name"),
    (0.92, 15.0, "near-identical name"),
    (0.85, 12.5, "close name"),
    (0.78, 10.0, "similar name"),
    (0.70, 7.0, "partly similar name"),
    (0.0, -6.0, "different name"),
]
# Within a name level the weight rises with the similarity by at most this much (one bit: the
# odds doubled). Rising to the next level's weight raised "Vladimir Putin" born 1971 against the
# listed Putin (born 1952) to 0.73, an alert, and planted-variant precision fell (0.966 -> 0.964).
LEVEL_RISE = 1.0
WEIGHTS = {
    "country_match": 2.0,
    "country_mismatch": -2.5,
    "id_match": 25.0,
    "id_mismatch": -14.0,
    "schema_mismatch": -9.0,
    # Not fitted (the labelled pairs carry no dates or addresses): log2 Bayes factors reasoned
    # from base rates. Two people share a day of birth about 1 in 20,000 (~14 bits) and a year
    # about 1 in 60 (~6 bits); halved for typos and placeholder dates. A listed year more than
    # one off is seen for perhaps 1 true match in 30.
    "birth_day_match": 7.0,
    "birth_year_match": 3.0,
    "birth_day_mismatch": -2.0,
    "birth_year_mismatch": -5.0,
    "address_match": 2.0,
}
ORG_SCHEMAS = {"Company", "Organization", "LegalEntity", "PublicBody"}
# A name with one distinctive word ("OOO Vektor" / "AO NII VEKTOR") names many firms: without a
# matching country or identifier its score is held below critical (severity_from_score: 0.9).
ONE_WORD_CAP = 0.89
DISTINCTIVE = 0.7
# Jurisdictions that list entries and declarations routinely swap (a Hong Kong company listed
# with a mainland address): neither evidence for nor against.
_NEIGHBOURS = {frozenset({"CHN", "HKG"}), frozenset({"CHN", "MAC"})}


@dataclass(frozen=True)
class Query:
    """What is screened: a name, and what else is known about the party."""

    name: str
    country: str | None = None  # ISO3
    ids: tuple[str, ...] = ()
    schema: str | None = None  # Person, Company / Organization, Vessel... or None
    birth_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    address: str | None = None

    @property
    def key(self) -> NameKey:
        return analyze(self.name)


@dataclass
class Candidate:
    """A list entity as the scorer sees it."""

    list: str
    entity_id: str
    schema: str
    caption: str
    names: builtins.list[str]
    countries: builtins.list[str] = field(default_factory=builtins.list)
    ids: dict[str, set[str]] = field(default_factory=dict)  # scheme -> normalised values
    programs: builtins.list[str] = field(default_factory=builtins.list)
    listing_date: date | None = None
    birth_dates: builtins.list[str] = field(default_factory=builtins.list)  # FtM birthDate values
    addresses: builtins.list[str] = field(default_factory=builtins.list)


@dataclass
class Scored:
    query: Query
    candidate: Candidate
    score: float
    match_weight: float
    matched_name: str
    name: NameMatch
    features: list[dict[str, Any]]
    # The calibrated name probability (calibration.py) and the named parts of its log-odds.
    calibrated: float = 0.0
    calibration: list[ScorePart] = field(default_factory=builtins.list)

    def explanation(self) -> str:
        """One line a person can check: which names, which features, how much each counted."""
        parts = [f"name '{self.query.name}' ~ '{self.matched_name}' ({self.name.describe()})"]
        for f in self.features:
            parts.append(f"{f['feature']} {f['value']} {f['weight']:+.1f}")
        return "; ".join(parts) + f"; total {self.match_weight:+.1f} -> {self.score:.2f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.name,
            "list": self.candidate.list,
            "entity_id": self.candidate.entity_id,
            "caption": self.candidate.caption,
            "schema": self.candidate.schema,
            "score": round(self.score, 4),
            "match_weight": round(self.match_weight, 2),
            "matched_name": self.matched_name,
            "name_similarity": self.name.similarity,
            "programs": self.candidate.programs,
            "listing_date": self.candidate.listing_date,
            "features": self.features,
            "calibrated": round(self.calibrated, 4),
            "calibration": [p.__dict__ for p in self.calibration],
            "explanation": self.explanation(),
        }


def probability(match_weight: float) -> float:
    if match_weight > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -match_weight))


def _name_level(similarity: float) -> tuple[float, str]:
    """The name's weight and level. Within a level the weight rises linearly by up to
    ``LEVEL_RISE``, so scores are continuous and rank within a level; a pair never weighs less
    than its level did (no alert is lost at a threshold), and never as much as the next level
    (evidence against, such as another birth year, still takes a name below an alert)."""
    upper: tuple[float, float] | None = None
    for floor, weight, label in NAME_LEVELS:
        if similarity >= floor:
            if upper is None or floor == NAME_LEVELS[-1][0]:
                return weight, label
            top, top_weight = upper
            rise = min(LEVEL_RISE, top_weight - weight)
            return round(weight + (similarity - floor) / (top - floor) * rise, 2), label
        upper = (floor, weight)
    return NAME_LEVELS[-1][1], NAME_LEVELS[-1][2]


def best_name(query: NameKey, names: list[str]) -> tuple[str, NameMatch]:
    """The entity name closest to the query (and to the query's other readings)."""
    best: tuple[str, NameMatch] | None = None
    readings = (query, *alternates(query.name))
    for name in names:
        for listed in (analyze(name), *alternates(name)):
            for reading in readings:
                match = compare_names(reading, listed)
                if best is None or match.similarity > best[1].similarity:
                    best = (name, match)
        if best is not None and best[1].similarity >= 0.999:
            break
    assert best is not None
    return best


def _ids(query: Query, candidate: Candidate) -> dict[str, Any] | None:
    if not query.ids or not candidate.ids:
        return None
    mismatched: list[str] = []
    for raw in query.ids:
        value = normalize_id(raw)
        if len(value) < 4:
            continue
        scheme = scheme_of(value)
        for cand_scheme, values in candidate.ids.items():
            if value in values and (
                cand_scheme == scheme or scheme not in STRONG_SCHEMES or cand_scheme not in STRONG_SCHEMES
            ):
                return {
                    "feature": "identifier",
                    "value": f"{scheme} {value} = list",
                    "weight": WEIGHTS["id_match"],
                }
        if scheme in STRONG_SCHEMES and candidate.ids.get(scheme):
            mismatched.append(f"{scheme} {value} != {', '.join(sorted(candidate.ids[scheme]))}")
    if mismatched:
        return {"feature": "identifier", "value": "; ".join(mismatched), "weight": WEIGHTS["id_mismatch"]}
    return None


def _country(query: Query, candidate: Candidate) -> dict[str, Any] | None:
    if not query.country or not candidate.countries:
        return None
    if query.country in candidate.countries:
        return {"feature": "country", "value": f"{query.country} listed", "weight": WEIGHTS["country_match"]}
    if any(frozenset({query.country, c}) in _NEIGHBOURS for c in candidate.countries):
        return None
    return {
        "feature": "country",
        "value": f"{query.country} not in {','.join(candidate.countries[:4])}",
        "weight": WEIGHTS["country_mismatch"],
    }


def _schema(query: Query, candidate: Candidate) -> dict[str, Any] | None:
    if not query.schema:
        return None
    q_org = query.schema in ORG_SCHEMAS
    c_org = candidate.schema in ORG_SCHEMAS
    if query.schema == candidate.schema or (q_org and c_org):
        return None
    if (query.schema == "Person") != (candidate.schema == "Person") or q_org != c_org:
        return {
            "feature": "schema",
            "value": f"{query.schema} vs {candidate.schema}",
            "weight": WEIGHTS["schema_mismatch"],
        }
    return None


def _birth_date(query: Query, candidate: Candidate) -> dict[str, Any] | None:
    if not query.birth_date or not candidate.birth_dates:
        return None
    mine = query.birth_date.strip()[:10]
    if not mine[:4].isdigit():
        return None
    listed = sorted({d.strip()[:10] for d in candidate.birth_dates if d and d.strip()[:4].isdigit()})
    if not listed:
        return None
    shown = ", ".join(listed[:3])
    if any(len(d) == 10 and d == mine for d in listed):
        return {"feature": "birth_date", "value": f"{mine} listed", "weight": WEIGHTS["birth_day_match"]}
    same_year = [d for d in listed if d[:4] == mine[:4]]
    if same_year:
        if len(mine) == 10 and all(len(d) == 10 for d in same_year):
            value, weight = f"{mine} vs {shown}: same year, other day", WEIGHTS["birth_day_mismatch"]
        else:
            value, weight = f"{mine[:4]} listed ({shown})", WEIGHTS["birth_year_match"]
        return {"feature": "birth_date", "value": value, "weight": weight}
    if all(abs(int(d[:4]) - int(mine[:4])) > 1 for d in listed):
        value, weight = f"{mine} vs {shown}", WEIGHTS["birth_year_mismatch"]
        return {"feature": "birth_date", "value": value, "weight": weight}
    return None


def _address_words(text: str) -> set[str]:
    return {t for t in analyze(text).tokens if len(t) >= 3 or t.isdigit()}


def _address(query: Query, candidate: Candidate) -> dict[str, Any] | None:
    if not query.address or not candidate.addresses:
        return None
    mine = _address_words(query.address)
    if len(mine) < 2:
        return None
    for listed in candidate.addresses:
        shared = mine & _address_words(listed)
        if len(shared) >= 2 and len(shared) >= len(mine) / 2:
            return {
                "feature": "address",
                "value": f"shares {', '.join(sorted(shared)[:5])} with '{listed[:80]}'",
                "weight": WEIGHTS["address_match"],
            }
    return None


# The features beyond the name that can lift a one-word name to critical.
_EVIDENCE = ("identifier", "country", "birth_date", "address")


def score(query: Query, candidate: Candidate, names: list[str] | None = None) -> Scored:
    """Score one query against one candidate (``names``: the candidate names to compare,
    default all of them)."""
    matched_name, match = best_name(query.key, names or candidate.names)
    name_weight, label = _name_level(match.similarity)
    features: list[dict[str, Any]] = [
        {"feature": "prior", "value": "base rate", "weight": PRIOR},
        {"feature": "name", "value": f"{label} {match.similarity:.2f}", "weight": name_weight},
    ]
    extras = (_ids, _country, _schema, _birth_date, _address)
    for extra in (feature(query, candidate) for feature in extras):
        if extra is not None:
            features.append(extra)
    total = sum(f["weight"] for f in features)
    held = _one_word(query, matched_name, features, total)
    if held is not None:
        features.append(held)
        total += held["weight"]
    calibrated, parts = _calibrated(query.key, matched_name, match, candidate.schema == "Person")
    return Scored(
        query, candidate, probability(total), total, matched_name, match, features, calibrated, parts
    )


def _one_word(
    query: Query, matched: str, features: list[dict[str, Any]], total: float
) -> dict[str, Any] | None:
    """The qualifier that holds a one-distinctive-word name below critical without evidence."""
    if probability(total) <= ONE_WORD_CAP:
        return None
    if any(f["feature"] in _EVIDENCE and f["weight"] > 0 for f in features):
        return None
    # each side's richest reading ("习近平" is one word joined, two as "xi jinping")
    distinct = [
        max(
            (
                sorted({t for t, w in zip(k.skeletons, k.weights, strict=True) if w >= DISTINCTIVE})
                for k in (analyze(n), *alternates(n))
            ),
            key=len,
        )
        for n in (query.name, matched)
    ]
    if min(len(d) for d in distinct) > 1:
        return None
    cap = math.log2(ONE_WORD_CAP / (1 - ONE_WORD_CAP))
    word = ", ".join(distinct[0] or distinct[1]) or "none"
    return {
        "feature": "one_word_name",
        "value": f"one distinctive word ({word}), no matching country, identifier, birth date or address",
        "weight": round(cap - total, 4),
    }


def _calibrated(
    query: NameKey, matched: str, match: NameMatch, person: bool
) -> tuple[float, list[ScorePart]]:
    """The calibrated name probability and its parts (natural-log odds), intercept first."""
    fitted = calibration_model()
    x = name_features(query, analyze(matched), match, person)
    parts = [ScorePart("intercept", round(fitted.intercept, 4), None, fitted.fitted_on)]
    parts += [ScorePart(f"name_{f}", round(c, 4), round(v, 4)) for f, v, c in fitted.parts(x)]
    return fitted.probability(x), parts
