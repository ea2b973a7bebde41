"""A calibrated name score: a logistic model over named features of a name comparison, fitted on
the tuning part of the screening-traffic evaluation set (benchmarks/screening_traffic.py; the fit
is benchmarks/fit_screening.py, stored in ``data/calibration.json``). That set holds each query
against the candidates blocking returns for it, so most rows are not the query's party, as in
screening. A name score of 0.8 is then a match about 80% of the time among the candidates the
search returns.

    log_odds = intercept + sum(coef[f] * x[f])      (natural log)

Each term is one named part of the explanation. Only features whose direction does not depend on
how the evaluation set was sampled are used: "words spelled the same" or "a cross-script pair"
would learn the sampling, not the names. The features are computed here and nowhere else, so the
fit and the scorer cannot drift apart.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dualtrace.normalize.names import NameKey
from dualtrace.screening.compare import NameMatch

__all__ = ["FEATURES", "Model", "features", "model"]

FEATURES = (
    "similarity",  # the weighted coverage of compare_names
    "min_coverage",  # the less covered side: a long name against one word of it
    "aligned_words",  # aligned word pairs, up to 4, over 4
    "person",  # 1 for a person's name (given names and surnames, not firm words)
)


def features(query: NameKey, listed: NameKey, match: NameMatch, person: bool) -> dict[str, float]:
    pairs = match.pairs
    return {
        "similarity": match.similarity,
        "min_coverage": min(match.query_coverage, match.list_coverage),
        "aligned_words": min(len(pairs), 4) / 4,
        "person": 1.0 if person else 0.0,
    }


@dataclass(frozen=True)
class Model:
    intercept: float
    coef: dict[str, float]
    fitted_on: str

    def parts(self, x: dict[str, float]) -> list[tuple[str, float, float]]:
        """(feature, value, contribution to the log-odds) for every feature that contributes."""
        return [(f, x[f], self.coef[f] * x[f]) for f in FEATURES if self.coef.get(f) and x[f]]

    def log_odds(self, x: dict[str, float]) -> float:
        return self.intercept + sum(c for _, _, c in self.parts(x))

    def probability(self, x: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.log_odds(x)))))


@lru_cache(maxsize=1)
def model() -> Model:
    text = (Path(__file__).parent / "data" / "calibration.json").read_text("utf-8")
    data = json.loads(text)
    return Model(float(data["intercept"]), {k: float(v) for k, v in data["coef"].items()}, data["fitted_on"])
