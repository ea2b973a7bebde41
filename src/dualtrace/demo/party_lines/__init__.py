"""Labelled synthetic declarations for measuring party resolution (benchmark and tests): demo
data, kept out of the engines.

``generate(lines, companies, seed)`` invents ``companies`` firms (Chinese, Russian, Hong Kong,
Turkish, Emirati, Kazakh, Korean and a few others) and writes ``lines`` declaration lines between
them, each party spelled the way customs data spells it:

- Chinese firms in Chinese characters on Chinese export declarations (with their USCC most of the
  time) and in pinyin English on Russian and Korean import declarations (without it);
- Russian firms in Cyrillic with their INN (or OGRN) on Russian import declarations, in one of
  several Latin transliterations on Chinese export declarations;
- Korean importers with a 7-character importer code, like the Korean customs data set;
- noise: case and punctuation, legal forms written differently or expanded, abbreviations
  (TECH, ELEC, INTL, IMP. & EXP., HK; a few the normaliser does not know), word order, split
  brands ("HUA RUI"), dropped activity words, typos (one or two edits), ids missing or prefixed.

Names repeat on purpose: firms share brands across cities, activities and countries, so a name
alone often does not decide. Each line keeps the true firm of its shipper and consignee
(``_truth_shipper``, ``_truth_consignee`` in the storage table), and ``evaluate`` measures pairwise
precision and recall of any grouping of the parties against it.

ALL OF IT IS FICTIONAL: names are assembled from syllables; ids have valid check digits and
belong to no one.
"""

from __future__ import annotations

from dualtrace.demo.party_lines.companies import Company
from dualtrace.demo.party_lines.lines import generate
from dualtrace.demo.party_lines.truth import evaluate, install

__all__ = ["Company", "evaluate", "generate", "install"]
