"""The stories told by the parties: the state group's subsidiaries (d), listed suppliers and
end users (a), the new Hong Kong intermediary (e), the fast-growing importer (f) and the decoys.
"""

from __future__ import annotations

import datetime as dt

from dualtrace.demo.scenario import goods
from dualtrace.demo.scenario.declarations.builder import Builder, rand_date, weighted
from dualtrace.demo.scenario.declarations.codes import END, PRE_START, D
from dualtrace.demo.scenario.declarations.draws import batches, goods_of, lognormal, split_value
from dualtrace.demo.scenario.model import FileKey

FAST_TARGETS = {2021: 400_000, 2022: 8_000_000, 2023: 30_000_000, 2024: 15_000_000}


_GROUP_GOODS = {
    "ty_tech": ("c_router", "c_server", "c_mcu"),
    "ty_precision": ("c_mcentre", "c_lathe", "c_mtparts"),
    "ty_components": ("c_mcu", "c_memory", "c_caps", "c_transistor", "c_ic_other"),
    "ty_hk": ("c_mcu", "c_ic_other", "c_gnss", "c_router"),
    "ty_xian_opto": ("c_scope", "t_device", "c_antenna"),
    "ty_harbin_avia": ("c_avionics", "c_uavparts", "c_gnss"),
    "ty_shenyang_bearing": ("c_bearing", "c_bearing_tapered"),
    "ty_changzhou_cnc": ("c_lathe", "c_mtparts"),
    "ty_nanjing_microwave": ("c_ic_other", "c_antenna", "c_transistor"),
    "ty_guangzhou_radio": ("c_router", "c_antenna", "c_gnss"),
    "ty_qingdao_materials": ("c_caps", "c_transistor"),
    "ty_luoyang_chem": ("c_converter", "c_caps"),
}


def _group_lines(b: Builder, sub: str, file: FileKey, count: int, story: str) -> None:
    rng, cast = b.rng, b.cast
    end_users = ["ru_oriantekh", "ru_vektramash", "ru_svetorog", "ru_aeronis"]
    products = goods.by_keys(*_GROUP_GOODS[sub])
    for k in batches(rng, count, 3):
        items = [(rng.choice(products), lognormal(rng, 38000, 0.7)) for _ in range(k)]
        date = rand_date(rng, D(2022, 3, 9), END)
        party = cast[sub]
        departure = "HK" if party.country == "HK" else "CN"
        b.ship(
            file,
            date,
            sub,
            rng.choice(end_users),
            items,
            [story],
            origin="CN",
            departure=departure,
            id_prob=0.75,
        )


def story_group(b: Builder) -> None:
    """d. Subsidiaries of the state group ship controlled goods to 4 listed Russian end users."""
    cast = b.cast
    ru_counts = [24, 22, 28, 18, 20, 16, 22, 15, 19, 21]  # 205
    cn_counts = [8, 7, 10, 5, 8, 6, 9, 6, 8, 9]  # 76
    for sub, nr, nc in zip(cast.group_current, ru_counts, cn_counts, strict=True):
        _group_lines(b, sub, "ru", nr, "group_subsidiaries")
        _group_lines(b, sub, "cn", nc, "group_subsidiaries")
    _group_lines(b, "ty_qingdao_materials", "ru", 17, "group_minority_stake")
    _group_lines(b, "ty_luoyang_chem", "ru", 12, "group_former_subsidiary")
    _group_lines(b, "ty_luoyang_chem", "cn", 6, "group_former_subsidiary")


def story_listed(b: Builder) -> None:
    """a. Listed suppliers and end users trading under variant spellings."""
    for plan in _listed_plans(b.cast.ru_background):
        _ship_listed_plan(b, *plan)
    _ship_to_listed_hk_trader(b)


_ListedPlan = tuple[FileKey, str, list[str], tuple[str, ...], int, dt.date]


def _listed_plans(others: list[str]) -> list[_ListedPlan]:
    """(file, listed shipper, consignees, product keys, lines, first date), `others` filling in."""
    return [
        (
            "ru",
            "cn_lianxin",
            ["ru_oriantekh", "ru_aeronis", *others[:6]],
            ("c_mcu", "c_memory", "c_caps", "c_transistor", "c_ic_other"),
            60,
            D(2022, 4, 1),
        ),
        (
            "ru",
            "hk_kongfung",
            ["ru_oriantekh", "ru_svetorog", *others[6:11]],
            ("c_mcu", "c_ic_other", "c_router", "c_gnss"),
            50,
            D(2022, 6, 1),
        ),
        (
            "ru",
            "cn_haoguang",
            ["ru_vektramash", *others[11:15]],
            ("c_laser", "c_mtparts", "c_lathe"),
            30,
            D(2022, 3, 1),
        ),
        (
            "ru",
            "cn_xiangqiong",
            ["ru_aeronis", *others[15:18]],
            ("c_uavparts", "c_gnss", "c_avionics", "c_antenna"),
            26,
            D(2022, 9, 1),
        ),
        (
            "cn",
            "cn_lianxin",
            ["ru_oriantekh", "hk_kongfung", "ru_aeronis"],
            ("c_mcu", "c_memory", "c_ic_other"),
            30,
            D(2022, 3, 1),
        ),
        (
            "cn",
            "cn_haoguang",
            ["ru_vektramash", *others[20:22]],
            ("c_laser", "c_mtparts"),
            15,
            D(2022, 3, 1),
        ),
        (
            "cn",
            "cn_xiangqiong",
            ["ru_aeronis"],
            ("c_uavparts", "c_avionics", "c_gnss"),
            10,
            D(2022, 9, 1),
        ),
    ]


