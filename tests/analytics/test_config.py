"""Settings: defaults, YAML files, and one clear line for every mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dualtrace.analytics import ConfigError
from dualtrace.analytics import config as config_module


def load(tmp_path: Path, text: str) -> config_module.AnalyticsConfig:
    path = tmp_path / "analytics.yaml"
    path.write_text(text, encoding="utf-8")
    return config_module.load(path)


def test_defaults() -> None:
    c = config_module.load(None)
    assert c.policy_date == date(2022, 2, 24) and c.effective_baseline() == 2021
    assert c.diversion.targets == ["RUS"] and c.divergence.pairs == [["RUS", "UKR"]]
    assert c.measures == ["value", "net_kg"]


def test_a_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    c = load(
        tmp_path,
        "policy_date: 2014-03-17\nbaseline_year: 2013\ncategories: {drones: ['8806', '880730']}\n"
        "surge: {ratio: 3, floors: {value: 5000}}\ndiversion: "
        "{targets: [rus, blr], before: [2013-01, 2013-12],"
        " after: [2015-01, 2015-12]}\n",
    )
    assert c.policy_date == date(2014, 3, 17) and c.effective_baseline() == 2013
    assert c.categories == {"drones": ["8806", "880730"]}
    assert c.surge.ratio == 3.0 and c.surge.floors.value == 5000.0 and c.surge.floors.net_kg == 10_000.0
    assert c.diversion.targets == ["RUS", "BLR"]
    assert c.share.min_change == 0.15


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("surge: {ratoi: 3}", "unknown setting 'surge.ratoi' (did you mean 'ratio'?)"),
        ("surge: {ratio: three}", "surge.ratio: expected a number"),
        ("measures: [value, euros]", "unknown measure 'euros'"),
        ("categories: {drones: ['88.06']}", "is not an HS prefix"),
        ("diversion: {before: [2021-01, 2021-12]}", "give both before and after"),
        ("diversion: {before: [2021-13], after: [2023-01, 2023-12]}", "expected [first month, last month]"),
        ("policy_date: yesterday", "expected a date like 2022-02-24"),
        ("share: {period: decade}", "share.period"),
        ("divergence: {pairs: [[RUS]]}", "expected pairs like [[RUS, UKR]]"),
        ("surge: [1, 2]", "expected a mapping"),
        ("surge: {ratio: 2", "is not valid YAML"),
    ],
)
def test_mistakes_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        config_module.load(tmp_path / "nope.yaml")
