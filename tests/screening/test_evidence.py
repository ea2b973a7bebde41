"""Evidence beyond the name: a name with one distinctive word ("OOO Vektor" against the EU 269
entry "AO NII VEKTOR") is held below critical unless a country or an identifier backs it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import dualtrace
from dualtrace.findings.model import severity_from_score
from dualtrace.screening.score import ONE_WORD_CAP, Candidate, Query, score
from dualtrace.session import Dualtrace
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def eu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dualtrace]:
    dt = dualtrace.open(tmp_path_factory.mktemp("evidence") / "w.duckdb")
    dt.lists_load([shared_file("sanctions/eu/eu__journal_sanctions__32014R0269.csv")])
    yield dt
    dt.close()


def _vektor(dt: Dualtrace, **kwargs: object) -> dict[str, object]:
    hits = dt.screen(["OOO Vektor"], threshold=0.5, limit=10, **kwargs)  # type: ignore[arg-type]
    # EU 269 lists "Vektor JSC" (a.k.a. AO NII VEKTOR)
    found = [h for h in hits if "VEKTOR" in str(h["caption"]).upper()]
    assert found, [(h["caption"], h["score"]) for h in hits]
    return found[0]


def test_one_word_name_alone_is_not_critical(eu: Dualtrace) -> None:
    hit = _vektor(eu)
    assert severity_from_score(float(hit["score"])) != "critical"
    assert "one_word_name" in str(hit["explanation"])


def test_an_identifier_of_the_entry_makes_it_critical(eu: Dualtrace) -> None:
    entity = _vektor(eu)["entity_id"]
    rows = eu._records(
        "SELECT value FROM entity_ids WHERE entity_id = ? AND scheme IN ('inn', 'ogrn') ORDER BY value",
        [entity],
    )
    if not rows:
        pytest.skip("the EU entry of Vektor JSC carries no INN/OGRN in this file")
    hit = _vektor(eu, ids=[str(rows[0]["value"])])
    assert severity_from_score(float(hit["score"])) == "critical"
    assert "one_word_name" not in str(hit["explanation"])


def test_names_with_several_distinctive_words_are_not_held() -> None:
    name = "Almaz-Antey Air and Space Defence Corporation"
    s = score(Query(name), Candidate("t", "1", "Company", name.upper(), [name.upper()]))
    assert s.score > ONE_WORD_CAP
    assert all(f["feature"] != "one_word_name" for f in s.features)


def test_the_held_parts_still_add_up() -> None:
    s = score(Query("OOO Vektor"), Candidate("t", "1", "Company", "AO NII VEKTOR", ["AO NII VEKTOR"]))
    assert s.score == pytest.approx(ONE_WORD_CAP, abs=1e-3)
    assert sum(f["weight"] for f in s.features) == pytest.approx(s.match_weight)
