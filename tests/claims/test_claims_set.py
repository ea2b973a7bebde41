"""The claim test set (claims.yaml): each sentence's parse and its verdict on the test warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dualtrace.api import Dualtrace
from dualtrace.claims.model import Claim

SET = yaml.safe_load((Path(__file__).parent / "claims.yaml").read_text(encoding="utf-8"))["claims"]


def _field(claim: Claim, key: str) -> Any:
    """A parse expectation's field: claim attributes, plus figure/unit/rounding and goods_* shortcuts."""
    if key in ("figure", "unit", "rounding"):
        assert claim.figure is not None, "no figure parsed"
        return {"figure": claim.figure.value, "unit": claim.figure.unit, "rounding": claim.figure.rounding}[
            key
        ]
    if key.startswith("goods_"):
        return getattr(claim.goods, key.removeprefix("goods_"))
    value = getattr(claim, key)
    return list(value) if isinstance(value, tuple) else value


def test_the_set_has_what_the_issue_asks() -> None:
    verdicts = [entry["verdict"] for entry in SET]
    assert len(SET) >= 40
    assert verdicts.count("not enough data") >= 10 and verdicts.count("contradicted") >= 10
    assert all(entry.get("missing") for entry in SET if entry["verdict"] == "not enough data")
    parses = [entry.get("parse", {}) for entry in SET]
    for key, values in (
        ("measure", {"value", "weight", "unit_value", "quantity"}),
        ("comparison", {"level", "change", "ratio", "share", "rank"}),
    ):
        assert values <= {p[key] for p in parses if key in p}, key


@pytest.mark.parametrize("entry", SET, ids=[e["text"][:60] for e in SET])
def test_claim(claims_db: Dualtrace, entry: dict[str, Any]) -> None:
    [check] = claims_db.check_claims([entry["text"]])
    for key, expected in entry.get("parse", {}).items():
        got = _field(check.claim, key)
        if isinstance(expected, list) and isinstance(got, tuple | list):
            got = [str(g) for g in got]
        assert got == expected, f"{key}: parsed {got!r}, expected {expected!r}"
    assert check.verdict == entry["verdict"], check.sentence
    if entry["verdict"] == "not enough data":
        assert entry["missing"] in (check.missing or ""), check.missing
    else:
        assert check.computed is not None and check.sql and check.evidence
        assert check.sentence.startswith("The data")
