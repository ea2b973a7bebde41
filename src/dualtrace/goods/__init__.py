"""Goods: which shipments carry dual-use goods, and which descriptions do not fit their HS code.

    >>> from dualtrace.goods import Classifier, default_catalogue
    >>> classifier = Classifier(default_catalogue())
    >>> verdict = classifier.judge("6211430000", "HS2022", "ЖИЛЕТ ДЛЯ СТРАЙКБОЛА, КЛАСС ЗАЩИТЫ БР4")
    >>> verdict.categories, [flag.kind for flag in verdict.flags]
    (('body_armor',), ['described_as_other_goods', 'use_claim'])

Modules: ``catalogue`` (watch categories as YAML data), ``text`` (description analysis in
English, Russian and Chinese), ``codes`` (a code's HS6, HS2022 equivalents, categories, CHPL
tier), ``rules`` (mismatch rules with reasons), ``unit_values``, ``engine`` (vectorised
tagging), ``classify`` (the warehouse run), ``findings``, ``files`` and ``explain``.
"""

from __future__ import annotations

from dualtrace.goods.catalogue import Catalogue, CatalogueError, Category, default_catalogue, load_catalogue
from dualtrace.goods.codes import CodeInfo, CodeResolver
from dualtrace.goods.engine import Classifier
from dualtrace.goods.rules import Flag, Verdict, judge
from dualtrace.goods.text import Analyzer, TextAnalysis, normalize

__all__ = [
    "Analyzer",
    "Catalogue",
    "CatalogueError",
    "Category",
    "Classifier",
    "CodeInfo",
    "CodeResolver",
    "Flag",
    "TextAnalysis",
    "Verdict",
    "default_catalogue",
    "judge",
    "load_catalogue",
    "normalize",
]
