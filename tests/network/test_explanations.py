"""Network findings explain their score as ScoreParts, the same shape as screening, goods and
analytics."""

from __future__ import annotations

import pytest

from dualtrace.session import Dualtrace


def test_network_findings_carry_score_parts_that_add_up(demo: Dualtrace) -> None:
    found = demo.findings(["ownership_exposure", "intermediary", "sanctioned_network"])
    kinds = {f.kind for f in found}
    assert {"ownership_exposure", "intermediary"} <= kinds, kinds
    for f in found:
        assert f.explanation, f.headline
        assert sum(p.weight for p in f.explanation) == pytest.approx(f.score)
        names = [p.name for p in f.explanation]
        if f.kind == "intermediary":
            signals = next(p for p in f.explanation if p.name == "signals")
            assert signals.value == len(f.metrics["signals"])
        elif f.kind == "ownership_exposure":
            assert names == ["ownership_rule"]
            assert f.explanation[0].value == f.metrics["aggregate_share"]
