"""Labelled synthetic declarations for measuring party resolution (benchmark and tests).

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

import random
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.warehouse import facts
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["Company", "evaluate", "generate", "install"]

# --- vocabularies ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_HAN = (
    "华瑞鑫达泰盛宏恒源丰兴德信诚嘉润博创力远明银龙凯宇峰捷迅锐拓星辰腾飞汇聚富康晟昊宸铭钧晖晨卓越杰豪鹏旭坤"
    "乾毅弘伟耀灿澜泓浩瀚翔骏祥茂荣益邦众佳美尚优品正方圆振立永顺昌隆恩禾鼎睿维悦琪璟朗彤丰凌霖森林柏松桦榕"
    "楠杉梓桐雅逸俊杰岚嵘峻崇岳岩磊鑫钰锦铭锋钢铸铠锐钛锂镭纬纶绮绣缘纳纵绿蓝紫红青赤橙黛墨白玄黄朱丹彩"
    "霞雯雪雷霆露霏晶晴暄曦昕昀晔晓曜昱烨焕炜炫煜熠灵秀英豪雄威武勇毅刚健强盈裕隆亨通达顺畅和谐协同"
    "众志联合协力凯旋胜利鸿鹄鹰鹤凤麟骐骥驰骋腾跃奔航舟帆楫桥梁"
)
_HAN = "".join(dict.fromkeys(_HAN))
_CITIES = [
    ("SHENZHEN", "深圳"), ("GUANGZHOU", "广州"), ("DONGGUAN", "东莞"), ("SHANGHAI", "上海"),
    ("BEIJING", "北京"),
    ("HANGZHOU", "杭州"), ("NINGBO", "宁波"), ("XIAMEN", "厦门"), ("SUZHOU", "苏州"), ("WUXI", "无锡"),
    ("NANJING", "南京"), ("WUHAN", "武汉"), ("CHENGDU", "成都"), ("TIANJIN", "天津"), ("QINGDAO", "青岛"),
    ("JINAN", "济南"), ("CHANGSHA", "长沙"), ("ZHENGZHOU", "郑州"), ("XI'AN", "西安"), ("HEFEI", "合肥"),
    ("FOSHAN", "佛山"), ("ZHUHAI", "珠海"), ("HUIZHOU", "惠州"), ("WENZHOU", "温州"), ("CHANGZHOU", "常州"),
    ("DALIAN", "大连"), ("SHENYANG", "沈阳"), ("HARBIN", "哈尔滨"), ("YIWU", "义乌"), ("KUNSHAN", "昆山"),
]  # fmt: skip
_ACTIVITIES = [
    ("ELECTRONIC TECHNOLOGY", "电子科技"), ("TRADING", "贸易"), ("MACHINERY EQUIPMENT", "机械设备"),
    ("OPTOELECTRONIC TECHNOLOGY", "光电科技"), ("IMPORT AND EXPORT", "进出口"),
    ("INTERNATIONAL TRADING", "国际贸易"), ("PRECISION INSTRUMENT", "精密仪器"), ("NEW MATERIAL", "新材料"),
    ("SUPPLY CHAIN MANAGEMENT", "供应链管理"), ("SEMICONDUCTOR", "半导体"),
    ("AVIATION TECHNOLOGY", "航空科技"),
    ("INDUSTRIAL", "实业"), ("ENERGY TECHNOLOGY", "能源科技"), ("COMMUNICATION TECHNOLOGY", "通信技术"),
    ("INTELLIGENT TECHNOLOGY", "智能科技"), ("CHEMICAL", "化工"), ("AUTO PARTS", "汽车配件"),
    ("TECHNOLOGY", "科技"), ("ELECTRONICS", "电子"), ("LOGISTICS", "物流"),
]  # fmt: skip
_RU_PIECES = _words(
    "Вект Ра Маш Терм Квант Сиб Тех Пром Снаб Нефт Строй Комп Лект Опт Рад Мет Ал Вол Нор Сев Юг "
    "Пульс Гран Ит Ком Арс Стал Лаб Эл Кон Тор Рус Век Арм Бал Бор Гор Дон Енис Кам Лен Мир Нев Ок "
    "Пер Сар Тав Урал Фар Хим Центр Энерг Ямал Астр Вест Глоб Дельт Зен Ирид Квар Лид Магн Нов Ом "
    "Пол Рем Свет Тран Фор Циф Аэр Мед Гео Био Авто Агро Спец Инж Крон Зар Мост Рос Верс Лог Тайг "
    "Север Кедр Сокол Рубеж Ладь Акв Бий Вит Гал Даль Жел Зл Изм Йод Кирс Луч Мил Нар Обл Пик Реж "
    "Сол Тим Уд Фл Хол Цел Чист Шир Щит Эксп Юн Яр Алм Бер Вис Гранит Дуб Ель Жар Зор Ив Кал Лад Мар "
    "Неф Орл Пл Рит Сим Топ Улан Фен Хар "
)
_LATIN_PIECES = _words(
    "ANA DOLU MAR MARA EGE YIL DIZ KAR DE NIZ AT LAS KUZ EY ZIR VE TEK NO ARGEN TUM AL PHA QASR SIL "
    "ICA NUR LY ZHOL SAR YAR KA TEN GRI SE VAN HAN SEONG DAE JIN SE OIL MI RAE HYUN WOO SUNG KYUNG "
    "BO RA ORION NOVA STAR LINE TREK WAVE PEAK GATE ROCK FORT BRIDGE "
)
_RU_FORMS = [("ООО", "LLC", "OOO"), ("АО", "JSC", "AO"), ("ПАО", "PJSC", "PAO"), ("ЗАО", "CJSC", "ZAO")]
_RU_FORM_LONG = {
    "ООО": "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ",
    "АО": "АКЦИОНЕРНОЕ ОБЩЕСТВО",
    "ПАО": "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО",
    "ЗАО": "ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО",
}
_RU_FORM_EN_LONG = {
    "LLC": "LIMITED LIABILITY COMPANY",
    "JSC": "JOINT STOCK COMPANY",
    "PJSC": "PUBLIC JOINT STOCK COMPANY",
    "CJSC": "CLOSED JOINT STOCK COMPANY",
}
_RU_CITIES = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Самара", "Омск", "Пермь"]
_FOREIGN_FORMS = {
    "TUR": ["DIS TICARET LTD. STI.", "SANAYI VE TICARET A.S."],
    "ARE": ["GENERAL TRADING L.L.C.", "FZE", "FZCO"],
    "KAZ": ["LLP", "TOO"],
    "KOR": ["CO., LTD.", "CORPORATION"],
    "HKG": ["LIMITED", "CO., LIMITED"],
    "DEU": ["GMBH"],
    "IND": ["PVT. LTD."],
    "ARM": ["LLC"],
    "KGZ": ["LLC", "OSOO"],
}
_ABBREV = [
    ("TECHNOLOGY", "TECH"), ("ELECTRONIC", "ELEC"), ("INTERNATIONAL", "INTL"), ("TRADING", "TRDG"),
    ("EQUIPMENT", "EQPT"), ("IMPORT AND EXPORT", "IMP. & EXP."), ("HONG KONG", "HK"),
    ("MANAGEMENT", "MGMT"), ("INDUSTRIAL", "IND."),
]  # fmt: skip
# Abbreviations customs clerks use that the normaliser does not know: honest misses.
_ODD_ABBREV = [
    ("TECHNOLOGY", "TECHNOL"),
    ("ELECTRONIC", "ELECTRN"),
    ("TRADING", "TRADG"),
    ("MATERIAL", "MATL"),
]
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
# Other transliteration habits (GOST-like, German-like): x for kh, c for ts, j for y.
_CYR_ALT = [{"х": "h", "й": "i", "ю": "iu", "я": "ia"}, {"х": "kh", "ц": "c", "й": "j", "ю": "ju", "я": "ja"},
            {"х": "x", "ж": "j", "ш": "sh"}]  # fmt: skip
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


def _inn(rng: random.Random) -> str:
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    digits.append(sum(a * b for a, b in zip(w, digits, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def _ogrn(rng: random.Random) -> str:
    body = (
        str(rng.choice((1, 5)))
        + f"{rng.randint(2, 23):02d}"
        + "".join(str(rng.randint(0, 9)) for _ in range(9))
    )
    return body + str(int(body) % 11 % 10)


def _uscc(rng: random.Random) -> str:
    body = "91" + f"{rng.randint(110000, 659999):06d}" + "MA" + "".join(rng.choice(_USCC) for _ in range(7))
    total = sum(_USCC.index(c) * w for c, w in zip(body, _USCC_W, strict=True))
    return body + _USCC[(31 - total % 31) % 31]


def _kcs(rng: random.Random) -> str:
    while True:
        code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(7))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def _translit(text: str, alt: dict[str, str] | None = None) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in _CYR:
            rep = (alt or {}).get(low, _CYR[low])
            out.append(rep.upper() if ch.isupper() else rep)
        else:
            out.append(ch)
    return "".join(out)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    upper = word.isupper()
    letter = rng.choice(_KEYBOARD)
    letter = letter.upper() if upper else letter
    if kind < 0.3:
        return word[:i] + letter + word[i + 1 :]  # substitution
    if kind < 0.55:
        return word[:i] + word[i + 1 :]  # deletion
    if kind < 0.8:
        return word[:i] + letter + word[i:]  # insertion
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # transposition


# --- companies ------------------------------------------------------------------------------


@dataclass
class Company:
    index: int
    country: str
    local: str  # canonical name in the local script (Chinese, Cyrillic) or Latin
    english: str  # canonical Latin name
    ids: dict[str, str]
    address: str
    parts: dict[str, Any] = field(default_factory=dict)


_COUNTRY_SHARES = [
    ("CHN", 0.44), ("RUS", 0.34), ("HKG", 0.06), ("TUR", 0.03), ("ARE", 0.03), ("KAZ", 0.03),
    ("KOR", 0.04), ("DEU", 0.01), ("IND", 0.01), ("ARM", 0.005), ("KGZ", 0.005),
]  # fmt: skip


def _company(i: int, country: str, rng: random.Random) -> Company:
    ids: dict[str, str]
    if country in ("CHN", "HKG"):
        size = 2 if rng.random() < 0.6 else 3
        han = "".join(rng.choice(_HAN) for _ in range(size))
        from pypinyin import lazy_pinyin

        syllables = [s.upper() for s in lazy_pinyin(han)]
        brand = "".join(syllables)
        activity = rng.choice(_ACTIVITIES)
        if country == "CHN":
            city = rng.choice(_CITIES)
            local = f"{city[1]}{'市' if rng.random() < 0.5 else ''}{han}{activity[1]}有限公司"
            english = f"{city[0]} {brand} {activity[0]} CO., LTD."
            ids = {"uscc": _uscc(rng)}
            address = f"NO. {rng.randint(1, 999)} {rng.choice(syllables)} ROAD, {city[0]}, CHINA"
        else:
            city = ("HONG KONG", "香港")
            local = f"{han}{activity[1]}(香港)有限公司"
            english = f"{brand} {activity[0]} (HONG KONG) LIMITED"
            ids = {"hk": str(rng.randint(1000000, 3999999))}
            address = f"ROOM {rng.randint(100, 2999)}, {rng.randint(1, 300)} NATHAN ROAD, KOWLOON, HONG KONG"
        parts = {"han": han, "syllables": syllables, "activity": activity, "city": city}
        return Company(i, country, local, english, ids, address, parts)
    if country == "RUS":
        n = 2 if rng.random() < 0.4 else 3
        pieces = [rng.choice(_RU_PIECES) for _ in range(n)]
        brand = pieces[0] + "".join(p.lower() for p in pieces[1:])
        if rng.random() < 0.2:
            brand = pieces[0] + "-" + "".join(p for p in pieces[1:])
        form = rng.choice(_RU_FORMS) if rng.random() < 0.4 else _RU_FORMS[0]
        local = f'{form[0]} "{brand.upper()}"'
        english = f"{_translit(brand).upper()} {form[1]}"
        ids = {"inn": _inn(rng), "ogrn": _ogrn(rng)}
        street = f"ул. {rng.choice(_RU_PIECES)}ская, д. {rng.randint(1, 150)}"
        address = f"{rng.randint(101000, 692999)}, г. {rng.choice(_RU_CITIES)}, {street}"
        return Company(i, country, local, english, ids, address, {"brand": brand, "form": form})
    n = 2 if rng.random() < 0.6 else 3
    brand = "".join(rng.choice(_LATIN_PIECES) for _ in range(n))
    second = "".join(rng.choice(_LATIN_PIECES) for _ in range(2)) if rng.random() < 0.5 else ""
    name = f"{brand} {second}".strip()
    suffix = rng.choice(_FOREIGN_FORMS[country])
    english = f"{name} {suffix}"
    ids = {}
    if country == "KOR":
        ids["kcs"] = _kcs(rng)
    elif country == "KAZ":
        ids["bin"] = "".join(str(rng.randint(0, 9)) for _ in range(12))
    address = f"{rng.randint(1, 300)} {rng.choice(_LATIN_PIECES)} STREET, {country}"
    return Company(i, country, english, english, ids, address, {"name": name, "form": suffix})


# --- spellings --------------------------------------------------------------------------------


def _latin_variants(c: Company, rng: random.Random) -> list[tuple[str, float]]:
    """Latin spellings of a company with their frequencies (before typos)."""
    base = c.english
    out: list[tuple[str, float]] = [(base, 0.45)]
    if c.country in ("CHN", "HKG"):
        tail = "CO., LTD." if c.country == "CHN" else "LIMITED"
        body = base[: -len(tail)].strip() if base.endswith(tail) else base
        forms = ["CO LTD", "CO.,LTD", "COMPANY LIMITED", "LIMITED", "CO., LIMITED", "LTD"]
        out.append((base.replace(", ", ",").replace(".", ""), 0.08))
        out.append((base.title(), 0.05))
        out.append((f"{body} {rng.choice(forms)}", 0.12))
        abbr = body
        for full, short in _ABBREV:
            if full in abbr and rng.random() < 0.7:
                abbr = abbr.replace(full, short)
        if abbr != body:
            out.append((f"{abbr} {rng.choice(forms)}", 0.08))
        city = c.parts["city"][0]
        if c.country == "CHN" and body.startswith(city):
            out.append((f"{body[len(city) + 1 :]} ({city}) {rng.choice(forms)}", 0.05))
        syl = c.parts["syllables"]
        if len(syl) > 1:
            out.append((body.replace("".join(syl), " ".join(syl), 1) + " " + tail, 0.03))
        words = body.split()
        activity_words = c.parts["activity"][0].split()
        if len(activity_words) > 1:
            dropped = [w for w in words if w != activity_words[0]]
            out.append((" ".join(dropped) + " " + tail, 0.02))
        for full, odd in _ODD_ABBREV:
            if full in body:
                out.append((body.replace(full, odd) + " " + tail, 0.01))
                break
        return out
    if c.country == "RUS":
        brand = c.parts["brand"]
        form = c.parts["form"]
        out.append((f"{form[2]} {_translit(brand).upper()}", 0.15))
        out.append((f"{form[1]} {_translit(brand).upper()}", 0.08))
        if form[1] in _RU_FORM_EN_LONG:
            out.append((f"{_translit(brand).upper()} {_RU_FORM_EN_LONG[form[1]]}", 0.06))
        alt = rng.choice(_CYR_ALT)
        out.append((f"{form[2]} {_translit(brand, alt).upper()}", 0.1))
        out.append((f'{form[2]} "{_translit(brand).upper()}"', 0.05))
        out.append((f"{_translit(brand).title()} {form[1]}", 0.04))
        return out
    name, form = c.parts["name"], c.parts["form"]
    out.append((f"{name} {form.replace('.', '').replace(',', '')}", 0.15))
    out.append((base.title(), 0.05))
    others = [f for f in _FOREIGN_FORMS.get(c.country, []) if f != form]
    if others:
        out.append((f"{name} {rng.choice(others)}", 0.08))
    if " " in name:
        first, rest = name.split(" ", 1)
        out.append((f"{rest} {first} {form}", 0.02))
    return out


def _local_variants(c: Company, rng: random.Random) -> list[tuple[str, float]]:
    """Spellings in the company's own script (Chinese, Cyrillic); Latin for the others."""
    if c.country in ("CHN", "HKG"):
        han = c.parts["han"]
        act = c.parts["activity"][1]
        city = c.parts["city"][1]
        out = [(c.local, 0.6)]
        if c.country == "CHN":
            out.append((f"{city}{han}{act}有限责任公司", 0.1))
            out.append(
                (f"{city}市{han}{act}有限公司" if "市" not in c.local else f"{city}{han}{act}有限公司", 0.15)
            )
            out.append((f"{city}{han}{act}", 0.05))
        else:
            out.append((f"{han}{act}(香港)有限公司".replace("(", "（").replace(")", "）"), 0.1))
        return out
    if c.country == "RUS":
        brand = c.parts["brand"].upper()
        form = c.parts["form"][0]
        return [
            (c.local, 0.5),
            (f"{form} «{c.parts['brand']}»", 0.15),
            (f'{_RU_FORM_LONG[form]} "{brand}"', 0.12),
            (f"{brand} {form}", 0.06),
            (f"{form} {brand}", 0.07),
            (f'{form} "{brand.replace("-", " ")}"', 0.03),
        ]
    return _latin_variants(c, rng)


