"""Accuracy on the hand-labelled declaration lines (tests/goods/labelled, see its README).

Run with -s to print the figures that docs/goods.md reports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from dualtrace.goods import Catalogue
from dualtrace.goods.files import FileColumns, classify_file

LABELLED = Path(__file__).parent / "labelled"


@dataclass(frozen=True)
class Scores:
    lines: int
    flagged_expected: int
    precision: float
    recall: float
    category_accuracy: float
    errors: tuple[str, ...]


def score(path: Path, catalogue: Catalogue) -> Scores:
    with path.open(encoding="utf-8", newline="") as handle:
        expected = {row["id"]: row for row in csv.DictReader(handle)}
    got = classify_file(path, FileColumns(hs="hs_code", text="description", version="hs_version"), catalogue)
    tp = fp = fn = right = 0
    errors = []
    for row in got:
        label = expected[row["id"]]
        want_categories = {c for c in label["expected_categories"].split(";") if c}
        want_flag = label["expected_mismatch"] == "1"
        tp += want_flag and row["mismatch"]
        fp += (not want_flag) and row["mismatch"]
        fn += want_flag and not row["mismatch"]
        if set(row["categories"]) == want_categories:
            right += 1
        if set(row["categories"]) != want_categories or want_flag != row["mismatch"]:
            errors.append(f"{row['id']} {row['description']!r}: {sorted(row['categories'])} {row['flags']}")
    return Scores(
        lines=len(got),
        flagged_expected=tp + fn,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        category_accuracy=right / len(got),
        errors=tuple(errors),
    )


@pytest.mark.parametrize("name", ["set_a.csv", "set_b.csv"])
def test_mismatch_precision_recall_and_category_accuracy(catalogue: Catalogue, name: str) -> None:
    result = score(LABELLED / name, catalogue)
    print(
        f"\n{name}: {result.lines} lines, {result.flagged_expected} expected flags; mismatch precision "
        f"{result.precision:.3f}, recall {result.recall:.3f}; "
        f"category accuracy {result.category_accuracy:.3f}"
    )
    for error in result.errors:
        print("  miss:", error)
    assert result.lines >= (300 if name == "set_a.csv" else 90)
    assert result.precision >= 0.9
    assert result.recall >= 0.9
    assert result.category_accuracy >= 0.9


def test_the_sets_cover_three_languages_and_both_editions() -> None:
    rows = [
        row
        for name in ("set_a.csv", "set_b.csv")
        for row in csv.DictReader((LABELLED / name).open(encoding="utf-8", newline=""))
    ]
    text = " ".join(row["description"] for row in rows)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)  # Chinese
    assert any("а" <= ch <= "я" for ch in text.lower())  # Russian
    assert sum(row["description"].isascii() and bool(row["description"]) for row in rows) >= 60  # English
    assert {row["hs_version"] for row in rows} == {"HS2017", "HS2022"}
    assert sum(row["expected_mismatch"] == "1" for row in rows) >= 90
    assert len({row["id"] for row in rows}) == len(rows) >= 400
