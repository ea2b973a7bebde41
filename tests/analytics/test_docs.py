"""The settings example in docs/analytics.md is a valid config, and names every setting."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from dualtrace.analytics import config as config_module

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"


def test_the_documented_settings_load_and_cover_every_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert blocks
    data = yaml.safe_load(blocks[0])
    settings = config_module.from_dict(data)
    assert settings.categories["drones"] == ["8806", "880730", "880220"]
    top_level = {f.name for f in dataclasses.fields(config_module.AnalyticsConfig)}
    assert top_level <= set(data), top_level - set(data)
