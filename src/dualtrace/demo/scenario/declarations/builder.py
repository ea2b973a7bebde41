"""The builder the stories ship through: parties as written on a line, amounts, descriptions,
brands, transport and currency drawn for each declaration line.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dualtrace.demo.scenario import goods
from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.declarations.codes import CN_COUNTRY, END, FX_PER_USD, RU_COUNTRY, WAR
from dualtrace.demo.scenario.goods import Product
from dualtrace.demo.scenario.model import FileKey, Line, Party, PartyOnLine, Variant


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
