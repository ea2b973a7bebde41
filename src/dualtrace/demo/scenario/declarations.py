"""Line-level customs declarations: Russian imports (cp1251, ``;``, decimal commas, Russian
headers) and Chinese exports (GB18030, Chinese headers), with the planted stories, the background
trade, a few malformed rows, and a mapping YAML next to each file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dualtrace.demo.scenario import goods
from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.goods import Product
from dualtrace.demo.scenario.model import FileKey, Line, Party, PartyOnLine, Variant

D = dt.date
PRE_START, WAR, END = D(2021, 1, 4), D(2022, 2, 24), D(2024, 6, 28)

RU_FILE = "declarations/ru_imports.csv"
CN_FILE = "declarations/cn_exports.csv"

RU_HEADER = [
    "Номер ДТ",
    "№ товара",
    "Дата ДТ",
    "Отправитель",
    "Адрес отправителя",
    "Страна отправителя",
    "Получатель",
    "ИНН получателя",
    "Адрес получателя",
    "Декларант",
    "ИНН декларанта",
    "Страна происхождения",
    "Страна отправления",
    "Код ТН ВЭД",
    "Описание товара",
    "Производитель",
    "Товарный знак",
    "Фактурная стоимость",
    "Валюта",
    "Статистическая стоимость, USD",
    "Вес нетто, кг",
    "Количество",
    "Ед. изм.",
    "Вид транспорта",
]
CN_HEADER = [
    "申报日期",
    "报关单号",
    "项号",
    "发货人",
    "发货人统一社会信用代码",
    "收货人",
    "收货人国家",
    "运抵国",
    "原产国",
    "商品编码",
    "商品名称",
    "规格型号",
    "品牌",
    "生产销售单位",
    "成交总价",
    "币制",
    "美元总价",
    "法定数量",
    "法定单位",
    "净重(千克)",
    "运输方式",
]

RU_COUNTRY = {
    "CN": "КИТАЙ",
    "HK": "ГОНКОНГ",
    "KZ": "КАЗАХСТАН",
    "KG": "КИРГИЗИЯ",
    "AM": "АРМЕНИЯ",
    "TR": "ТУРЦИЯ",
    "AE": "ОБЪЕДИНЕННЫЕ АРАБСКИЕ ЭМИРАТЫ",
    "BY": "БЕЛАРУСЬ",
    "IN": "ИНДИЯ",
    "DE": "ГЕРМАНИЯ",
    "IT": "ИТАЛИЯ",
    "UZ": "УЗБЕКИСТАН",
    "RU": "РОССИЯ",
}
CN_COUNTRY = {
    "RU": "俄罗斯",
    "KZ": "哈萨克斯坦",
    "KG": "吉尔吉斯斯坦",
    "HK": "中国香港",
    "AM": "亚美尼亚",
    "TR": "土耳其",
    "AE": "阿联酋",
    "UZ": "乌兹别克斯坦",
    "BY": "白俄罗斯",
    "CN": "中国",
    "DE": "德国",
    "IN": "印度",
    "IT": "意大利",
}
RU_TRANSPORT = {"SEA": "10", "RAIL": "20", "ROAD": "30", "AIR": "40"}
CN_TRANSPORT = {"SEA": "水路运输", "RAIL": "铁路运输", "ROAD": "公路运输", "AIR": "航空运输"}
CN_CURRENCY = {"USD": "美元", "CNY": "人民币", "EUR": "欧元"}
CN_UNITS = {
    "个": "PCS",
    "台": "PCS",
    "件": "PCS",
    "套": "SET",
    "条": "PCS",
    "双": "PAIR",
    "千克": "KG",
}
RU_UNITS = {"шт": "PCS", "кг": "KG", "пар": "PAIR", "компл": "SET"}
# Units per currency for one USD, per year (approximate annual averages; fixed for the demo)
FX_PER_USD = {
    "CNY": {2021: 6.45, 2022: 6.73, 2023: 7.08, 2024: 7.19},
    "EUR": {2021: 0.846, 2022: 0.950, 2023: 0.925, 2024: 0.924},
    "USD": {2021: 1.0, 2022: 1.0, 2023: 1.0, 2024: 1.0},
}
RU_POSTS = [
    "10702070",
    "10716050",
    "10005030",
    "10131010",
    "10609050",
    "10210200",
    "10404080",
    "10612050",
]
CN_CUSTOMS = ["5316", "5301", "0101", "2244", "1901", "6802", "4218", "7901"]


@dataclass
class Shipment:
    """One declaration: several lines with the same date, parties and route."""

    file: FileKey
    date: dt.date
    lines: list[Line] = field(default_factory=list)
    post: str = ""


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    if day.weekday() >= 5:  # declarations are filed on working days
        day += dt.timedelta(days=7 - day.weekday())
    return min(day, END)


def weighted(rng: random.Random, variants: Sequence[Variant]) -> Variant:
    return rng.choices(list(variants), weights=[v.weight for v in variants])[0]


class Builder:
    """Accumulates shipments for both files; stories call :meth:`ship`."""

    def __init__(self, seed: int, cast: Cast) -> None:
        self.rng = random.Random(f"{seed}:declarations")
        self.cast = cast
        self.shipments: list[Shipment] = []

    # -- parties ------------------------------------------------------------------------------
    def on_line(self, file: FileKey, party: Party, role: str, style: str, id_prob: float) -> PartyOnLine:
        variants = party.ru_variants if file == "ru" else party.cn_variants
        if not variants:
            variants = [Variant(party.name_en.upper(), ("case",))]
        variant = weighted(self.rng, variants)
        country = party.country
        if file == "ru":
            country_text = country if style == "code" else RU_COUNTRY[country]
            address = party.address_local if party.country == "RU" else party.address_en.upper()
        else:
            country_text = CN_COUNTRY[country]
            address = party.address_local if party.country == "CN" else party.address_en
        pid = ""
        if self.rng.random() < id_prob:
            if file == "ru" and role == "consignee":
                pid = party.ids.get("inn", "")
            elif file == "cn" and role == "shipper":
                pid = party.ids.get("uscc", "")
        return PartyOnLine(party.key, variant.name, address, country_text, pid, variant.kinds)

    # -- shipments ----------------------------------------------------------------------------
    def ship(
        self,
        file: FileKey,
        date: dt.date,
        shipper: str,
        consignee: str,
        items: Sequence[tuple[Product, float]],
        stories: Sequence[str],
        *,
        origin: str = "",
        departure: str = "",
        destination: str = "",
        transport: str = "",
        manufacturer: str | None = None,
        brand: str | None = None,
        lang: str = "",
        currency: str = "",
        id_prob: float = 0.7,
        descriptions: Sequence[str] | None = None,
        notes: dict[str, Any] | None = None,
    ) -> Shipment:
        rng = self.rng
        sp, cp = self.cast[shipper], self.cast[consignee]
        style = "code" if rng.random() < 0.5 else "name"
        s_on = self.on_line(file, sp, "shipper", style, id_prob)
        c_on = self.on_line(file, cp, "consignee", style, id_prob)
        origin = origin or ("CN" if sp.country in ("CN", "HK") else sp.country)
        departure = departure or sp.country
        destination = destination or cp.country
        transport = transport or self._transport(items, sp.country, cp.country)
        shipment = Shipment(file, date)
        declarant = rng.choice(self.cast.declarants) if file == "ru" else ("", "")
        for i, (product, usd) in enumerate(items):
            qty, cents, net_g, unit = self._amounts(file, product, usd)
            desc = self._description(
                file, product, lang, descriptions[i] if descriptions is not None else None
            )
            cur = currency or self._currency(file, sp.country, date)
            value_cents = round(cents * FX_PER_USD[cur][date.year])
            maker = _maker(file, manufacturer, s_on, sp)
            mark = brand if brand is not None else self._brand(file, product)
            line = Line(
                file=file,
                date=date,
                shipper=s_on,
                consignee=c_on,
                hs_code=product.hs_ru if file == "ru" else product.hs_cn,
                description=desc,
                usd_cents=cents,
                net_g=net_g,
                qty=qty,
                unit=unit,
                origin=origin,
                departure=departure,
                destination=destination,
                transport=transport,
                currency=cur,
                value_cents=value_cents,
                manufacturer=maker,
                brand=mark,
                spec=self._spec(product, mark) if file == "cn" else "",
                declarant=declarant,
                stories=list(stories),
                notes=dict(notes or {}),
            )
            line.notes.setdefault("product", product.key)
            line.line_no = i + 1
            shipment.lines.append(line)
        self.shipments.append(shipment)
        return shipment

    def _amounts(self, file: FileKey, product: Product, usd: float) -> tuple[int, int, int, str]:
        """(quantity, USD cents, net grams, unit) of about `usd` worth of `product` at a drawn price."""
        rng = self.rng
        unit_price = math.exp(rng.uniform(math.log(product.price[0]), math.log(product.price[1])))
        qty = max(1, round(usd / unit_price))
        cents = max(100, round(qty * unit_price * 100))
        kg_unit = rng.uniform(*product.kg)
        net_g = max(1, round(qty * kg_unit * 1000))
        unit = product.unit_ru if file == "ru" else product.unit_cn
        if unit in ("кг", "千克"):
            qty = max(1, round(net_g / 1000))
        return qty, cents, net_g, unit

    def _description(self, file: FileKey, product: Product, lang: str, given: str | None) -> str:
        """The given description, or one drawn in `lang` (else mostly the file's own language)."""
        rng = self.rng
        language = lang or (
            ("ru" if rng.random() < 0.85 else "en")
            if file == "ru"
            else ("zh" if rng.random() < 0.9 else "en")
        )
        if given is not None:  # the language is drawn all the same: the later draws stay put
            return given
        desc = goods.pick_description(rng, product, language)
        return desc.title() if file == "cn" and language == "en" else desc

    def _brand(self, file: FileKey, product: Product) -> str:
        """One of the product's brands, else the file's word for none."""
        if product.brands:
            return self.rng.choice(product.brands)
        return "ОТСУТСТВУЕТ" if file == "ru" else "无品牌"

    def _transport(self, items: Sequence[tuple[Product, float]], origin: str, dest: str) -> str:
        """Light, valuable goods fly; the rest goes by road, rail or sea."""
        density = max(math.sqrt(p.price[0] * p.price[1]) / math.sqrt(p.kg[0] * p.kg[1]) for p, _ in items)
        r = self.rng.random()
        if density > 300 and r < 0.6:
            return "AIR"
        if {origin, dest} & {"KZ", "KG", "UZ", "BY"}:
            return "ROAD" if r < 0.8 else "RAIL"
        if origin in ("TR", "IN", "IT", "AE"):
            return "SEA" if r < 0.7 else "ROAD"
        return "ROAD" if r < 0.4 else "RAIL" if r < 0.7 else "SEA" if r < 0.93 else "AIR"

    def calibrate(self, lines: Sequence[Line], target_cents: int) -> None:
        """Scale the prices of ``lines`` so that their USD total is exactly ``target_cents``."""
        factor = target_cents / sum(ln.usd_cents for ln in lines)
        for ln in lines:
            ln.usd_cents = max(100, round(ln.usd_cents * factor))
        biggest = max(lines, key=lambda ln: ln.usd_cents)
        biggest.usd_cents += target_cents - sum(ln.usd_cents for ln in lines)
        for ln in lines:
            ln.value_cents = round(ln.usd_cents * FX_PER_USD[ln.currency][ln.date.year])

    def _currency(self, file: FileKey, country: str, date: dt.date) -> str:
        r = self.rng.random()
        if file == "cn":
            return "USD" if r < 0.9 else "CNY"
        if country in ("CN", "HK"):
            if date < WAR:
                return "USD" if r < 0.75 else "CNY" if r < 0.9 else "EUR"
            return "USD" if r < 0.45 else "CNY" if r < 0.95 else "EUR"
        return "USD" if r < 0.6 else "EUR"

    def _spec(self, product: Product, brand: str) -> str:
        model = (
            f"{self.rng.choice('ABCDEFGHKMNPRSTXZ')}{self.rng.choice('ABCDEFGHKMNPRSTXZ')}-"
            f"{self.rng.randint(100, 9899)}"
        )
        use = "民用" if product.category != "background" else "日用"
        return f"0|0|用途:{use}|品牌:{brand}|型号:{model}"

    def lines(self, file: FileKey) -> list[Line]:
        return [ln for s in self.shipments if s.file == file for ln in s.lines]


def _maker(file: FileKey, manufacturer: str | None, s_on: PartyOnLine, sp: Party) -> str:
    """The given manufacturer, else the shipper as written (traders make nothing); ru writes none out."""
    if manufacturer is not None:
        maker = manufacturer
    else:
        maker = s_on.name if sp.role not in ("hk_intermediary", "thermal_trader") else ""
    if file == "ru" and not maker:
        maker = "ОТСУТСТВУЕТ"
    return maker


# ------------------------------------------------------------------------------------------------
# Stories
# ------------------------------------------------------------------------------------------------


def _split(rng: random.Random, total: float, n: int, spread: float = 0.6) -> list[float]:
    weights = [math.exp(rng.gauss(0, spread)) for _ in range(n)]
    s = sum(weights)
    return [total * w / s for w in weights]


def _items(
    rng: random.Random, products: Sequence[Product], value: float, max_lines: int = 3
) -> list[tuple[Product, float]]:
    n = rng.randint(1, max_lines)
    chosen = [rng.choice(products) for _ in range(n)]
    return list(zip(chosen, _split(rng, value, n), strict=True))


def _lognormal(rng: random.Random, median: float, sigma: float = 0.8) -> float:
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
        items = _items(rng, pool, _lognormal(rng, 65000, 1.0), 3)
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
        items = _items(rng, pool, _lognormal(rng, 65000, 1.0), 3)
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
        items = [(queue.pop(), _lognormal(rng, mean_value, 0.5)) for _ in range(n)]
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
        n = 0
        while n < total:
            k = min(total - n, rng.randint(1, 2))
            items = [(rng.choice(goods.ARMOR_HONEST), _lognormal(rng, 9000, 0.6)) for _ in range(k)]
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
            n += k


THERMAL_TARGET_CENTS = 11_000_000_00
FAST_TARGETS = {2021: 400_000, 2022: 8_000_000, 2023: 30_000_000, 2024: 15_000_000}


def story_thermal(b: Builder) -> None:
    """c. Thermal imagers: Chinese maker -> Hong Kong trader -> Russian consignees."""
    rng, cast = b.rng, b.cast
    consignees = cast.thermal_consignees  # ru_svetorog first
    counts = [30, 62, 44, 36, 28, 20]
    maker = cast["cn_guanghe"]
    weights = {"t_camera": 4, "t_scope": 3, "t_device": 2, "t_monocular": 1.5}
    for consignee, count in zip(consignees, counts, strict=True):
        n = 0
        while n < count:
            k = min(count - n, rng.randint(1, 3))
            chosen = rng.choices(goods.THERMAL, weights=[weights[p.key] for p in goods.THERMAL], k=k)
            items = [(p, _lognormal(rng, 42000, 0.55)) for p in chosen]
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
            n += k
    b.calibrate(
        [ln for s in b.shipments for ln in s.lines if "thermal_imagers" in ln.stories],
        THERMAL_TARGET_CENTS,
    )
    n = 0
    while n < 48:
        k = min(48 - n, rng.randint(1, 3))
        items = [(rng.choice(goods.THERMAL), _lognormal(rng, 60000, 0.5)) for _ in range(k)]
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
        n += k


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
    n = 0
    while n < count:
        k = min(count - n, rng.randint(1, 3))
        items = [(rng.choice(products), _lognormal(rng, 38000, 0.7)) for _ in range(k)]
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
        n += k


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
    n = 0
    while n < count:
        k = min(count - n, rng.randint(1, 3))
        value = 120000 if keys[0] in ("c_laser",) else 30000
        items = [(rng.choice(products), _lognormal(rng, value, 0.6)) for _ in range(k)]
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
        n += k


def _ship_to_listed_hk_trader(b: Builder) -> None:
    """The HK listed trader also receives goods from ordinary Chinese makers."""
    rng, cast = b.rng, b.cast
    n = 0
    while n < 15:
        k = min(15 - n, rng.randint(1, 2))
        items = [(rng.choice(goods.CONTROLLED[:5]), _lognormal(rng, 25000)) for _ in range(k)]
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
        n += k


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
        n = 0
        while n < count:
            k = min(count - n, rng.randint(1, 3))
            items = [
                (p, _lognormal(rng, 110000, 0.6))
                for p in (rng.choice(goods.by_keys(*keys)) for _ in range(k))
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
            n += k
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
        n = 0
        while n < count:
            k = min(count - n, rng.randint(1, 3))
            items = [(rng.choice(products), _lognormal(rng, 95000, 0.6)) for _ in range(k)]
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
            n += k


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
        values = _split(rng, target, total_lines, 0.5)
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
            n = 0
            while n < count:
                k = min(count - n, rng.randint(1, 2))
                if side == "shipper":
                    shipper, consignee = key, rng.choice(cast.ru_background)
                    pool = goods.by_keys(*_DECOY_GOODS[key])
                else:
                    shipper, consignee = rng.choice(cast.cn_background), key
                    pool = goods_of(cast[shipper])
                items = [(rng.choice(pool), _lognormal(rng, 15000)) for _ in range(k)]
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
                n += k


# ------------------------------------------------------------------------------------------------
# Numbering, malformed rows, rendering
# ------------------------------------------------------------------------------------------------


def number(b: Builder) -> None:
    """Give declaration numbers in date order, like a customs post does."""
    rng = b.rng
    b.shipments.sort(key=lambda s: (s.file, s.date))
    serials: dict[tuple[str, int], int] = {}
    for s in b.shipments:
        if s.file == "ru":
            post = rng.choice(RU_POSTS)
            serials[(post, s.date.year)] = serials.get(
                (post, s.date.year), rng.randint(0, 900)
            ) + rng.randint(1, 40)
            no = f"{post}/{s.date:%d%m%y}/{serials[(post, s.date.year)]:07d}"
        else:
            post = rng.choice(CN_CUSTOMS)
            serials[(post, s.date.year)] = serials.get(
                (post, s.date.year), rng.randint(0, 90000)
            ) + rng.randint(1, 400)
            no = f"{post}{s.date.year}{1:01d}{serials[(post, s.date.year)]:09d}"
        s.post = post
        for ln in s.lines:
            ln.declaration_no = no


MALFORMED_KINDS = {
    "ru": [
        (
            "field_count_extra",
            "an unquoted ';' inside the goods description splits it: 25 fields instead of 24",
        ),
        ("invalid_date", "Дата ДТ is 31.02.2023, a day that does not exist"),
        (
            "non_numeric_value",
            "Статистическая стоимость, USD holds a Cyrillic letter О instead of a zero",
        ),
        ("field_count_truncated", "the line is cut after the 15th field (24 expected)"),
    ],
    "cn": [("invalid_date", "申报日期 is 2023-02-30, a day that does not exist")],
}


def mark_malformed(b: Builder) -> None:
    """Turn a few background lines into genuinely malformed rows (for the quarantine demo)."""
    rng = b.rng
    files: tuple[FileKey, ...] = ("ru", "cn")
    for file in files:
        candidates = [
            ln
            for ln in b.lines(file)
            if ln.stories == ["background"] and ln.date.year == 2023 and ln.date.month in (2, 3)
        ]
        chosen = rng.sample(candidates, len(MALFORMED_KINDS[file]))
        chosen.sort(key=lambda ln: (ln.date, ln.declaration_no, ln.line_no))
        for ln, (kind, why) in zip(chosen, MALFORMED_KINDS[file], strict=True):
            ln.notes["malformed"] = kind
            ln.notes["malformed_reason"] = why
            ln.stories = ["malformed"]
            if kind in ("invalid_date",) and file == "ru":
                ln.notes["date_text"] = "31.02.2023"
            if kind == "invalid_date" and file == "cn":
                ln.notes["date_text"] = "2023-02-30"
            if kind == "field_count_extra":
                ln.description = "ЧЕХЛЫ ДЛЯ СИДЕНИЙ; КОМПЛЕКТ 5 ШТ"


def _ru_money(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _ru_kg(grams: int) -> str:
    return f"{grams // 1000},{grams % 1000:03d}"


def ru_fields(ln: Line) -> list[str]:
    usd = _ru_money(ln.usd_cents)
    if ln.notes.get("malformed") == "non_numeric_value":
        usd = usd.replace("0", "О", 1) if "0" in usd else "О" + usd
    return [
        ln.declaration_no,
        str(ln.line_no),
        ln.notes.get("date_text", f"{ln.date:%d.%m.%Y}"),
        ln.shipper.name,
        ln.shipper.address,
        ln.shipper.country,
        ln.consignee.name,
        ln.consignee.id,
        ln.consignee.address,
        ln.declarant[0],
        ln.declarant[1],
        _ru_cc(ln, ln.origin),
        _ru_cc(ln, ln.departure),
        ln.hs_code,
        ln.description,
        ln.manufacturer,
        ln.brand,
        _ru_money(ln.value_cents),
        ln.currency,
        usd,
        _ru_kg(ln.net_g),
        str(ln.qty),
        ln.unit,
        RU_TRANSPORT[ln.transport],
    ]


def _ru_cc(ln: Line, iso2: str) -> str:
    # same style (code or name) as the shipper country on the line
    return iso2 if len(ln.shipper.country) == 2 else RU_COUNTRY[iso2]


def cn_fields(ln: Line) -> list[str]:
    return [
        ln.notes.get("date_text", ln.date.isoformat()),
        ln.declaration_no,
        str(ln.line_no),
        ln.shipper.name,
        ln.shipper.id,
        ln.consignee.name,
        ln.consignee.country,
        CN_COUNTRY[ln.destination],
        CN_COUNTRY[ln.origin],
        ln.hs_code,
        ln.description,
        ln.spec,
        ln.brand,
        ln.manufacturer or ln.shipper.name,
        f"{ln.value_cents / 100:.2f}",
        CN_CURRENCY[ln.currency],
        f"{ln.usd_cents / 100:.2f}",
        str(ln.qty),
        ln.unit,
        f"{ln.net_g / 1000:.3f}",
        CN_TRANSPORT[ln.transport],
    ]


def render(lines: list[Line], file: FileKey) -> str:
    """The text of a declarations file; sets each line's ``physical_line``."""
    buf = io.StringIO()
    delimiter = ";" if file == "ru" else ","
    terminator = "\r\n" if file == "ru" else "\n"
    writer = csv.writer(
        buf,
        delimiter=delimiter,
        quotechar='"',
        lineterminator=terminator,
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow(RU_HEADER if file == "ru" else CN_HEADER)
    for i, ln in enumerate(lines):
        ln.physical_line = i + 2
        fields = ru_fields(ln) if file == "ru" else cn_fields(ln)
        kind = ln.notes.get("malformed")
        if kind == "field_count_extra":
            # written by hand without quoting, so the ';' in the description splits the field
            buf.write(delimiter.join(f.replace('"', "") for f in fields) + terminator)
        elif kind == "field_count_truncated":
            writer.writerow(fields[:15])
        else:
            writer.writerow(fields)
    return buf.getvalue()


def mapping(file: FileKey) -> dict[str, Any]:
    """The YAML column mapping for a declarations file (the ingest layer's contract)."""
    columns, constants, transport, units, options = _MAPPING_PARTS[file]
    return _mapping(columns, constants, transport, units, options)


def _mapping(
    columns: dict[str, str],
    constants: dict[str, str],
    transport: dict[str, str],
    units: dict[str, str],
    options: dict[str, str],
) -> dict[str, Any]:
    """A shipments mapping: the file's columns, what it leaves implied, its codes and its format."""
    return {
        "table": "shipments",
        "columns": dict(columns),
        "constants": dict(constants),
        "values": {"transport": {v: k for k, v in transport.items()}, "qty_unit": dict(units)},
        "options": dict(options),
    }


# Field -> header of each declarations file
RU_COLUMNS = {
    "date": "Дата ДТ",
    "declaration_no": "Номер ДТ",
    "line_no": "№ товара",
    "shipper_name": "Отправитель",
    "shipper_address": "Адрес отправителя",
    "shipper_country": "Страна отправителя",
    "consignee_name": "Получатель",
    "consignee_id": "ИНН получателя",
    "consignee_address": "Адрес получателя",
    "declarant_name": "Декларант",
    "declarant_id": "ИНН декларанта",
    "origin_country": "Страна происхождения",
    "departure_country": "Страна отправления",
    "hs_code": "Код ТН ВЭД",
    "description": "Описание товара",
    "manufacturer": "Производитель",
    "brand": "Товарный знак",
    "value": "Фактурная стоимость",
    "currency": "Валюта",
    "value_usd": "Статистическая стоимость, USD",
    "net_kg": "Вес нетто, кг",
    "qty": "Количество",
    "qty_unit": "Ед. изм.",
    "transport": "Вид транспорта",
}
CN_COLUMNS = {
    "date": "申报日期",
    "declaration_no": "报关单号",
    "line_no": "项号",
    "shipper_name": "发货人",
    "shipper_id": "发货人统一社会信用代码",
    "consignee_name": "收货人",
    "consignee_country": "收货人国家",
    "destination_country": "运抵国",
    "origin_country": "原产国",
    "hs_code": "商品编码",
    "description": "商品名称",
    "brand": "品牌",
    "manufacturer": "生产销售单位",
    "value": "成交总价",
    "currency": "币制",
    "value_usd": "美元总价",
    "qty": "法定数量",
    "qty_unit": "法定单位",
    "net_kg": "净重(千克)",
    "transport": "运输方式",
}


# Per file: the fields it leaves implied and its format
RU_IMPLIED = {"direction": "import", "destination_country": "RU", "consignee_country": "RU"}
CN_IMPLIED = {"direction": "export", "shipper_country": "CN", "departure_country": "CN"}
RU_FORMAT = {"encoding": "cp1251", "delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"}
CN_FORMAT = {"encoding": "gb18030", "delimiter": ",", "decimal": ".", "date_format": "%Y-%m-%d"}
# columns, implied fields, transport codes, units, format
_MAPPING_PARTS: dict[FileKey, tuple[dict[str, str], ...]] = {
    "ru": (RU_COLUMNS, RU_IMPLIED, RU_TRANSPORT, RU_UNITS, RU_FORMAT),
    "cn": (CN_COLUMNS, CN_IMPLIED, CN_TRANSPORT, CN_UNITS, CN_FORMAT),
}


def build(seed: int, cast: Cast) -> Builder:
    """Generate every declaration line (not yet written)."""
    b = Builder(seed, cast)
    story_background(b)
    story_armor(b)
    story_thermal(b)
    story_group(b)
    story_listed(b)
    story_hk_intermediary(b)
    story_fast_importer(b)
    story_decoys(b)
    number(b)
    mark_malformed(b)
    return b


def ordered(b: Builder, file: FileKey) -> list[Line]:
    return sorted(b.lines(file), key=lambda ln: (ln.date, ln.declaration_no, ln.line_no))
