"""Watch categories as data: the shipped file, users' files, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.goods import CatalogueError, load_catalogue
from dualtrace.goods.catalogue import Catalogue
from dualtrace.reference import TIERS, chpl_entries
from tests.bad_input import one_line_error

REQUIRED = {
    "semiconductors",
    "printed_circuits",
    "navigation",
    "radio_comms",
    "antennas_radar",
    "machine_tools",
    "bearings",
    "optics",
    "thermal_imaging",
    "night_vision_sights",
    "uav",
    "engines",
    "body_armor",
    "technical_ceramics",
    "firearms",
    "energetic_materials",
    "aluminum_oxide",
    "strategic_materials",
}


def test_shipped_catalogue_has_every_category_the_issue_asks_for(catalogue: Catalogue) -> None:
    ids = set(catalogue.ids())
    assert ids >= REQUIRED
    assert {"chpl_1", "chpl_2", "chpl_3a", "chpl_3b", "chpl_4a", "chpl_4b"} <= ids


def test_chpl_categories_hold_the_50_codes_of_the_reference_by_tier(catalogue: Catalogue) -> None:
    by_tier = {c.chpl_tier: set(c.codes) for c in catalogue.categories if c.chpl_tier}
    assert set(by_tier) == set(TIERS)
    for tier in TIERS:
        assert by_tier[tier] == {e.hs6 for e in chpl_entries() if e.tier == tier}
    assert sum(len(codes) for codes in by_tier.values()) == 50


def test_text_categories_speak_english_russian_and_chinese(catalogue: Catalogue) -> None:
    for category in catalogue.categories:
        if category.terms:
            assert all(category.terms.get(lang) for lang in ("en", "ru", "zh")), category.id


def test_a_user_file_adds_and_replaces_categories(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        """
categories:
  - id: sonar
    label: Sonar
    risk: high
    codes: ["901480", "8526109000"]
    terms: {en: [sonar], ru: [гидролокатор*]}
  - id: bearings
    label: Bearings (my version)
    risk: watch
    codes: ["8482"]
claims:
  - id: hunting
    terms: {en: [safari]}
""",
        encoding="utf-8",
    )
    catalogue = load_catalogue(mine)
    assert catalogue["sonar"].codes == ("901480", "8526109000")
    assert catalogue["sonar"].source == "mine.yaml"
    assert catalogue["bearings"].risk == "watch"
    assert catalogue["bearings"].label == "Bearings (my version)"
    hunting = next(c for c in catalogue.claims if c.id == "hunting")
    assert "safari" in hunting.terms and "hunting" in hunting.terms
    assert catalogue.fingerprint() != load_catalogue().fingerprint()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("categories: [ {id: x, label: X, risk: high, codes: [8542]} ", "not valid YAML"),
        ("categories:\n  - {id: x, label: X, risk: high, codes: ['85423']}", "not an HS prefix"),
        ("categories:\n  - {id: x, label: X, risk: urgent}", "risk 'urgent'"),
        ("categories:\n  - {id: x, label: X, risk: high, colour: red}", "unknown field(s) colour"),
        ("categories:\n  - {id: X-1, label: X, risk: high}", "must be lower-case"),
        ("categories:\n  - {id: x, label: X, risk: high, chpl_tier: '5'}", "chpl_tier '5'"),
        ("categories:\n  - {id: x, label: X, risk: high, claims_ok: [picnic]}", "unknown claim(s) picnic"),
        ("categories:\n  - {id: x, label: X, risk: high, terms: {fr: [canon]}}", "unknown language 'fr'"),
        ("colours: []", "unknown section(s) colours"),
        ("- just a list", "expected a mapping"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    assert message in one_line_error(tmp_path, text, CatalogueError, load_catalogue)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "nope.yaml")
