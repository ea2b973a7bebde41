"""Fit the calibrated name score on the TUNING part of the screening-traffic evaluation set
(benchmarks/screening_traffic.py: each query against the candidates blocking returns) and write
src/dualtrace/screening/data/calibration.json (a logistic model over the named features of
dualtrace.screening.calibration). The test part is never read here.

    .venv/bin/python benchmarks/fit_screening.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dualtrace.normalize.names import analyze  # noqa: E402
from dualtrace.screening.calibration import FEATURES, features  # noqa: E402
from dualtrace.screening.score import best_name  # noqa: E402
from screening import build_warehouse  # noqa: E402
from screening_eval import build_pairs  # noqa: E402
from screening_traffic import build_traffic  # noqa: E402

OUT = ROOT / "src" / "dualtrace" / "screening" / "data" / "calibration.json"
L2 = 1.0  # a little shrinkage: a few thousand pairs, eight features


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression by Newton's method (an intercept column first, not shrunk)."""
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * L2
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x.T * (p * (1 - p))) @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> None:
    con = build_warehouse()
    tune = [r for r in build_traffic(con, build_pairs(con)) if r.split == "tune"]
    rows, labels = [], []
    for r in tune:
        query = analyze(r.query)
        name, match = best_name(query, r.candidate.names)
        x = features(query, analyze(name), match, r.candidate.schema == "Person")
        rows.append([1.0, *(x[f] for f in FEATURES)])
        labels.append(1.0 if r.is_match else 0.0)
    w = fit(np.array(rows), np.array(labels))
    data = {
        "fitted_on": f"tuning part of benchmarks/screening_traffic.py (seed 14): {len(tune)} blocked"
        f" candidates, {int(sum(labels))} matches",
        "intercept": round(float(w[0]), 4),
        "coef": {f: round(float(c), 4) for f, c in zip(FEATURES, w[1:], strict=True)},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
