"""Blocking keys: an acronym and its long form share a key, and unrelated names do not."""

from __future__ import annotations

from dualtrace.normalize.names import analyze
from dualtrace.screening.index import grouped_keys, keys_of


def _acronym_keys(name: str) -> set[str]:
    return {k for k in keys_of(analyze(name)) if k.startswith("a:")}


def test_acronym_meets_long_form() -> None:
    # OFAC / EU spell this Russian institute both ways
    short = _acronym_keys("AO NIIMET")
    long = _acronym_keys("AO Nauchno-Issledovatelskiy Institut Materialov Elektronnoi Tekhniki")
    assert "a:niimet" in short & long


def test_acronym_keys_do_not_join_unrelated_names() -> None:
    assert not _acronym_keys("AO NIIMET") & _acronym_keys("Siemens Gas Turbine Technologies GmbH")


def _keys(name: str) -> set[str]:
    return set(keys_of(analyze(name)))


def test_an_acronym_written_in_parts_meets_its_long_form() -> None:
    # EU 833 lists both "AO SKB VT" and the long form it abbreviates
    assert "a:skbvt" in _keys("AO SKB VT") & _keys(
        "AO Spetsialnoe Konstruktorskoe Byuro Vychislitelnoi Tekhniki"
    )


def test_a_leading_vowel_and_z_or_s_do_not_split_the_sound_key() -> None:
    # OFAC lists "AMBRELLA INDASTRIAL" (a transliteration back from Russian) and "UMBRELLA INDUSTRIAL"
    assert {k for k in _keys("AMBRELLA INDASTRIAL") & _keys("UMBRELLA INDUSTRIAL") if k.startswith("p:")}
    assert "p:dgdsl" in _keys("Zavod Dagdiesel") & _keys("DAGDIZEL PLANT")


def test_a_russian_adjective_meets_its_place_and_english_cognate() -> None:
    # "Rybinskaya verf" / "Rybinsk Shipyard", "Kovrovskii" / "Kovrov" (OFAC and EU spellings)
    assert "t:ribin" in _keys("OOO Rybinskaya Verf") & _keys("Rybinsk Shipyard")
    assert "t:kovrov" in _keys("Kovrovskii Elektromekhanicheskii Zavod") & _keys(
        "Kovrov Electromechanical Plant"
    )
    assert "t:elektromehan" in _keys("Elektromekhanicheskii") & _keys("Electromechanical")
    # a short stem is never made: "Minsk" is not "min"
    assert not {k for k in _keys("Minsk") if k == "t:mi"}


def test_ukrainian_h_and_russian_g_share_the_sound_key() -> None:
    # OFAC lists one person as "ROGOV, Volodymyr Valeriyovych"; other lists write "ROHOV"
    assert "p:rgv" in _keys("ROHOV, Volodymyr") & _keys("ROGOV, Volodymyr Valeriyovych")
    assert {k for k in _keys("Serhiy") & _keys("Sergey") if k.startswith("p:")}


def test_qu_meets_the_russian_kv() -> None:
    # EU 833: "Sequoia JSC" / "АКЦИОНЕРНОЕ ОБЩЕСТВО ‘СЕКВОЙЯ’"
    assert {k for k in _keys("Sequoia JSC") & _keys("АКЦИОНЕРНОЕ ОБЩЕСТВО ‘СЕКВОЙЯ’") if k.startswith("p:")}


def test_each_word_ranks_once_by_its_best_key() -> None:
    keys = grouped_keys(analyze("KIZLYAR ELECTROMECHANICAL PLANT"))
    groups = {g for _, g in keys.values()}
    # one group per word, one per pair of neighbouring words, one for the acronym keys
    assert len(groups) == 3 + 2 + any(k.startswith("a:") for k in keys)
    assert keys["t:kizliar"][1] == keys["p:kslr"][1] != keys["t:kizliarelektromehanikal"][1]
    stem = keys["t:elektromehan"][1]
    assert keys["t:elektromehanikal"][1] == stem != keys["t:elektromehanikalplant"][1]


def test_russian_dzh_meets_the_english_g() -> None:
    # OFAC lists "OIL ENERDZHI LIMITED LIABILITY COMPANY" a.k.a. "OIL ENERGY"
    assert "p:anrg" in _keys("OIL ENERDZHI") & _keys("OIL ENERGY")
    assert {k for k in _keys("Dzhordzh") & _keys("George") if k.startswith("p:")}
