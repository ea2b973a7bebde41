"""Mismatch rules and their reasons."""

from __future__ import annotations

from dualtrace.goods import Classifier
from dualtrace.goods.rules import DESCRIBED_AS_OTHER, USE_CLAIM, VAGUE


def test_armor_under_garments_is_described_as_other_goods(classifier: Classifier) -> None:
    verdict = classifier.judge("6211430000", "HS2022", "ЖИЛЕТ ДЛЯ СТРАЙКБОЛА, КЛАСС ЗАЩИТЫ БР4")
    assert verdict.categories == ("body_armor",)
    assert [f.kind for f in verdict.flags] == [DESCRIBED_AS_OTHER, USE_CLAIM]
    reason = verdict.flags[0].reason
    assert '"бр4"' in reason and "6211.43.0000" in reason and "garments" in reason
    assert '"страйкбола"' in verdict.flags[1].reason
    assert verdict.risk >= 0.9


def test_ballistic_helmets_fit_safety_headgear(classifier: Classifier) -> None:
    verdict = classifier.judge("6506100000", "HS2022", "BALLISTIC HELMETS NIJ IIIA")
    assert verdict.categories == ("body_armor",) and not verdict.mismatch


def test_vague_description_under_a_controlled_code(classifier: Classifier) -> None:
    verdict = classifier.judge("8525890000", "HS2022", "ЗАПЧАСТИ")
    assert [f.kind for f in verdict.flags] == [VAGUE]
    assert "8525.89.0000 is watched (CHPL tier 3.A" in verdict.flags[0].reason
    assert '"запчасти"' in verdict.flags[0].reason
    # the same words under a code nobody watches are fine
    assert not classifier.judge("8708999709", "HS2022", "ЗАПЧАСТИ").mismatch
    # and an empty description under a controlled code is flagged too
    assert (
        classifier.judge("8542310000", "HS2022", None)
        .flags[0]
        .reason.endswith("an empty description and does not say what the goods are")
    )


def test_claims_for_military_use_goods_only(classifier: Classifier) -> None:
    scope = classifier.judge("9013100000", "HS2022", "ПРИЦЕЛЫ ОПТИЧЕСКИЕ ДЛЯ ОХОТЫ")
    assert [f.kind for f in scope.flags] == [USE_CLAIM]
    assert "hunting" in scope.flags[0].reason and "night vision and weapon sights" in scope.flags[0].reason
    # a sporting claim on bearings or a tracksuit is nobody's business
    assert not classifier.judge("8482100900", "HS2022", "ПОДШИПНИКИ ДЛЯ СПОРТИВНЫХ ВЕЛОСИПЕДОВ").mismatch
    assert not classifier.judge("6211430000", "HS2022", "КОСТЮМЫ СПОРТИВНЫЕ ЖЕНСКИЕ").mismatch
    # hunting is what a hunting gun is
    assert not classifier.judge("9303200000", "HS2022", "РУЖЬЯ ОХОТНИЧЬИ").mismatch


def test_text_categories_compatible_with_the_code(classifier: Classifier) -> None:
    assert not classifier.judge("8525890000", "HS2022", "THERMAL IMAGING CAMERA").mismatch
    assert classifier.judge("9503007000", "HS2022", "ИГРУШКА: ТЕПЛОВИЗОР").mismatch
    cnc = classifier.judge("8479899708", "HS2022", "СТАНОК ТОКАРНЫЙ С ЧПУ")
    assert cnc.flags[0].kind == DESCRIBED_AS_OTHER and cnc.flags[0].category == "machine_tools"


def test_watch_categories_do_not_make_mismatches(classifier: Classifier) -> None:
    # alumina named under a ceramics code: worth a tag, not a flag
    verdict = classifier.judge("6909120000", "HS2022", "ОКСИД АЛЮМИНИЯ")
    assert "aluminum_oxide" in verdict.categories and not verdict.mismatch


def test_not_a_code_is_not_judged_against_the_text(classifier: Classifier) -> None:
    verdict = classifier.judge("N/A", "HS2022", "BULLETPROOF VEST")
    assert verdict.categories == ("body_armor",)
    assert not verdict.described_as_other
