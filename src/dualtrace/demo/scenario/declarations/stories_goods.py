"""The stories told by the goods: ordinary background trade, body armor declared as something
else (b) and thermal imagers through Hong Kong (c).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dualtrace.demo.scenario import goods
from dualtrace.demo.scenario.declarations.builder import Builder, rand_date, weighted
from dualtrace.demo.scenario.declarations.codes import END, PRE_START, WAR, D
from dualtrace.demo.scenario.declarations.draws import (
    CONTROLLED_TRADES,
    batches,
    goods_of,
    lognormal,
    pick_items,
)
from dualtrace.demo.scenario.model import FileKey


def story_background(b: Builder) -> None:
    rng, cast = b.rng, b.cast
    cn_tech = [k for k in cast.cn_background if cast[k].notes in CONTROLLED_TRADES]
    other_tech = [k for k in cast.other_background if cast[k].notes in CONTROLLED_TRADES]
    # Russian imports: ordinary goods from China and elsewhere
    n = 0
    while n < 1640:
        date = rand_date(rng, PRE_START, END)
        foreign = rng.random() < 0.2
        controlled = rng.random() < (0.09 if date < WAR else 0.03)
        if controlled:
            shipper = rng.choice(other_tech if foreign else cn_tech)
            pool = goods.CONTROLLED[:12]
        else:
            shipper = rng.choice(cast.other_background if foreign else cast.cn_background)
            pool = goods_of(cast[shipper])
        consignee = rng.choice(cast.ru_background)
        items = pick_items(rng, pool, lognormal(rng, 65000, 1.0), 3)
        stories = ["background_controlled" if controlled else "background"]
        b.ship("ru", date, shipper, consignee, items, stories, id_prob=0.7)
        n += len(items)
    # Chinese exports: ordinary goods to Russia, Central Asia and elsewhere
    n = 0
    cis_consignees = [
        k for k in cast.other_background if cast[k].country in ("KZ", "KG", "UZ", "AM", "BY", "TR")
    ]
    while n < 800:
        date = rand_date(rng, PRE_START, END)
        controlled = rng.random() < (0.08 if date < WAR else 0.03)
        shipper = rng.choice(cn_tech if controlled else cast.cn_background)
        consignee = rng.choice(cast.ru_background if rng.random() < 0.75 else cis_consignees)
        pool = goods.CONTROLLED[:12] if controlled else goods_of(cast[shipper])
        items = pick_items(rng, pool, lognormal(rng, 65000, 1.0), 3)
        stories = ["background_controlled" if controlled else "background"]
        b.ship("cn", date, shipper, consignee, items, stories, id_prob=0.8)
        n += len(items)


def _ship_armor(
    b: Builder,
    plan: list[tuple[str, int]],
    mean_value: float,
    window: tuple[dt.date, dt.date],
    route: tuple[FileKey, str],
    lang: Callable[[], str],
    **options: Any,
) -> None:
    """The Tiandun armor of a plan, shuffled and shipped 1-3 products a declaration."""
    rng = b.rng
    file, consignee = route
    queue = [goods.PRODUCTS[k] for k, n in plan for _ in range(n)]
    rng.shuffle(queue)
    while queue:
        n = min(len(queue), rng.randint(1, 3))
        items = [(queue.pop(), lognormal(rng, mean_value, 0.5)) for _ in range(n)]
        date = rand_date(rng, *window)
        b.ship(file, date, "cn_tiandun", consignee, items, ["misdeclared_body_armor"], **options, lang=lang())


def story_armor(b: Builder) -> None:
    """b. Body armor declared as garments, toys, sports goods, ceramics; control group."""
    rng, cast = b.rng, b.cast
    plan = [
        ("a_vest", 8),
        ("a_carrier", 6),
        ("a_helmet_toy", 7),
        ("a_sport_plate", 5),
        ("a_ceramic_plate", 4),
        ("a_ceramic_tech", 2),
    ]
    _ship_armor(
        b,
        plan,
        26000,
        (D(2022, 5, 10), D(2023, 12, 20)),
        ("ru", "ru_rubezh"),
        lambda: "ru" if rng.random() < 0.8 else "en",
        origin="CN",
        departure="KZ",
        transport="ROAD",
        id_prob=0.8,
        manufacturer="JINHUA TIANDUN OUTDOOR PRODUCTS CO., LTD",
        brand="ОТСУТСТВУЕТ",
    )
    cn_plan = [("a_ceramic_plate", 3), ("a_helmet_toy", 3), ("a_vest", 2)]
    _ship_armor(
        b,
        cn_plan,
        30000,
        (D(2022, 4, 20), D(2023, 11, 30)),
        ("cn", "kz_dalakaravan"),
        lambda: "zh",
        destination="KZ",
        transport="ROAD",
        id_prob=0.9,
        brand="无品牌",
    )
    # Control group: honest lines under the same codes, ordinary parties
    control_plan: tuple[tuple[FileKey, int], ...] = (("ru", 48), ("cn", 20))
    for file, total in control_plan:
        for k in batches(rng, total, 2):
            items = [(rng.choice(goods.ARMOR_HONEST), lognormal(rng, 9000, 0.6)) for _ in range(k)]
            shipper = rng.choice(cast.cn_background)
            consignee = rng.choice(cast.ru_background)
            b.ship(
                file,
                rand_date(rng, PRE_START, END),
                shipper,
                consignee,
                items,
                ["armor_control_group"],
                id_prob=0.7,
            )


THERMAL_TARGET_CENTS = 11_000_000_00


def story_thermal(b: Builder) -> None:
    """c. Thermal imagers: Chinese maker -> Hong Kong trader -> Russian consignees."""
    rng, cast = b.rng, b.cast
    consignees = cast.thermal_consignees  # ru_svetorog first
    counts = [30, 62, 44, 36, 28, 20]
    maker = cast["cn_guanghe"]
    weights = {"t_camera": 4, "t_scope": 3, "t_device": 2, "t_monocular": 1.5}
    for consignee, count in zip(consignees, counts, strict=True):
        for k in batches(rng, count, 3):
            chosen = rng.choices(goods.THERMAL, weights=[weights[p.key] for p in goods.THERMAL], k=k)
            items = [(p, lognormal(rng, 42000, 0.55)) for p in chosen]
            descs: list[str] | None = None
            vague = rng.random() < 0.12
            if vague:
                descs = [rng.choice(goods.THERMAL_VAGUE) for _ in chosen]
            date = rand_date(rng, D(2022, 4, 4), END)
            b.ship(
                "ru",
                date,
                "hk_brightpeak",
                consignee,
                items,
                ["thermal_imagers"],
                origin="CN",
                departure="HK",
                transport=rng.choice(["AIR", "AIR", "ROAD"]),
                manufacturer=weighted(rng, maker.ru_variants).name,
                brand="HEXIR",
                descriptions=descs,
                notes={"vague_description": vague},
                id_prob=0.7,
            )
    b.calibrate(
        [ln for s in b.shipments for ln in s.lines if "thermal_imagers" in ln.stories],
        THERMAL_TARGET_CENTS,
    )
    for k in batches(rng, 48, 3):
        items = [(rng.choice(goods.THERMAL), lognormal(rng, 60000, 0.5)) for _ in range(k)]
        b.ship(
            "cn",
            rand_date(rng, D(2022, 3, 14), D(2024, 6, 14)),
            "cn_guanghe",
            "hk_brightpeak",
            items,
            ["thermal_imagers_upstream"],
            destination="HK",
            transport="ROAD",
            brand="HEXIR",
            id_prob=0.9,
            lang="zh",
        )