def _with_typos(
    variants: list[tuple[str, float]], expected: float, rng: random.Random
) -> list[tuple[str, float]]:
    """Add typo spellings: about 3 % of mentions, spread over more spellings for busy firms."""
    count = int(min(25, max(1 if rng.random() < expected * 0.03 else 0, round(expected * 0.02))))
    out = list(variants)
    for _ in range(count):
        base = rng.choices([v for v, _ in variants], [w for _, w in variants])[0]
        words = base.split()
        candidates = [k for k, w in enumerate(words) if len(w) >= 4]
        if not candidates:
            continue
        k = rng.choice(candidates)
        words[k] = _typo(words[k], rng)
        if rng.random() < 0.15:
            k2 = rng.choice(candidates)
            words[k2] = _typo(words[k2], rng)
        out.append((" ".join(words), 0.03 / count))
    total = sum(w for _, w in out)
    return [(v, w / total) for v, w in out]


def _id_text(c: Company, scheme: str, rng: random.Random) -> str:
    value = c.ids[scheme]
    if scheme == "inn" and rng.random() < 0.05:
        return f"ИНН {value}"
    return value


def _addresses(c: Company, rng: random.Random) -> tuple[str, str, str]:
    """The registered address, the same written differently, and another site of the firm."""
    a = c.address
    variant = (
        a.replace("ROAD", "RD.").replace("ROOM", "RM").replace(", ", " ").title()
        if c.country != "RUS"
        else a.replace("ул.", "улица").replace("д.", "дом").split(", ", 1)[-1]
    )
    if c.country == "RUS":
        street = f"ул. Складская, д. {rng.randint(1, 150)}"
        other = f"{rng.randint(101000, 692999)}, г. {rng.choice(_RU_CITIES)}, {street}"
    else:
        other = f"WAREHOUSE {rng.randint(1, 99)}, NO. {rng.randint(1, 999)} INDUSTRIAL ZONE, {c.country}"
    return a, variant, other


