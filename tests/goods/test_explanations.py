"""Goods findings explain their score as ScoreParts (the shape of every engine), and the report
shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dualtrace.findings import explain
from dualtrace.session import Dualtrace


def test_goods_findings_carry_score_parts_that_add_up(demo: tuple[Dualtrace, dict[str, Any]]) -> None:
    dt, _ = demo
    found = dt.findings(["controlled_goods", "misdeclaration"])
    assert {f.kind for f in found} == {"controlled_goods", "misdeclaration"}
    for f in found:
        assert f.explanation, f.headline
        assert sum(p.weight for p in f.explanation) == pytest.approx(f.score)
        first = f.explanation[0]
        assert first.name == ("category_risk" if f.kind == "controlled_goods" else "flag_risk")
        if f.kind == "controlled_goods":
            assert first.value == f.metrics["risk"]
            assert any(p.name == "misdeclared_lines" for p in f.explanation) == bool(
                f.metrics["mismatched_lines"]
            )


def test_the_report_shows_the_score_parts(demo: tuple[Dualtrace, dict[str, Any]], tmp_path: Path) -> None:
    dt, _ = demo
    dt.report(tmp_path / "r.html", kinds=["controlled_goods"])
    html = (tmp_path / "r.html").read_text("utf-8")
    strongest = dt.findings(["controlled_goods"], limit=1)[0]
    assert "why this score: " + explain(strongest.explanation).split(" (")[0] in html