def _ship_listed_plan(
    b: Builder,
    file: FileKey,
    shipper: str,
    consignees: list[str],
    keys: tuple[str, ...],
    count: int,
    start: dt.date,
) -> None:
    """`count` lines of one to three items from a listed shipper to its consignees after `start`."""
    rng = b.rng
    products = goods.by_keys(*keys)
    for k in batches(rng, count, 3):
        value = 120000 if keys[0] in ("c_laser",) else 30000
        items = [(rng.choice(products), lognormal(rng, value, 0.6)) for _ in range(k)]
        consignee = rng.choice(consignees)
        b.ship(
            file,
            rand_date(rng, start, END),
            shipper,
            consignee,
            items,
            ["sanctioned_counterparties"],
            id_prob=0.7,
            departure="HK" if b.cast[shipper].country == "HK" else "CN",
        )


def _ship_to_listed_hk_trader(b: Builder) -> None:
    """The HK listed trader also receives goods from ordinary Chinese makers."""
    rng, cast = b.rng, b.cast
    for k in batches(rng, 15, 2):
        items = [(rng.choice(goods.CONTROLLED[:5]), lognormal(rng, 25000)) for _ in range(k)]
        b.ship(
            "cn",
            rand_date(rng, D(2022, 5, 1), END),
            rng.choice(cast.cn_background[:30]),
            "hk_kongfung",
            items,
            ["sanctioned_counterparties"],
            destination="HK",
            transport="ROAD",
            id_prob=0.8,
        )


def story_hk_intermediary(b: Builder) -> None:
    """e. A Hong Kong company incorporated in 2022 that suddenly moves controlled goods."""
    rng, cast = b.rng, b.cast
    makers = [
        ("cn_lianxin", 14, ("c_mcu", "c_memory")),
        ("ty_components", 10, ("c_mcu", "c_caps")),
        ("cn_guanghe", 8, ("t_camera", "t_scope")),
        ("cn_kunlong", 18, ("c_converter", "c_lathe", "c_mtparts")),
        ("cn_ruixun", 20, ("c_router", "c_antenna")),
    ]
    for maker, count, keys in makers:
        for k in batches(rng, count, 3):
            items = [
                (p, lognormal(rng, 110000, 0.6)) for p in (rng.choice(goods.by_keys(*keys)) for _ in range(k))
            ]
            stories = ["hk_intermediary"]
            if maker == "cn_lianxin":
                stories.append("sanctioned_counterparties")
            if maker == "ty_components":
                stories.append("group_subsidiaries_to_intermediary")
            b.ship(
                "cn",
                rand_date(rng, D(2022, 6, 6), END),
                maker,
                "hk_polarlink",
                items,
                stories,
                destination="HK",
                transport=rng.choice(["ROAD", "AIR"]),
                id_prob=0.8,
            )
    # Ru side: 15 consignees; the fast-growing importer's lines come from story_fast_importer
    counts = {"ru_vektramash": 16}
    for key in cast.hk_consignees[2:]:
        counts[key] = 0
    rest = 180 - 40 - 16
    for i, key in enumerate(cast.hk_consignees[2:]):
        counts[key] = rest // 13 + (1 if i < rest % 13 else 0)
    products = goods.by_keys(
        "c_mcu",
        "c_memory",
        "c_ic_other",
        "c_router",
        "c_converter",
        "c_bearing",
        "c_uavparts",
        "c_transistor",
        "c_server",
    )
    for key, count in counts.items():
        for k in batches(rng, count, 3):
            items = [(rng.choice(products), lognormal(rng, 95000, 0.6)) for _ in range(k)]
            stories = ["hk_intermediary"]
            if key == "ru_vektramash":
                stories.append("sanctioned_counterparties")
            maker = rng.choice(makers)[0] if rng.random() < 0.5 else ""
            b.ship(
                "ru",
                rand_date(rng, D(2022, 7, 4), END),
                "hk_polarlink",
                key,
                items,
                stories,
                origin="CN",
                departure="HK",
                transport=rng.choice(["AIR", "AIR", "SEA"]),
                manufacturer=weighted(rng, cast[maker].ru_variants).name if maker else "",
                id_prob=0.7,
            )


