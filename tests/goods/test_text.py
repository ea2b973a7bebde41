"""Description analysis: normalisation, inflections, shorthand, Chinese, claims, vague text."""

from __future__ import annotations

import pytest

from dualtrace.goods import Analyzer, Catalogue, normalize


@pytest.fixture(scope="module")
def analyzer(catalogue: Catalogue) -> Analyzer:
    return Analyzer(catalogue)


def test_normalize_folds_case_width_yo_punctuation_and_mixed_scripts(catalogue: Catalogue) -> None:
    assert normalize("ＮＩＪ　ＩＩＩＡ") == "nij iiia"
    assert normalize("ЖИЛЁТ, (класс-защиты)") == "жилет класс защиты"
    # Latin K, A, C typed inside a Cyrillic word, and a Cyrillic о inside a Latin one
    assert normalize("KЛACC") == "класс"
    assert normalize("mоtor") == "motor"
    assert normalize("д/страйкбола з/ч", catalogue.abbreviations) == "для страйкбола запчасти"
    assert normalize("ИМС К155ЛА3", catalogue.abbreviations).startswith("интегральные микросхемы")
    assert normalize(None) == ""


@pytest.mark.parametrize(
    ("description", "category", "words"),
    [
        ("ТЕПЛОВИЗОР", "thermal_imaging", ("тепловизор",)),
        ("тепловизоры", "thermal_imaging", ("тепловизоры",)),
        ("КАМЕРОЙ ТЕПЛОВИЗИОННОЙ", "thermal_imaging", ("тепловизионной",)),
        ("thermal imaging cameras", "thermal_imaging", ("thermal imaging",)),
        ("红外热成像摄像机", "thermal_imaging", ("热成像",)),
        ("квадрокоптеров", "uav", ("квадрокоптеров",)),
        ("FPV drones", "uav", ("fpv", "drones")),
        ("无人机机架", "uav", ("无人机",)),
        ("ПОДШИПНИКОВ", "bearings", ("подшипников",)),
        ("bearings", "bearings", ("bearings",)),
        ("轴承", "bearings", ("轴承",)),
        ("станков с чпу", "machine_tools", ("станков", "чпу")),
        ("нитроцеллюлозы", "energetic_materials", ("нитроцеллюлозы",)),
        ("硝化棉", "energetic_materials", ("硝化棉",)),
        ("класс защиты Бр4", "body_armor", ("бр4",)),
        ("класс Бр 5", "body_armor", ("бр 5",)),
        ("bullet-proof vest", "body_armor", ("bullet proof",)),
        ("防弹衣", "body_armor", ("防弹",)),
    ],
)
def test_terms_match_inflections_plurals_and_chinese(
    analyzer: Analyzer, description: str, category: str, words: tuple[str, ...]
) -> None:
    analysis = analyzer.analyze(description)
    assert category in analysis.categories
    for word in words:
        assert word in analysis.categories[category]


def test_combo_needs_a_material_and_an_item(analyzer: Analyzer) -> None:
    assert "body_armor" in analyzer.analyze("SPORTS PROTECTIVE PLATE, UHMWPE, LEVEL IV").categories
    assert "body_armor" not in analyzer.analyze("ARAMID FILAMENT YARN").categories
    assert "body_armor" not in analyzer.analyze("BALLISTIC NYLON BACKPACKS").categories


def test_not_terms_cancel_a_category(analyzer: Analyzer) -> None:
    tool = analyzer.analyze("ПИСТОЛЕТЫ ДЛЯ ГЕРМЕТИКА")
    assert "firearms" not in tool.categories
    assert tool.cancelled["firearms"] == ("герметика",)
    assert "firearms" in analyzer.analyze("СИГНАЛЬНЫЕ ПИСТОЛЕТЫ").categories
    assert "body_armor" not in analyzer.analyze("BULLETPROOF GLASS FOR BANKS").categories


def test_words_inside_other_words_do_not_match(analyzer: Analyzer) -> None:
    # "диод" inside "светодиодные", a bronze grade "БрОЦС5-5-5", "plate" inside "template"
    assert analyzer.analyze("СВЕТИЛЬНИКИ СВЕТОДИОДНЫЕ").categories == {}
    assert analyzer.analyze("ВТУЛКИ БРОНЗОВЫЕ БРОЦС5-5-5").categories == {}
    assert analyzer.analyze("TEMPLATE KEVLAR").categories == {}


def test_claims(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("Шлем для страйкбола (игрушка), гражданского назначения")
    assert set(analysis.claims) == {"airsoft", "toy", "civilian"}
    assert analyzer.analyze("THERMAL SCOPE FOR HUNTING").claims == {"hunting": ("hunting",)}
    assert analyzer.analyze("民用无人机").claims == {"civilian": ("民用",)}


@pytest.mark.parametrize(
    "description",
    [
        "ЗАПЧАСТИ",
        "spare parts",
        "ELECTRONIC COMPONENTS",
        "电子元器件",
        "配件",
        "",
        "N/A",
        "Эл.компоненты",
        "ЗАПАСНЫЕ ЧАСТИ, НЕ ДЛЯ ВОЕННОГО ПРИМЕНЕНИЯ",
        "КОМПЛЕКТУЮЩИЕ ДЛЯ ОПТИЧЕСКИХ ПРИБОРОВ",
        "零部件 123",
    ],
)
def test_generic_descriptions_are_vague(analyzer: Analyzer, description: str) -> None:
    assert analyzer.analyze(description).vague


@pytest.mark.parametrize(
    "description",
    [
        "ЗАПЧАСТИ ДЛЯ ТЕПЛОВИЗОРОВ",
        "ELECTRONIC COMPONENTS: CAPACITORS",
        "ЧАСТИ КУЗОВА",
        "零件 螺栓",
        "TV PARTS: MAIN BOARDS",
    ],
)
def test_descriptions_that_say_something_are_not_vague(analyzer: Analyzer, description: str) -> None:
    assert not analyzer.analyze(description).vague


def test_a_category_named_only_as_what_an_accessory_is_for(analyzer: Analyzer) -> None:
    bag = analyzer.analyze("СУМКИ ДЛЯ ПЕРЕНОСКИ ДРОНОВ")
    assert bag.categories == {} and bag.purpose_only == {"uav": ("дронов",)}
    carrier = analyzer.analyze("ЧЕХОЛ ПЛИТОНОСЦА С БАЛЛИСТИЧЕСКИМИ ПАКЕТАМИ БР2")
    assert "body_armor" in carrier.categories
    cover = analyzer.analyze("ЧЕХЛЫ ДЛЯ БРОНЕЖИЛЕТОВ С БАЛЛИСТИЧЕСКИМИ ВСТАВКАМИ")
    assert "body_armor" in cover.categories  # the ballistic inserts are not "for" anything
