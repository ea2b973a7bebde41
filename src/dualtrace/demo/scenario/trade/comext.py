"""Comext flows: EU member states' exports of the controlled basket and of control goods."""

from __future__ import annotations

from typing import Any

from dualtrace.demo.scenario.trade.comext_tables import (
    CN8_CONTROL,
    CN8_CONTROLLED,
    EU_BASE,
    EU_CONTROL_BASE,
    EU_DECLARANTS,
    EU_PARTNERS,
    EU_POST,
    EU_TARGETS,
    SMALL_PARTNERS,
)
from dualtrace.demo.scenario.trade.files import comext_file
from dualtrace.demo.scenario.trade.generator import Generator, calibrate_ratio
from dualtrace.demo.scenario.trade.hs import HS
from dualtrace.demo.scenario.trade.timeline import post_multiplier


def comext_exports(g: Generator) -> None:
    rng = g.rng
    products = sorted(CN8_CONTROLLED.items(), key=lambda kv: -kv[1][1])
    for decl, (_code, scale, n_products, partners) in EU_DECLARANTS.items():
        mine = products[:1] + rng.sample(products[1:], n_products - 1)
        for partner in partners:
            chosen = mine if partner not in SMALL_PARTNERS else mine[:3]
            weight_sum = sum(p[1][1] for p in chosen)
            for cn8, (hs6, share, eur_kg, supp) in chosen:
                base = EU_BASE[partner] * scale * share / weight_sum
                unit = "p/st" if supp else "kg"
                _export_series(
                    g,
                    decl,
                    partner,
                    cn8,
                    base,
                    EU_POST[partner],
                    eur_kg,
                    ("eu_controlled",),
                    unit=unit,
                    per_kg=HS[hs6].per_kg,
                )
        if decl in ("DE", "IT", "NL"):
            for partner in EU_PARTNERS:
                for cn8, (_hs6, share, eur_kg, _su) in CN8_CONTROL.items():
                    if cn8 == "21069098" and decl != "DE":
                        continue
                    post = {"RU": 0.97, "UA": 0.9}.get(partner, 1.0)
                    base = EU_CONTROL_BASE[partner] * scale * share
                    _export_series(g, decl, partner, cn8, base, post, eur_kg, ("eu_control",), growth=0.03)
    for partner, target in EU_TARGETS.items():
        calibrate_ratio(g.select(source="comext", partner=partner, tag="eu_controlled"), target)
    for f in g.select(source="comext"):
        f.file = comext_file(f.year)


def _export_series(
    g: Generator,
    declarant: str,
    partner: str,
    cn8: str,
    base: float,
    post: float,
    eur_per_kg: float,
    tags: tuple[str, ...],
    **options: Any,
) -> None:
    """A member state's monthly exports of one CN8 code; the file is set per year afterwards."""
    g.series(
        source="comext",
        file="",
        reporter=declarant,
        partner=partner,
        flow="X",
        code=cn8,
        base=base,
        mult=post_multiplier(post),
        usd_per_kg=eur_per_kg,
        tags=tags,
        **options,
    )
