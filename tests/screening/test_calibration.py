"""The calibrated name score: fitted data file, named parts that add up, direction of features."""

from __future__ import annotations

import math

from dualtrace.screening.calibration import FEATURES, model
from dualtrace.screening.score import Candidate, Query, score


def _cand(name: str, schema: str = "Company") -> Candidate:
    return Candidate("t", "1", schema, name, [name])


def test_parts_add_up_to_the_calibrated_probability() -> None:
    s = score(
        Query("Joint Stock Company Tomsk Electrotechnical Plant"), _cand("AO Tomsk Electrotechnical Plant")
    )
    log_odds = sum(p.weight for p in s.calibration)
    assert math.isclose(1 / (1 + math.exp(-log_odds)), s.calibrated, abs_tol=1e-3)
    assert s.calibration[0].name == "intercept" and "tuning part" in s.calibration[0].detail
    assert {p.name for p in s.calibration[1:]} <= {f"name_{f}" for f in FEATURES}


def test_continuous_and_ordered() -> None:
    # real EU 833 / OFAC spellings of one plant, a partial name and an unrelated firm
    same = score(
        Query("Tomsk Electrotechnical Plant"), _cand("JOINT STOCK COMPANY TOMSK ELECTROTECHNICAL PLANT")
    )
    part = score(Query("Tomsk Plant"), _cand("JOINT STOCK COMPANY TOMSK ELECTROTECHNICAL PLANT"))
    other = score(Query("Kovrov Mechanical Plant"), _cand("JOINT STOCK COMPANY TOMSK ELECTROTECHNICAL PLANT"))
    assert same.calibrated > part.calibrated > other.calibrated
    assert len({round(x.calibrated, 4) for x in (same, part, other)}) == 3


def test_model_records_what_it_was_fitted_on() -> None:
    fitted = model()
    assert set(fitted.coef) == set(FEATURES)
    assert "tuning part" in fitted.fitted_on and "blocked candidates" in fitted.fitted_on


def test_names_sharing_nothing_are_unlikely_matches() -> None:
    # Fitted on the pair set (60% matches, many unrelated aliases), two names with nothing in
    # common got the set's prior, 0.59. Among blocked candidates they are rarely the party.
    s = score(Query("Kovrov Mechanical Plant"), _cand("Shield AI, Inc."))
    assert s.calibrated < 0.05
    same = score(Query("Kovrov Mechanical Plant"), _cand("KOVROV MECHANICAL PLANT OAO"))
    assert same.calibrated > 0.8
