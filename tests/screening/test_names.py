"""Name normalisation: legal forms, abbreviations, scripts; and properties that must always hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrace.normalize.identifiers import scheme_of
from dualtrace.normalize.names import alternates, analyze, script_of, skeleton
from dualtrace.screening.compare import compare_names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ООО «Вектрамаш»", "VEKTRAMASH LIMITED LIABILITY COMPANY"),
        ("Общество с ограниченной ответственностью «Вектрамаш»", "OOO Vektramash"),
        ("АО «НПО «Ориантех»", "Joint Stock Company Scientific and Production Association Oriantekh"),
        ("SHENZHEN LIANXIN RUIDA ELEC TECH CO LTD", "Shenzhen Lianxin Ruida Electronic Technology Co., Ltd."),
        ("港峰微电子贸易有限公司", "港峰微電子貿易有限公司"),
        ("Sinno Electronics Co., Ltd", "SINNO ELECTRONICS CO., LIMITED"),
        ("KONG FUNG MICRO-ELECTRONIC TRDG CO", "Kong Fung Micro-Electronic Trading Ltd."),
        # OFAC's "proizvodstvennoe" (no y) is the same Russian org type as "proizvodstvennoye"
        ("JSC Arzamasskoe Nauchno Proizvodstvennoe Predpriyatie Temp-Avia", "Arzamasskoe Temp-Avia"),
        ("AO Nauchno Proizvodstvennoe Obedinenie Kvant", "NAUCHNO-PROIZVODSTVENNOYE OBYEDINENIYE KVANT"),
    ],
)
def test_same_firm_same_tokens(a: str, b: str) -> None:
    assert analyze(a).skeletons == analyze(b).skeletons


def test_chinese_generic_words_are_translated() -> None:
    assert analyze("深圳市联芯锐达电子科技有限公司").norm == "shenzhen lianxinruida electronic technology"
    assert analyze("股份有限公司").tokens == ()  # only a legal form: nothing that identifies a firm


def test_palladius_reading() -> None:
    [reading] = alternates("ШЭНЬЧЖЭНЬ ЛЯНЬСИНЬ ЖУЙДА ЭЛЕКТРОНИК ТЕКНОЛОДЖИ КО., ЛТД")
    assert reading.norm == "shenzhen lianxin ruida electronic technology"
    assert alternates("ООО Вектрамаш") == ()


def test_scripts_and_skeletons() -> None:
    assert (script_of("Алмаз"), script_of("联芯"), script_of("Almaz"), script_of("123")) == (
        "Cyrl",
        "Hani",
        "Latn",
        "Zyyy",
    )
    assert skeleton("tekhkrim") == skeleton("techkrim")
    assert skeleton("aksyonov") == skeleton("aksenov")


def test_id_schemes() -> None:
    assert scheme_of("7716935343") == "inn"  # demo-style INN with a valid check digit
    assert scheme_of("1027700167110") == "ogrn"
    assert scheme_of("253400WSS48YWMBUA688") == "lei"
    assert scheme_of("91440300MABTJ8797L") == "uscc"
    assert scheme_of("12345", "registration") == "registration"


@given(st.text(max_size=40))
def test_analyze_never_fails(text: str) -> None:
    key = analyze(text)
    assert len(key.tokens) == len(key.skeletons) == len(key.weights)


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ电子科技有限公司",
        min_size=1,
        max_size=30,
    )
)
def test_similarity_is_bounded_and_reflexive(text: str) -> None:
    key = analyze(text)
    match = compare_names(key, key)
    assert 0.0 <= match.similarity <= 1.0
    if key.tokens:
        assert match.similarity >= 0.99
