"""Draws the stories share: values split over lines, the goods of a line of business."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

from dualtrace.demo.scenario import goods
from dualtrace.demo.scenario.goods import Product
from dualtrace.demo.scenario.model import Party


def split_value(rng: random.Random, total: float, n: int, spread: float = 0.6) -> list[float]:
    weights = [math.exp(rng.gauss(0, spread)) for _ in range(n)]
    s = sum(weights)
    return [total * w / s for w in weights]


def batches(rng: random.Random, count: int, most: int) -> Iterator[int]:
    """Sizes of 1 to `most` lines, one declaration each, that add up to `count` lines."""
    n = 0
    while n < count:
        k = min(count - n, rng.randint(1, most))
        yield k
        n += k


def pick_items(
    rng: random.Random, products: Sequence[Product], value: float, max_lines: int = 3
) -> list[tuple[Product, float]]:
    n = rng.randint(1, max_lines)
    chosen = [rng.choice(products) for _ in range(n)]
    return list(zip(chosen, split_value(rng, value, n), strict=True))


def lognormal(rng: random.Random, median: float, sigma: float = 0.8) -> float:
    return median * math.exp(rng.gauss(0, sigma))


_ANY = tuple(p.key for p in goods.BACKGROUND)
TRADE_GOODS: dict[str, tuple[str, ...]] = {
    "Furniture": ("furniture", "sofa"),
    "Textile": ("tshirt", "sweater", "trousers"),
    "Garment": ("tshirt", "sweater", "trousers", "h_dress"),
    "Auto Parts": ("brakes", "shock", "autoparts", "tyres"),
    "Household Products": ("kitchen", "plastic", "lamps"),
    "Hardware": ("fasteners", "autoparts"),
    "Food": ("apples", "tea", "biscuits"),
    "Plastic Products": ("plastic",),
    "Toys": ("h_toys",),
    "Machinery": ("autoparts", "fasteners", "kitchen"),
    "Lighting": ("lamps",),
    "Shoes": ("shoes",),
    "Electronics": ("kitchen", "lamps"),
    "Technology": ("kitchen", "lamps"),
    "Pharma": ("medicine",),
    "Ceramics": ("h_ceramic",),
    "Import and Export": _ANY,
    "Trading": _ANY,
}
CONTROLLED_TRADES = ("Electronics", "Technology", "Machinery", "Trading", "Import and Export")


def goods_of(party: Party) -> list[Product]:
    """What an ordinary trader ships: the goods of its line of business."""
    return goods.by_keys(*TRADE_GOODS.get(party.notes, _ANY))
