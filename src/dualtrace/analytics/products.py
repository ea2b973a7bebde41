"""What a "product" is for the analytics: an HS code at some level, or a watch category.

Levels: ``hs6`` (the six-digit subheading), ``hs4`` (heading), ``hs2`` (chapter), ``code`` (the
code as reported: CN8, HS6...), ``total`` (rows whose code is not a code, e.g. "TOTAL" in
Eurostat extracts), and ``category``: the CHPL tiers (from the reference layer, any HS edition,
direct correspondences only) and the user's own categories (name -> HS prefixes, config
``categories``). A row belongs to one product per level, and to any number of categories.

The map is a small table `_an_products(hs_code, hs_version, level, product)` built from the
codes present in the data, so analytics join it instead of matching prefixes row by row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.config import AnalyticsConfig
from dualtrace.analytics.flows import FLOWS
from dualtrace.analytics.sql import Runner, in_list, lit
from dualtrace.reference.chpl import TIERS

PRODUCTS = "_an_products"
SENSITIVE = "_an_sensitive"
CHPL_ALL = "CHPL (all tiers)"
TIER_NAMES = {
    "1": "integrated circuits",
    "2": "wireless, GNSS and passive electronic components",
    "3.A": "discrete electronic components",
    "3.B": "bearings, optics and aircraft parts",
    "4.A": "electronics manufacturing and test equipment",
    "4.B": "CNC machine tools and parts",
}
_NUMERIC = re.compile(r"^[0-9]+$")


def tier_category(tier: str) -> str:
    return f"CHPL tier {tier}"


@dataclass
class ProductMap:
    rows: list[tuple[str, str, str, str]]  # hs_code, hs_version, level, product
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    members: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)
    user_categories: dict[str, list[str]] = field(default_factory=dict)
    # Products whose codes changed between HS editions: a level change across an edition
    # boundary may be a reclassification, not trade (categories are harmonised, codes are not).
    sensitive: set[tuple[str, str]] = field(default_factory=set)

    def label(self, level: str, product: str) -> str:
        """How a headline names a product: 'aluminium oxide (HS 281820)', 'CHPL tier 1 (...)'."""
        found = self.labels.get((level, product))
        if level == "category":
            return found or product
        if level == "total":
            return "all goods"
        name = f"HS {product}" if level != "code" else f"code {product}"
        return f"{found} ({name})" if found else name

    def predicate(self, level: str, product: str) -> str:
        """SQL over a flows row that is true when the row belongs to the product (portable)."""
        if level == "hs6":
            return f"hs6 = {lit(product)}"
        if level in ("hs4", "hs2"):
            n = 4 if level == "hs4" else 2
            return f"LEFT(hs_code, {n}) = {lit(product)}"
        if level in ("code", "total"):
            return f"hs_code = {lit(product)}"
        if product in self.user_categories:
            prefixes = self.user_categories[product]
            return "(" + " OR ".join(f"LEFT(hs_code, {len(p)}) = {lit(p)}" for p in prefixes) + ")"
        pairs = sorted(self.members.get((level, product), set()))
        if not pairs:
            return "FALSE"
        codes = in_list(f"{v}|{c}" for c, v in pairs)
        return f"(hs_version || '|' || hs_code) IN {codes}"

    def codes(self, level: str, product: str) -> list[str]:
        return sorted({c for c, _ in self.members.get((level, product), set())})


def build(runner: Runner, config: AnalyticsConfig, levels: set[str], codes_from: str = FLOWS) -> ProductMap:
    """Map every (hs_code, hs_version) in the flows (or a table of their sums) to its products at
    the given levels."""
    present = runner.rows(
        "product codes",
        f"SELECT hs_code, hs_version, MIN(hs6) AS hs6 FROM {codes_from} GROUP BY hs_code, hs_version"
        " ORDER BY hs_code, hs_version",
    )
    chpl: dict[tuple[str, str], str] = {}
    if config.chpl and "category" in levels:
        for r in runner.rows(
            "chpl map",
            "SELECT hs_version, hs6, tier FROM ref_hs6_chpl WHERE rank = 1 AND direct ORDER BY hs_version, "
            "hs6",
        ):
            chpl[(r["hs_version"], r["hs6"])] = r["tier"]
    rows: list[tuple[str, str, str, str]] = []
    members: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)

    def add(code: str, version: str, level: str, product: str) -> None:
        rows.append((code, version, level, product))
        members[(level, product)].add((code, version))

    for r in present:
        code, version, hs6 = r["hs_code"], r["hs_version"], r["hs6"]
        numeric = bool(_NUMERIC.fullmatch(code))
        if "total" in levels and not numeric:
            add(code, version, "total", code)
        if not numeric:
            continue
        if "code" in levels:
            add(code, version, "code", code)
        if "hs6" in levels and hs6:
            add(code, version, "hs6", hs6)
        if "hs4" in levels and len(code) >= 4:
            add(code, version, "hs4", code[:4])
        if "hs2" in levels:
            add(code, version, "hs2", code[:2])
        if "category" in levels:
            if hs6 and config.chpl:
                # A code the map lacks for its edition is read as HS2022 (files often carry the
                # new codes for earlier years too, e.g. 880730 in 2019).
                tier = chpl.get((version, hs6)) or chpl.get(("HS2022", hs6)) or chpl.get(("HS2017", hs6))
                if tier:
                    add(code, version, "category", tier_category(tier))
                    add(code, version, "category", CHPL_ALL)
            for name, prefixes in config.categories.items():
                if any(code.startswith(p) for p in prefixes):
                    add(code, version, "category", name)
    product_map = ProductMap(rows, members=dict(members), user_categories=dict(config.categories))
    product_map.labels = _labels(runner, product_map)
    product_map.sensitive = _sensitive(runner, product_map, present)
    runner.register(PRODUCTS, ["hs_code", "hs_version", "level", "product"], rows)
    runner.register(SENSITIVE, ["level", "product"], sorted(product_map.sensitive) or [("", "")])
    return product_map


def _sensitive(
    runner: Runner, product_map: ProductMap, present: list[dict[str, Any]]
) -> set[tuple[str, str]]:
    """Products a change of HS edition may have moved codes into or out of.

    - an HS6 code the correlation table changes (split, merged, new), or a heading/chapter whose
      codes the table links to another heading/chapter;
    - a product the data shows in only one edition while the data spans several (a code that
      appears only from 2022 in every file is new in HS2022, not new trade).
    Categories are harmonised across editions (the CHPL map covers both) and are never listed.
    """
    links = runner.rows(
        "changed codes",
        "SELECT from_code, to_code FROM ref_hs_correlation WHERE relationship <> '1:1'",
    )
    changed6 = {r["from_code"] for r in links} | {r["to_code"] for r in links}
    changed4 = {
        c[:4] for r in links for c in (r["from_code"], r["to_code"]) if r["from_code"][:4] != r["to_code"][:4]
    }
    changed2 = {
        c[:2] for r in links for c in (r["from_code"], r["to_code"]) if r["from_code"][:2] != r["to_code"][:2]
    }
    editions_in_data = {r["hs_version"] for r in present if r["hs_version"]}
    versions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _code, version, level, product in product_map.rows:
        versions[(level, product)].add(version)
    hs6_of = {r["hs_code"]: r["hs6"] for r in present}
    out: set[tuple[str, str]] = set()
    for (level, product), codes in product_map.members.items():
        if level in ("category", "total"):
            continue
        if (
            (len(editions_in_data) > 1 and len(versions[(level, product)] & editions_in_data) == 1)
            or (level in ("hs6", "code") and any(hs6_of.get(c) in changed6 for c, _ in codes))
            or (level == "hs4" and product in changed4)
            or (level == "hs2" and product in changed2)
        ):
            out.add((level, product))
    return out


def _labels(runner: Runner, product_map: ProductMap) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    wanted = {p for (level, p) in product_map.members if level in ("hs6", "hs4", "hs2", "code")}
    lookup = {c[:6] if len(c) > 6 else c for c in wanted}
    described: dict[str, str] = {}
    if lookup:
        for r in runner.rows(
            "hs labels", f"SELECT code, description FROM ref_hs WHERE code IN {in_list(sorted(lookup))}"
        ):
            described[r["code"]] = r["description"]
        for r in runner.rows(
            "chpl labels", f"SELECT hs6, description FROM ref_chpl WHERE hs6 IN {in_list(sorted(lookup))}"
        ):
            described[r["hs6"]] = r["description"]  # shorter and plainer than the HS wording
    for level, product in product_map.members:
        if level == "category":
            tier = product.removeprefix("CHPL tier ")
            if tier in TIER_NAMES:
                labels[(level, product)] = f"CHPL tier {tier} ({TIER_NAMES[tier]})"
            elif product == CHPL_ALL:
                labels[(level, product)] = "CHPL goods (all tiers)"
            continue
        key = product[:6] if len(product) > 6 else product
        if key in described:
            labels[(level, product)] = text.short_label(described[key])
    return labels


def edition_expr(column: str, period: str = "year") -> str:
    """SQL: the first year of the HS edition in force in a bucket (year or quarter number)."""
    from datetime import date

    from dualtrace.reference.correlation import hs_version_for_period

    starts = [
        y
        for y in range(1989, 2040)
        if hs_version_for_period(date(y, 1, 1)) != hs_version_for_period(date(y - 1, 1, 1))
    ]
    year = column if period == "year" else f"FLOOR({column} / 4)"
    cases = " ".join(f"WHEN {year} >= {y} THEN {y}" for y in sorted(starts, reverse=True))
    return f"(CASE {cases} ELSE 0 END)"


def tier_order(product: str) -> int:
    tier = product.removeprefix("CHPL tier ")
    return TIERS.index(tier) if tier in TIERS else len(TIERS)