# --- lines ------------------------------------------------------------------------------------


@dataclass
class _Pool:
    members: np.ndarray
    cum: np.ndarray

    @classmethod
    def of(cls, members: list[int], rng: np.random.Generator) -> _Pool:
        arr = np.array(members, dtype=np.int64)
        rng.shuffle(arr)
        weights = 1.0 / np.power(np.arange(len(arr)) + 5.0, 0.9)
        cum = np.cumsum(weights)
        return cls(arr, cum / cum[-1])

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        picked: np.ndarray = self.members[
            np.searchsorted(self.cum, rng.random(n), side="right").clip(0, len(self.members) - 1)
        ]
        return picked


def generate(lines: int, companies: int, seed: int = 7) -> pa.Table:
    """Declaration lines (shipments columns) with the true firm of each party."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    countries = [c for c, _ in _COUNTRY_SHARES]
    shares = [s for _, s in _COUNTRY_SHARES]
    firms = [_company(i, rng.choices(countries, shares)[0], rng) for i in range(companies)]
    by_country: dict[str, list[int]] = {}
    for f in firms:
        by_country.setdefault(f.country, []).append(f.index)
    foreign = [
        i
        for c in ("CHN", "HKG", "TUR", "ARE", "KAZ", "DEU", "IND", "ARM", "KGZ")
        for i in by_country.get(c, [])
    ]
    cn_buyers = [i for c in ("RUS", "KAZ", "KGZ", "ARM", "HKG", "TUR", "ARE") for i in by_country.get(c, [])]
    pools = {
        "ru_shipper": _Pool.of(foreign, nrng),
        "ru_consignee": _Pool.of(by_country["RUS"], nrng),
        "cn_shipper": _Pool.of(by_country["CHN"], nrng),
        "cn_consignee": _Pool.of(cn_buyers, nrng),
        "kr_shipper": _Pool.of(by_country["CHN"] + by_country.get("HKG", []), nrng),
        "kr_consignee": _Pool.of(by_country["KOR"], nrng),
    }
    kind = nrng.choice(3, size=lines, p=[0.55, 0.35, 0.10])
    shipper = np.empty(lines, dtype=np.int64)
    consignee = np.empty(lines, dtype=np.int64)
    for k, (s_pool, c_pool) in enumerate(
        (("ru_shipper", "ru_consignee"), ("cn_shipper", "cn_consignee"), ("kr_shipper", "kr_consignee"))
    ):
        mask = kind == k
        shipper[mask] = pools[s_pool].draw(int(mask.sum()), nrng)
        consignee[mask] = pools[c_pool].draw(int(mask.sum()), nrng)
    mentions = np.bincount(np.concatenate([shipper, consignee]), minlength=companies)

    # Spelling tables: (firm, script) -> spellings and cumulative frequencies, flattened.
    texts: list[str] = []
    offsets = {}
    for script in ("latin", "local"):
        flat_cum: list[float] = []
        start = len(texts)
        for f in firms:
            variants = _latin_variants(f, rng) if script == "latin" else _local_variants(f, rng)
            variants = _with_typos(variants, float(mentions[f.index]) / 2.0, rng)
            acc = 0.0
            for text, weight in variants:
                acc += weight
                texts.append(text)
                flat_cum.append(f.index + min(acc, 1.0))
            flat_cum[-1] = f.index + 1.0
        offsets[script] = (start, np.array(flat_cum))

    def spell(firm: np.ndarray, script: str) -> np.ndarray:
        start, cum = offsets[script]
        pos = np.searchsorted(cum, firm + 1e-9 + nrng.random(len(firm)) * 0.999998, side="left")
        return pos + start

    # Who writes what: script and id presence by declaration kind and role.
    s_script = np.where(kind == 1, np.where(nrng.random(lines) < 0.8, 1, 0), 0)
    c_script = np.where(kind == 0, np.where(nrng.random(lines) < 0.75, 1, 0), 0)
    s_idx = np.where(s_script == 1, spell(shipper, "local"), spell(shipper, "latin"))
    c_idx = np.where(c_script == 1, spell(consignee, "local"), spell(consignee, "latin"))
    text_arr = np.array(texts, dtype=object)
    r = nrng.random((lines, 2))
    uscc = np.array([f.ids.get("uscc") for f in firms], dtype=object)
    inn = np.array([_id_text(f, "inn", rng) if "inn" in f.ids else None for f in firms], dtype=object)
    ogrn = np.array([f.ids.get("ogrn") for f in firms], dtype=object)
    kcs = np.array([f.ids.get("kcs") for f in firms], dtype=object)
    weak = np.array([f.ids.get("hk") or f.ids.get("bin") for f in firms], dtype=object)
    s_id = np.full(lines, None, dtype=object)
    c_id = np.full(lines, None, dtype=object)
    cn = kind == 1
    s_id[cn & (r[:, 0] < 0.85)] = uscc[shipper[cn & (r[:, 0] < 0.85)]]
    ru = kind == 0
    ru_inn = ru & (r[:, 1] < 0.62)
    ru_ogrn = ru & (r[:, 1] >= 0.62) & (r[:, 1] < 0.7)
    c_id[ru_inn] = inn[consignee[ru_inn]]
    c_id[ru_ogrn] = ogrn[consignee[ru_ogrn]]
    kr = kind == 2
    c_id[kr & (r[:, 1] < 0.9)] = kcs[consignee[kr & (r[:, 1] < 0.9)]]
    weak_s = ru & (r[:, 0] < 0.1)
    s_id[weak_s] = weak[shipper[weak_s]]
    weak_c = cn & (r[:, 1] < 0.1)
    c_id[weak_c] = weak[consignee[weak_c]]
    country = np.array([f.country for f in firms], dtype=object)
    # Country fields are not always the firm's: a Hong Kong trader recorded as Chinese, a Chinese
    # maker recorded as Hong Kong when the goods left from there.
    alt_country = np.array(
        [{"HKG": "CHN", "CHN": "HKG"}.get(f.country, f.country) for f in firms], dtype=object
    )
    swap = nrng.random((lines, 2)) < 0.03
    s_country = np.where(swap[:, 0], alt_country[shipper], country[shipper])
    c_country = np.where(swap[:, 1], alt_country[consignee], country[consignee])
    # Addresses: the registered one, written differently, or another site of the firm.
    addresses = np.array([_addresses(f, rng) for f in firms], dtype=object)
    pick = np.searchsorted([0.6, 0.85], nrng.random((lines, 2)), side="right")
    has_addr = nrng.random((lines, 2)) < 0.7
    days = nrng.integers(0, 1460, size=lines)
    dates = np.datetime64("2021-01-01") + days.astype("timedelta64[D]")
    hs = np.array(["8542310000", "8517620009", "9013809000", "8471500000", "6211339000", "8482100000"])
    values = np.round(nrng.lognormal(10, 1.2, size=lines), 2)
    return pa.table(
        {
            "date": pa.array(dates),
            "declaration_no": pa.array([f"SYN{k}/{i // 3:08d}" for i, k in enumerate(kind.tolist())]),
            "line_no": pa.array((np.arange(lines) % 3 + 1).astype(np.int32)),
            "direction": pa.array(np.where(kind == 1, "export", "import").tolist()),
            "shipper_name": pa.array(text_arr[s_idx].tolist(), pa.string()),
            "shipper_address": pa.array(
                [
                    a if keep else None
                    for a, keep in zip(addresses[shipper, pick[:, 0]], has_addr[:, 0], strict=True)
                ],
                pa.string(),
            ),
            "shipper_country": pa.array(s_country.tolist(), pa.string()),
            "shipper_id": pa.array(s_id.tolist(), pa.string()),
            "consignee_name": pa.array(text_arr[c_idx].tolist(), pa.string()),
            "consignee_address": pa.array(
                [
                    a if keep else None
                    for a, keep in zip(addresses[consignee, pick[:, 1]], has_addr[:, 1], strict=True)
                ],
                pa.string(),
            ),
            "consignee_country": pa.array(c_country.tolist(), pa.string()),
            "consignee_id": pa.array(c_id.tolist(), pa.string()),
            "hs_code": pa.array(hs[nrng.integers(0, len(hs), size=lines)]),
            "value": pa.array(values),
            "currency": pa.array(["USD"] * lines),
            "value_usd": pa.array(values),
            "_truth_shipper": pa.array(shipper),
            "_truth_consignee": pa.array(consignee),
        }
    )


def install(con: duckdb.DuckDBPyConnection, table: pa.Table, name: str = "synthetic") -> int:
    """Store generated lines as one source of the ``shipments`` fact (truth columns kept in the
    storage table, outside the view). Returns the source_id."""
    with transaction(con):
        source_id = int(fetch_one(con, "SELECT nextval('source_id_seq')")[0])
        storage = facts.storage_table("shipments", source_id)
        stored = facts.stored_columns(con, "shipments")
        con.register("_syn", table)
        try:
            have = set(table.column_names)

            def column(name: str, dtype: str) -> str:
                if name == "hs6":
                    return f'left(hs_code, 6)::{dtype} AS "hs6"'
                return (f'"{name}"::{dtype}' if name in have else f"NULL::{dtype}") + f' AS "{name}"'

            select = ", ".join(column(c, t) for c, t in stored)
            truth = ", ".join(
                f"{c}" if c in have else f"NULL::BIGINT AS {c}"
                for c in ("_truth_shipper", "_truth_consignee")
            )
            con.execute(
                f'CREATE TABLE "{storage}" AS SELECT {select}, NULL::VARCHAR AS {facts.ERROR_COLUMN},'
                f" {truth} FROM _syn"
            )
        finally:
            con.unregister("_syn")
        con.execute(
            "INSERT INTO sources (source_id, path, filename, sha256, layout, target_table,"
            " rows_read, rows_loaded,"
            " rows_quarantined, storage_table, line_offset, line_stored)"
            " VALUES (?, ?, ?, ?, 'synthetic', 'shipments', ?, ?, 0, ?, 2, false)",
            [
                source_id,
                f"<{name}>",
                name,
                f"synthetic-{source_id}-{len(table)}",
                len(table),
                len(table),
                storage,
            ],
        )
        facts.refresh_view(con, "shipments")
    return source_id


def _pairwise(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, float]:
    """Pairwise precision / recall of (cluster, truth) items given by sql."""
    row = fetch_one(
        con,
        f"""
        WITH m AS ({sql}),
        cells AS (SELECT count(*) AS n FROM m GROUP BY cluster, truth),
        c AS (SELECT count(*) AS n FROM m GROUP BY cluster),
        t AS (SELECT count(*) AS n FROM m GROUP BY truth)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM cells), (SELECT sum(n * (n - 1) / 2) FROM c),
               (SELECT sum(n * (n - 1) / 2) FROM t), (SELECT count(*) FROM m),
               (SELECT count(*) FROM c), (SELECT count(*) FROM t)
        """,
    )
    tp, predicted, true = (float(x or 0) for x in row[:3])
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "items": int(row[3]), "clusters": int(row[4]), "true_clusters": int(row[5])}  # fmt: skip


def evaluate(con: duckdb.DuckDBPyConnection, source_id: int) -> dict[str, dict[str, float]]:
    """Pairwise precision and recall of the resolved parties against the generator's truth, per
    declaration mention (each shipper and consignee of each line) and per distinct written
    record (name, country, id), next to the baseline that groups names by their normalised form
    (``dualtrace.normalize.names``) alone."""
    storage = facts.storage_table("shipments", source_id)
    mentions = f"""
        SELECT sp.shipper_party AS party, t._truth_shipper AS truth, t.shipper_name AS name,
               t.shipper_country AS country, nullif(trim(t.shipper_id), '') AS pid
        FROM shipment_parties sp JOIN (SELECT rowid + 2 AS source_line, * FROM "{storage}") t
             ON sp.source_id = {source_id} AND sp.source_line = t.source_line
        UNION ALL
        SELECT sp.consignee_party, t._truth_consignee, t.consignee_name, t.consignee_country,
               nullif(trim(t.consignee_id), '')
        FROM shipment_parties sp JOIN (SELECT rowid + 2 AS source_line, * FROM "{storage}") t
             ON sp.source_id = {source_id} AND sp.source_line = t.source_line
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _syn_m AS {mentions}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _syn_m2 AS
        SELECT m.*, r.norm FROM _syn_m m JOIN party_records r
          ON r.origin = 'shipment' AND r.name = m.name AND coalesce(r.country, '') = coalesce(m.country, '')
         AND coalesce(r.raw_id, '') = coalesce(m.pid, '')
        """
    )
    records = """
        SELECT party AS cluster, mode(truth) AS truth FROM _syn_m2 GROUP BY name, country, pid, party
    """
    records_base = """
        SELECT norm AS cluster, mode(truth) AS truth FROM _syn_m2 GROUP BY name, country, pid, norm
    """
    out = {
        "mentions": _pairwise(con, "SELECT party AS cluster, truth FROM _syn_m2"),
        "records": _pairwise(con, records),
        "baseline_mentions": _pairwise(con, "SELECT norm AS cluster, truth FROM _syn_m2"),
        "baseline_records": _pairwise(con, records_base),
    }
    con.execute("DROP TABLE _syn_m")
    con.execute("DROP TABLE _syn_m2")
    return out
