"""The project's labelled name pairs: F1 at the default threshold, and the match --pairs metrics."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.screening.pairs import metrics, read_pairs, score_pairs
from dualtrace.screening.score import DEFAULT_THRESHOLD

PAIRS = Path(__file__).with_name("labelled_pairs.csv")


def test_labelled_set_is_big_and_mixed() -> None:
    rows = read_pairs(PAIRS)
    assert len(rows) >= 200
    categories = {r["category"] for r in rows}
    for needed in (
        "script_ru",
        "script_zh",
        "abbreviation",
        "legal_form",
        "typo",
        "shared_generic",
        "shared_word",
    ):
        assert needed in categories
    assert sum(r["is_match"] == "0" for r in rows) >= 80


def test_f1_at_default_threshold() -> None:
    results = score_pairs(read_pairs(PAIRS))
    [at_default] = metrics(results, [DEFAULT_THRESHOLD])
    assert at_default["f1"] >= 0.9, at_default
    assert at_default["precision"] >= 0.9


def test_metrics_count_what_they_say(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name1", "name2", "is_match"])
        writer.writerow(["ООО Вектрамаш", "LLC Vektramash", "1"])
        writer.writerow(["Kong Wah Electronic Trading", "Kong Fung Micro-Electronic Trading Limited", "0"])
        writer.writerow(["Hebei Tianyuan Food", "Tianyuan Group", "yes"])
    results = score_pairs(read_pairs(path))
    [m] = metrics(results, [0.7])
    assert (m["tp"], m["fp"], m["fn"]) == (1, 0, 1)
    assert m["precision"] == 1.0 and m["recall"] == 0.5


def test_bad_pairs_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="name1 and name2"):
        read_pairs(bad)
    label = tmp_path / "label.csv"
    label.write_text("name1,name2,is_match\nA,B,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: is_match"):
        score_pairs(read_pairs(label))