def story_fast_importer(b: Builder) -> None:
    """f. A Russian LLC founded in 2021 whose imports grow ~75-fold in two years."""
    rng = b.rng
    # year -> (target USD, [(supplier, lines)])
    plan = {
        2021: (FAST_TARGETS[2021], [("cn_kunlong", 6)]),
        2022: (
            FAST_TARGETS[2022],
            [("cn_kunlong", 12), ("tr_atlaskuzey", 10), ("hk_polarlink", 6)],
        ),
        2023: (
            FAST_TARGETS[2023],
            [("hk_polarlink", 22), ("cn_kunlong", 22), ("tr_atlaskuzey", 20)],
        ),
        2024: (
            FAST_TARGETS[2024],
            [("hk_polarlink", 12), ("cn_kunlong", 10), ("tr_atlaskuzey", 10)],
        ),
    }
    products = goods.by_keys(
        "c_mcu", "c_converter", "c_bearing", "c_lathe", "c_router", "c_mtparts", "c_transistor"
    )
    for year, (target, suppliers) in plan.items():
        total_lines = sum(n for _, n in suppliers)
        values = split_value(rng, target, total_lines, 0.5)
        start = D(2021, 4, 5) if year == 2021 else D(year, 1, 10)
        end = D(year, 12, 28) if year < 2024 else END
        i = 0
        for supplier, count in suppliers:
            lo = max(start, D(2022, 7, 4)) if supplier == "hk_polarlink" else start
            for _ in range(count):
                stories = ["fast_growing_importer"]
                if supplier == "hk_polarlink":
                    stories.append("hk_intermediary")
                country = "HK" if supplier == "hk_polarlink" else b.cast[supplier].country
                b.ship(
                    "ru",
                    rand_date(rng, lo, end),
                    supplier,
                    "ru_nordvektor",
                    [(rng.choice(products), values[i])],
                    stories,
                    origin="TR" if country == "TR" and rng.random() < 0.3 else "CN",
                    departure=country,
                    transport="SEA" if country == "TR" else "ROAD",
                    manufacturer="" if supplier != "cn_kunlong" else None,
                    id_prob=0.7,
                )
                i += 1
        b.calibrate(
            [
                ln
                for s in b.shipments
                for ln in s.lines
                if "fast_growing_importer" in ln.stories and ln.date.year == year
            ],
            target * 100,
        )


_DECOY_GOODS = {
    "dec_cn_hongrui": ("c_mcu", "c_caps", "c_transistor", "kitchen", "lamps"),
    "dec_cn_jinanhuayu": ("c_mtparts", "fasteners", "autoparts"),
    "dec_cn_xiamen_lanhai": ("autoparts", "lamps", "c_gnss"),
    "dec_hk_kongwah": ("c_mcu", "c_memory", "kitchen", "lamps"),
    "dec_cn_tianyuan_food": ("apples", "tea", "biscuits"),
}


def story_decoys(b: Builder) -> None:
    """Unlisted companies that share words with listed ones; they must not match."""
    rng, cast = b.rng, b.cast
    plan: list[tuple[str, str, int, int]] = [  # key, side, ru lines, cn lines
        ("dec_cn_hongrui", "shipper", 12, 8),
        ("dec_cn_jinanhuayu", "shipper", 8, 5),
        ("dec_cn_xiamen_lanhai", "shipper", 6, 4),
        ("dec_hk_kongwah", "shipper", 10, 0),
        ("dec_cn_tianyuan_food", "shipper", 8, 6),
        ("dec_ru_oriontekh", "consignee", 10, 4),
        ("dec_ru_tekhnomash", "consignee", 8, 3),
        ("dec_ru_uraloptika", "consignee", 8, 3),
        ("dec_ru_aeroservis", "consignee", 6, 3),
    ]
    files: tuple[FileKey, FileKey] = ("ru", "cn")
    for key, side, n_ru, n_cn in plan:
        for file, count in zip(files, (n_ru, n_cn), strict=True):
            for k in batches(rng, count, 2):
                if side == "shipper":
                    shipper, consignee = key, rng.choice(cast.ru_background)
                    pool = goods.by_keys(*_DECOY_GOODS[key])
                else:
                    shipper, consignee = rng.choice(cast.cn_background), key
                    pool = goods_of(cast[shipper])
                items = [(rng.choice(pool), lognormal(rng, 15000)) for _ in range(k)]
                b.ship(
                    file,
                    rand_date(rng, PRE_START, END),
                    shipper,
                    consignee,
                    items,
                    ["decoy"],
                    id_prob=1.0,
                    notes={"decoy": key},
                )
