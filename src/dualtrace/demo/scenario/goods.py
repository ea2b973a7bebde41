"""Goods that appear on declaration lines: national 10-digit codes, descriptions in Russian,
English and Chinese, unit prices and weights, read from data/goods.yaml. HS codes and what they
cover are real facts; brands are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Product:
    key: str
    hs_ru: str  # 10-digit code of the EAEU nomenclature (ТН ВЭД)
    hs_cn: str  # 10-digit code of the Chinese tariff
    category: str  # background | chpl | thermal | armor_misdeclared | armor_honest
    ru: tuple[str, ...]
    en: tuple[str, ...]
    zh: tuple[str, ...]
    price: tuple[float, float]  # USD per unit
    kg: tuple[float, float]  # net kg per unit
    unit_ru: str = "шт"
    unit_cn: str = "个"
    brands: tuple[str, ...] = ()
    spec_zh: tuple[str, ...] = field(default=())

    @property
    def hs6(self) -> str:
        return self.hs_ru[:6]


_GOODS = Path(__file__).parent / "data" / "goods.yaml"


def _product(category: str, rec: dict[str, Any]) -> Product:
    """One product of data/goods.yaml; the Chinese code is the Russian one unless given."""
    code = str(rec["code"])
    return Product(
        key=rec["key"],
        hs_ru=code,
        hs_cn=str(rec.get("cn_code", code)),
        category=category,
        ru=tuple(rec["ru"]),
        en=tuple(rec["en"]),
        zh=tuple(rec["zh"]),
        price=(rec["price"][0], rec["price"][1]),
        kg=(rec["kg"][0], rec["kg"][1]),
        unit_ru=rec.get("unit_ru", "шт"),
        unit_cn=rec.get("unit_cn", "个"),
        brands=tuple(rec.get("brands", ())),
    )


def _load() -> dict[str, list[Product]]:
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(_GOODS.read_text(encoding="utf-8"))
    return {category: [_product(category, rec) for rec in recs] for category, recs in data.items()}


_BY_CATEGORY = _load()
BACKGROUND = _BY_CATEGORY["background"]
# Honest lines under the codes that the body-armor story abuses: the control group.
ARMOR_HONEST = _BY_CATEGORY["armor_honest"]
# Body armor declared as garments, toys, sports goods or ceramics (story b).
ARMOR_MISDECLARED = _BY_CATEGORY["armor_misdeclared"]
# Thermal imaging (story c)
THERMAL = _BY_CATEGORY["thermal"]
THERMAL_VAGUE = (
    "ЗАПЧАСТИ",
    "ELECTRONIC COMPONENTS",
    "КОМПЛЕКТУЮЩИЕ ДЛЯ ОПТИЧЕСКИХ ПРИБОРОВ",
    "ЗАПАСНЫЕ ЧАСТИ, НЕ ДЛЯ ВОЕННОГО ПРИМЕНЕНИЯ",
)
# Controlled goods (Common High Priority List codes and other export-controlled items)
CONTROLLED = _BY_CATEGORY["chpl"]
VAGUE_CONTROLLED = ("ЭЛЕКТРОННЫЕ КОМПОНЕНТЫ", "ELECTRONIC COMPONENTS", "ЗАПЧАСТИ")

PRODUCTS = {p.key: p for p in [*BACKGROUND, *ARMOR_HONEST, *ARMOR_MISDECLARED, *THERMAL, *CONTROLLED]}


def by_keys(*keys: str) -> list[Product]:
    return [PRODUCTS[k] for k in keys]


def pick_description(rng: random.Random, product: Product, lang: str) -> str:
    pool = {"ru": product.ru, "en": product.en, "zh": product.zh}[lang] or product.ru
    return rng.choice(pool)
