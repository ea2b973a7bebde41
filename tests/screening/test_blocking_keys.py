"""Blocking keys: an acronym and its long form share a key, and unrelated names do not."""

from __future__ import annotations

from dualtrace.normalize.names import analyze
from dualtrace.screening.index import keys_of


def _acronym_keys(name: str) -> set[str]:
    return {k for k in keys_of(analyze(name)) if k.startswith("a:")}


def test_acronym_meets_long_form() -> None:
    # OFAC / EU spell this Russian institute both ways
    short = _acronym_keys("AO NIIMET")
    long = _acronym_keys("AO Nauchno-Issledovatelskiy Institut Materialov Elektronnoi Tekhniki")
    assert "a:niimet" in short & long


def test_acronym_keys_do_not_join_unrelated_names() -> None:
    assert not _acronym_keys("AO NIIMET") & _acronym_keys("Siemens Gas Turbine Technologies GmbH")
