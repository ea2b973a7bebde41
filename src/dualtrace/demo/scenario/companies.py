"""The fictional cast: listed companies, a state group with subsidiaries, intermediaries, decoys
and a background population of ordinary traders.

Every name here is invented. Chinese names are built from a city, an invented brand of two
syllables and a line of business; Russian names from invented stems. Place names, legal forms and
identifier formats are real, so the names read like real customs records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from dualtrace.demo.scenario import ids
from dualtrace.demo.scenario.model import Party, Variant

D = dt.date

# --------------------------------------------------------------------------------------------
# Transliteration helpers
# --------------------------------------------------------------------------------------------

_RU_LAT = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Д": "D",
    "Е": "E",
    "Ё": "YO",
    "Ж": "ZH",
    "З": "Z",
    "И": "I",
    "Й": "Y",
    "К": "K",
    "Л": "L",
    "М": "M",
    "Н": "N",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "У": "U",
    "Ф": "F",
    "Х": "KH",
    "Ц": "TS",
    "Ч": "CH",
    "Ш": "SH",
    "Щ": "SHCH",
    "Ъ": "",
    "Ы": "Y",
    "Ь": "",
    "Э": "E",
    "Ю": "YU",
    "Я": "YA",
}


def ru_to_latin(text: str) -> str:
    """Upper-case BGN-like transliteration of Russian text, as seen in foreign trade records."""
    out = []
    for ch in text.upper():
        out.append(_RU_LAT.get(ch, ch))
    return "".join(out).replace("«", '"').replace("»", '"')


def ru_quotes(text: str) -> str:
    """Customs systems write «» as plain double quotes, upper case."""
    return text.replace("«", '"').replace("»", '"').upper()


# --------------------------------------------------------------------------------------------
# The cast
# --------------------------------------------------------------------------------------------


@dataclass
class GroupLink:
    """An ownership link of the state group (parent -> child)."""

    parent: str
    child: str
    share: float  # percent
    start: dt.date
    end: dt.date | None = None


@dataclass
class Cast:
    parties: dict[str, Party]
    listed: list[str]  # keys of the planted listed parties (story a)
    group_parent: str
    group_links: list[GroupLink]
    group_current: list[str]  # subsidiaries controlled (>= 50 %, direct or via chain) today
    group_minority: list[str]
    group_former: list[str]
    decoys: dict[str, dict[str, str]]  # decoy key -> {resembles, tier, shared}
    ru_background: list[str]
    cn_background: list[str]
    other_background: list[str]  # shippers from TR, KZ, BY, DE, IT, IN, AE...
    hk_consignees: list[str]  # 15 Russian consignees of the HK intermediary
    thermal_consignees: list[str]
    declarants: list[tuple[str, str]]  # customs brokers (name, INN)

    def __getitem__(self, key: str) -> Party:
        return self.parties[key]


def _v(name: str, *kinds: str, w: float = 1.0) -> Variant:
    return Variant(name, tuple(kinds) or ("canonical",), w)


def _cn(
    rng: random.Random,
    key: str,
    en: str,
    zh: str,
    division: str,
    founded: dt.date,
    address_en: str,
    address_zh: str,
    role: str,
) -> Party:
    return Party(
        key=key,
        country="CN",
        name_en=en,
        name_local=zh,
        ids={"uscc": ids.uscc(rng, division)},
        address_en=address_en,
        address_local=address_zh,
        founded=founded,
        role=role,
        ru_variants=[_v(en.upper(), "case")],
        cn_variants=[_v(zh)],
    )


def _ru(
    rng: random.Random,
    key: str,
    full: str,
    short: str,
    en: str,
    region: str,
    founded: dt.date,
    address: str,
    role: str,
) -> Party:
    return Party(
        key=key,
        country="RU",
        name_en=en,
        name_local=short,
        aliases=[full],
        ids={"inn": ids.inn10(rng, region), "ogrn": ids.ogrn(rng, region, max(founded.year, 2002))},
        address_en=ru_to_latin(address),
        address_local=address,
        founded=founded,
        role=role,
        ru_variants=[_v(ru_quotes(short), "case", "punctuation")],
        cn_variants=[_v("LLC " + ru_to_latin(short.split("«", 1)[1].rstrip("»")), "transliteration_latin")]
        if short.startswith("ООО")
        else [_v(ru_to_latin(short), "transliteration_latin")],
    )


def _hk(
    rng: random.Random,
    key: str,
    en: str,
    zh: str,
    founded: dt.date,
    address: str,
    role: str,
) -> Party:
    return Party(
        key=key,
        country="HK",
        name_en=en,
        name_local=zh,
        ids={"hk_cr": ids.hk_cr(rng, founded.year)},
        address_en=address,
        address_local=address,
        founded=founded,
        role=role,
        ru_variants=[_v(en.upper(), "case")],
        cn_variants=[_v(en.upper(), "case")],
    )


def _listed(rng: random.Random, p: dict[str, Party]) -> None:
    p["cn_lianxin"] = c = _cn(
        rng,
        "cn_lianxin",
        "Shenzhen Lianxin Ruida Electronic Technology Co., Ltd.",
        "深圳市联芯锐达电子科技有限公司",
        "440300",
        D(2016, 3, 14),
        "Room 1707, Block B, Xinghe Century Building, Futian District, Shenzhen, Guangdong, China",
        "广东省深圳市福田区星河世纪大厦B座1707室",
        "listed_supplier",
    )
    c.aliases = [
        "Lianxin Ruida Electronics",
        "LXRD Electronics",
        "Shenzhen Lianxin Ruida Electronics Technology Company Limited",
    ]
    c.ru_variants = [
        _v("SHENZHEN LIANXIN RUIDA ELECTRONIC TECHNOLOGY CO., LTD.", "case", w=3),
        _v("SHENZHEN LIANXIN RUIDA ELEC TECH CO LTD", "abbreviation", w=2),
        _v(
            "LIANXIN RUIDA ELECTRONIC TECHNOLOGY (SHENZHEN) CO., LIMITED",
            "word_order",
            "legal_form_changed",
        ),
        _v("SHENZHEN LIANXIN RUIDA ELECTRONIC TECHNOLGY CO LTD", "typo"),
        _v("ШЭНЬЧЖЭНЬ ЛЯНЬСИНЬ ЖУЙДА ЭЛЕКТРОНИК ТЕКНОЛОДЖИ КО., ЛТД", "transliteration_cyrillic"),
        _v("SHENZHEN LIANXINRUIDA ELECTRONIC TECHNOLOGY", "legal_form_dropped", "spacing"),
    ]
    c.cn_variants = [
        _v("深圳市联芯锐达电子科技有限公司", w=4),
        _v("深圳联芯锐达电子科技有限公司", "city_marker_dropped"),
        _v("深圳市联芯锐达电子科技", "legal_form_dropped"),
    ]

    p["cn_haoguang"] = c = _cn(
        rng,
        "cn_haoguang",
        "Jinan Qilu Haoguang Laser Technology Co., Ltd.",
        "济南齐鲁浩光激光科技有限公司",
        "370100",
        D(2012, 9, 3),
        "No. 88 Gongye North Road, Licheng District, Jinan, Shandong, China",
        "山东省济南市历城区工业北路88号",
        "listed_supplier",
    )
    c.aliases = ["Qilu Haoguang Laser", "Haoguang Laser"]
    c.ru_variants = [
        _v("JINAN QILU HAOGUANG LASER TECHNOLOGY CO., LTD", "case", w=3),
        _v("JINAN QILU HAOGUANG LASER TECH CO LTD", "abbreviation", w=2),
        _v("QILU HAOGUANG LASER TECHNOLOGY CO LTD", "city_dropped"),
        _v("JINAN QILU HAO GUANG LASER TECHNOLOGY CO.,LTD.", "spacing"),
        _v("ЦЗИНАНЬ ЦИЛУ ХАОГУАН ЛАЗЕР ТЕКНОЛОДЖИ КО., ЛТД", "transliteration_cyrillic"),
    ]
    c.cn_variants = [
        _v("济南齐鲁浩光激光科技有限公司", w=4),
        _v("济南齐鲁浩光激光科技有限责任公司", "legal_form_changed"),
    ]

    p["hk_kongfung"] = c = _hk(
        rng,
        "hk_kongfung",
        "Kong Fung Micro-Electronic Trading Limited",
        "港峰微電子貿易有限公司",
        D(2019, 5, 21),
        "Unit 1203, 12/F, Wing Shun Commercial Centre, 41 Kwai Fung Crescent, Kwai Chung, "
        "New Territories, Hong Kong",
        "listed_supplier",
    )
    c.aliases = ["Kong Fung Microelectronics", "Kong Fung Micro-Electronic Trading Ltd."]
    c.ru_variants = [
        _v("KONG FUNG MICRO-ELECTRONIC TRADING LIMITED", "case", w=3),
        _v("KONG FUNG MICRO ELEC TRADING LTD", "abbreviation", w=2),
        _v("KONGFUNG MICROELECTRONIC TRADING (HK) LIMITED", "spacing", "hk_suffix"),
        _v("KONG FUNG MICRO-ELECTRONIC TRDG CO", "abbreviation", "legal_form_changed"),
        _v("КОНГ ФУНГ МИКРО-ЭЛЕКТРОНИК ТРЕЙДИНГ ЛИМИТЕД", "transliteration_cyrillic"),
    ]
    c.cn_variants = [
        _v("KONG FUNG MICRO-ELECTRONIC TRADING LIMITED", "case", w=2),
        _v("港峰微电子贸易有限公司", "simplified_chinese", w=2),
        _v("港峰微電子貿易有限公司"),
        _v("KONG FUNG MICRO-ELECTRONIC TRADING LTD.", "legal_form_changed"),
    ]

    p["cn_xiangqiong"] = c = _cn(
        rng,
        "cn_xiangqiong",
        "Xiamen Xiangqiong Avionics Technology Co., Ltd.",
        "厦门翔穹航电科技有限公司",
        "350200",
        D(2017, 11, 8),
        "Unit 502, No. 36 Chuangxin 3rd Road, Huli District, Xiamen, Fujian, China",
        "福建省厦门市湖里区创新三路36号502单元",
        "listed_supplier",
    )
    c.aliases = ["Xiangqiong Avionics", "XQ Avionics"]
    c.ru_variants = [
        _v("XIAMEN XIANGQIONG AVIONICS TECHNOLOGY CO., LTD.", "case", w=3),
        _v("XIAMEN XIANGQIONG AVIONICS TECH CO LTD", "abbreviation", w=2),
        _v("XIAMEN XIANG QIONG AVIONIC TECHNOLOGY CO LTD", "spacing", "typo"),
        _v("СЯМЫНЬ СЯНЦЮН АВИОНИКС ТЕКНОЛОДЖИ КО., ЛТД", "transliteration_cyrillic"),
    ]
    c.cn_variants = [
        _v("厦门翔穹航电科技有限公司", w=4),
        _v("厦门市翔穹航电科技有限公司", "city_marker_added"),
    ]

    p["ru_oriantekh"] = c = _ru(
        rng,
        "ru_oriantekh",
        "Акционерное общество «Научно-производственное объединение «Ориантех»",
        "АО «НПО «Ориантех»",
        "Joint Stock Company Scientific and Production Association Oriantekh",
        "77",
        D(1994, 6, 17),
        "125438, г. Москва, ул. Онежская, д. 24, стр. 3",
        "listed_end_user",
    )
    c.aliases += ["JSC NPO Oriantekh", "AO NPO Oriantekh", "NPO Oriantech"]
    c.ru_variants = [
        _v('АО "НПО "ОРИАНТЕХ"', "case", "punctuation", w=3),
        _v(
            'АКЦИОНЕРНОЕ ОБЩЕСТВО "НАУЧНО-ПРОИЗВОДСТВЕННОЕ ОБЪЕДИНЕНИЕ "ОРИАНТЕХ"',
            "legal_form_expanded",
            w=2,
        ),
        _v("НПО ОРИАНТЕХ АО", "word_order"),
        _v('АО "НПО "ОРИАНТЭХ"', "typo"),
        _v("ORIANTEKH NPO JSC", "transliteration_latin", "word_order"),
    ]
    c.cn_variants = [
        _v("JSC NPO ORIANTEKH", "transliteration_latin", w=2),
        _v("AO NPO ORIANTECH", "transliteration_latin", "legal_form_changed"),
        _v("JOINT STOCK COMPANY SCIENTIFIC AND PRODUCTION ASSOCIATION ORIANTEKH", "translation"),
        _v("АО «НПО «Ориантех»"),
    ]

    p["ru_vektramash"] = c = _ru(
        rng,
        "ru_vektramash",
        "Общество с ограниченной ответственностью «Вектрамаш»",
        "ООО «Вектрамаш»",
        "Limited Liability Company Vektramash",
        "71",
        D(2008, 2, 11),
        "300004, г. Тула, ул. Щегловская засека, д. 31, корп. 2",
        "listed_end_user",
    )
    c.aliases += ["LLC Vektramash", "OOO Vektramash", "Vectramash"]
    c.ru_variants = [
        _v('ООО "ВЕКТРАМАШ"', "case", "punctuation", w=3),
        _v('ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ВЕКТРАМАШ"', "legal_form_expanded", w=2),
        _v("ВЕКТРАМАШ ООО", "word_order"),
        _v('ООО "ВЕКТРА-МАШ"', "punctuation"),
    ]
    c.cn_variants = [
        _v("LLC VEKTRAMASH", "transliteration_latin", "legal_form_changed", w=2),
        _v("OOO VEKTRAMASH", "transliteration_latin", w=2),
        _v("VECTRAMASH LIMITED LIABILITY COMPANY", "transliteration_latin", "word_order"),
        _v(
            "OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU VEKTRAMASH",
            "transliteration_latin",
            "legal_form_expanded",
        ),
    ]

    p["ru_svetorog"] = c = _ru(
        rng,
        "ru_svetorog",
        "Акционерное общество «Уральский завод специальной оптики «Светорог»",
        "АО «УЗСО «Светорог»",
        "Joint Stock Company Ural Special Optics Plant Svetorog",
        "66",
        D(1999, 10, 5),
        "620017, г. Екатеринбург, ул. Фронтовых бригад, д. 18, корп. 4",
        "listed_end_user",
    )
    c.aliases += ["JSC UZSO Svetorog", "Ural Special Optics Plant"]
    c.ru_variants = [
        _v('АО "УЗСО "СВЕТОРОГ"', "case", "punctuation", w=3),
        _v('АО "УРАЛЬСКИЙ ЗАВОД СПЕЦИАЛЬНОЙ ОПТИКИ "СВЕТОРОГ"', "acronym_expanded", w=2),
        _v("АО СВЕТОРОГ", "acronym_dropped"),
        _v('АО "УЗСО "СВЕТАРОГ"', "typo"),
    ]
    c.cn_variants = [
        _v("JSC SVETOROG", "transliteration_latin", "acronym_dropped", w=2),
        _v("AO URALSKIY ZAVOD SPETSIALNOY OPTIKI SVETOROG", "transliteration_latin"),
        _v("URAL SPECIAL OPTICS PLANT SVETOROG JSC", "translation", "word_order"),
    ]

    p["ru_aeronis"] = c = _ru(
        rng,
        "ru_aeronis",
        "Общество с ограниченной ответственностью «Аэронис-М»",
        "ООО «Аэронис-М»",
        "Limited Liability Company Aeronis-M",
        "16",
        D(2015, 4, 28),
        "420087, г. Казань, ул. Родины, д. 7, помещ. 12",
        "listed_end_user",
    )
    c.aliases += ["LLC Aeronis-M", "Aeronis-M"]
    c.ru_variants = [
        _v('ООО "АЭРОНИС-М"', "case", "punctuation", w=3),
        _v("ООО АЭРОНИС М", "punctuation"),
        _v('ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "АЭРОНИС-М"', "legal_form_expanded"),
    ]
    c.cn_variants = [
        _v("LLC AERONIS-M", "transliteration_latin", w=2),
        _v("OOO AERONIS M", "transliteration_latin", "punctuation"),
        _v("AERONIS-M LLC", "transliteration_latin", "word_order"),
    ]


# The state group: (key, English, Chinese, city division, founded, share, parent key, end date)
_GROUP = [
    (
        "ty_tech",
        "Tianyuan Technologies Co., Ltd.",
        "天垣科技有限公司",
        "110108",
        D(2003, 5, 9),
        100.0,
        "cn_tianyuan",
        None,
        "Beijing",
    ),
    (
        "ty_precision",
        "Tianyuan Precision Machinery (Wuxi) Co., Ltd.",
        "天垣精密机械(无锡)有限公司",
        "320200",
        D(2006, 8, 1),
        75.0,
        "cn_tianyuan",
        None,
        "Wuxi",
    ),
    (
        "ty_components",
        "Tianyuan Electronic Components (Chengdu) Co., Ltd.",
        "天垣电子元器件(成都)有限公司",
        "510100",
        D(2009, 3, 30),
        100.0,
        "cn_tianyuan",
        None,
        "Chengdu",
    ),
    (
        "ty_hk",
        "Tianyuan International Trading (Hong Kong) Limited",
        "天垣國際貿易(香港)有限公司",
        "HK",
        D(2011, 7, 12),
        100.0,
        "cn_tianyuan",
        None,
        "Hong Kong",
    ),
    (
        "ty_xian_opto",
        "Xi'an Tianyuan Optoelectronics Co., Ltd.",
        "西安天垣光电有限公司",
        "610100",
        D(2010, 11, 2),
        60.0,
        "cn_tianyuan",
        None,
        "Xi'an",
    ),
    (
        "ty_harbin_avia",
        "Tianyuan Aviation Equipment (Harbin) Co., Ltd.",
        "天垣航空装备(哈尔滨)有限公司",
        "230100",
        D(2013, 4, 18),
        51.0,
        "cn_tianyuan",
        None,
        "Harbin",
    ),
    (
        "ty_shenyang_bearing",
        "Shenyang Tianyuan Bearing Co., Ltd.",
        "沈阳天垣轴承有限公司",
        "210100",
        D(2005, 1, 25),
        88.5,
        "cn_tianyuan",
        None,
        "Shenyang",
    ),
    (
        "ty_changzhou_cnc",
        "Changzhou Ruiyuan CNC Equipment Co., Ltd.",
        "常州瑞垣数控设备有限公司",
        "320400",
        D(2014, 6, 6),
        70.0,
        "ty_precision",
        None,
        "Changzhou",
    ),
    (
        "ty_nanjing_microwave",
        "Nanjing Hexin Microwave Technology Co., Ltd.",
        "南京禾芯微波技术有限公司",
        "320100",
        D(2012, 2, 14),
        65.0,
        "cn_tianyuan",
        None,
        "Nanjing",
    ),
    (
        "ty_guangzhou_radio",
        "Guangzhou Jinyuan Radio Communication Co., Ltd.",
        "广州金垣无线电通信有限公司",
        "440100",
        D(2008, 9, 19),
        100.0,
        "cn_tianyuan",
        None,
        "Guangzhou",
    ),
    (
        "ty_qingdao_materials",
        "Qingdao Haiyuan Advanced Materials Co., Ltd.",
        "青岛海垣新材料有限公司",
        "370200",
        D(2016, 10, 10),
        35.0,
        "cn_tianyuan",
        None,
        "Qingdao",
    ),
    (
        "ty_luoyang_chem",
        "Luoyang Tianyuan Chemical Materials Co., Ltd.",
        "洛阳天垣化工材料有限公司",
        "410300",
        D(2004, 12, 1),
        55.0,
        "cn_tianyuan",
        D(2019, 6, 30),
        "Luoyang",
    ),
]


def _group(rng: random.Random, p: dict[str, Party]) -> list[GroupLink]:
    p["cn_tianyuan"] = c = _cn(
        rng,
        "cn_tianyuan",
        "China Tianyuan Industrial Group Co., Ltd.",
        "中国天垣实业集团有限公司",
        "110102",
        D(1998, 3, 26),
        "No. 12 Fuchengmen North Street, Xicheng District, Beijing, China",
        "北京市西城区阜成门北大街12号",
        "group_parent",
    )
    c.aliases = ["Tianyuan Group", "China Tianyuan Group", "CTIG"]
    links = []
    for key, en, zh, div, founded, share, parent, end, city in _GROUP:
        if div == "HK":
            party = _hk(
                rng,
                key,
                en,
                zh,
                founded,
                "Room 2101, 21/F, Harcourt House, 39 Gloucester Road, Wan Chai, Hong Kong",
                "group_subsidiary",
            )
        else:
            party = _cn(
                rng,
                key,
                en,
                zh,
                div,
                founded,
                f"Tianyuan Industrial Park, {city}, China",
                f"{zh[:2]}工业园",
                "group_subsidiary",
            )
        upper = en.upper().replace(",", "")
        party.ru_variants = [
            _v(en.upper(), "case", w=3),
            _v(upper.replace("CO. LTD.", "CO LTD").replace("LIMITED", "LTD"), "abbreviation"),
        ]
        party.cn_variants = [_v(zh, w=4)] if div != "HK" else [_v(en.upper(), "case", w=3), _v(zh)]
        p[key] = party
        links.append(GroupLink(parent, key, share, max(founded, D(2000, 1, 1)), end))
    return links


def _named_others(rng: random.Random, p: dict[str, Party]) -> None:
    # Thermal-imager chain
    p["cn_guanghe"] = c = _cn(
        rng,
        "cn_guanghe",
        "Wuhan Guanghe Infrared Technology Co., Ltd.",
        "武汉光禾红外科技有限公司",
        "420100",
        D(2011, 7, 7),
        "No. 6 Gaoxin 4th Road, East Lake High-tech Zone, Wuhan, Hubei, China",
        "湖北省武汉市东湖高新区高新四路6号",
        "thermal_manufacturer",
    )
    c.ru_variants = [
        _v("WUHAN GUANGHE INFRARED TECHNOLOGY CO., LTD", "case", w=3),
        _v("WUHAN GUANGHE INFRARED TECH CO LTD", "abbreviation"),
    ]
    c.cn_variants = [_v("武汉光禾红外科技有限公司", w=4)]
    p["hk_brightpeak"] = c = _hk(
        rng,
        "hk_brightpeak",
        "Brightpeak Vision Trading Limited",
        "明峰視覺貿易有限公司",
        D(2021, 8, 16),
        "Flat 9, 15/F, Kwun Tong Industrial Centre, 448 Kwun Tong Road, Kowloon, Hong Kong",
        "thermal_trader",
    )
    c.ru_variants = [
        _v("BRIGHTPEAK VISION TRADING LIMITED", "case", w=3),
        _v("BRIGHTPEAK VISION TRADING LTD", "legal_form_changed", w=2),
        _v("BRIGHT PEAK VISION TRADING LIMITED", "spacing"),
    ]
    c.cn_variants = [
        _v("BRIGHTPEAK VISION TRADING LIMITED", "case", w=3),
        _v("明峰视觉贸易有限公司", "simplified_chinese"),
    ]
    # Body armor chain
    p["cn_tiandun"] = c = _cn(
        rng,
        "cn_tiandun",
        "Jinhua Tiandun Outdoor Products Co., Ltd.",
        "金华天盾户外用品有限公司",
        "330700",
        D(2015, 5, 20),
        "No. 219 Xianhua Street, Wucheng District, Jinhua, Zhejiang, China",
        "浙江省金华市婺城区仙华街219号",
        "armor_shipper",
    )
    c.ru_variants = [
        _v("JINHUA TIANDUN OUTDOOR PRODUCTS CO., LTD", "case", w=3),
        _v("JINHUA TIANDUN OUTDOOR PRODUCTS CO LTD", "punctuation"),
    ]
    c.cn_variants = [_v("金华天盾户外用品有限公司", w=4)]
    p["kz_dalakaravan"] = c = Party(
        key="kz_dalakaravan",
        country="KZ",
        name_en="Dala Karavan Logistic LLP",
        name_local="ТОО «Дала Караван Логистик»",
        ids={"kz_bin": ids.kz_bin(rng, 2020, 11)},
        address_en="Almaty, Zhetysu district, Kuderina St. 12",
        address_local="г. Алматы, Жетысуский р-н, ул. Кудерина, 12",
        founded=D(2020, 11, 3),
        role="armor_forwarder",
    )
    c.cn_variants = [
        _v("DALA KARAVAN LOGISTIC LLP", "case", w=3),
        _v("ТОО «Дала Караван Логистик»"),
    ]
    c.ru_variants = [_v('ТОО "ДАЛА КАРАВАН ЛОГИСТИК"', "case")]
    p["ru_rubezh"] = _ru(
        rng,
        "ru_rubezh",
        "Общество с ограниченной ответственностью «Рубеж-Экип»",
        "ООО «Рубеж-Экип»",
        "Limited Liability Company Rubezh-Ekip",
        "50",
        D(2019, 2, 7),
        "141006, Московская обл., г. Мытищи, Олимпийский пр-т, д. 29, офис 4",
        "armor_consignee",
    )
    # HK intermediary of 2022 and the fast-growing importer
    p["hk_polarlink"] = c = _hk(
        rng,
        "hk_polarlink",
        "Polarlink Supply Chain (HK) Limited",
        "極聯供應鏈(香港)有限公司",
        D(2022, 4, 12),
        "Room 1502, 15/F, Lucky Centre, 165-171 Wan Chai Road, Wan Chai, Hong Kong",
        "hk_intermediary",
    )
    c.ru_variants = [
        _v("POLARLINK SUPPLY CHAIN (HK) LIMITED", "case", w=3),
        _v("POLARLINK SUPPLY CHAIN HK LTD", "abbreviation", w=2),
        _v("POLAR LINK SUPPLY CHAIN (HONG KONG) LIMITED", "spacing", "hk_expanded"),
    ]
    c.cn_variants = [
        _v("POLARLINK SUPPLY CHAIN (HK) LIMITED", "case", w=3),
        _v("极联供应链(香港)有限公司", "simplified_chinese", w=2),
    ]
    p["ru_nordvektor"] = _ru(
        rng,
        "ru_nordvektor",
        "Общество с ограниченной ответственностью «Нордвектор»",
        "ООО «Нордвектор»",
        "Limited Liability Company Nordvektor",
        "78",
        D(2021, 3, 15),
        "196084, г. Санкт-Петербург, ул. Заставская, д. 33, лит. П, офис 411",
        "fast_importer",
    )
    p["cn_kunlong"] = c = _cn(
        rng,
        "cn_kunlong",
        "Hangzhou Kunlong Industrial Automation Co., Ltd.",
        "杭州坤珑工业自动化有限公司",
        "330100",
        D(2014, 9, 9),
        "No. 77 Xiyuan 8th Road, Xihu District, Hangzhou, Zhejiang, China",
        "浙江省杭州市西湖区西园八路77号",
        "supplier",
    )
    c.ru_variants = [_v("HANGZHOU KUNLONG INDUSTRIAL AUTOMATION CO., LTD.", "case", w=3)]
    c.cn_variants = [_v("杭州坤珑工业自动化有限公司", w=3)]
    p["cn_ruixun"] = c = _cn(
        rng,
        "cn_ruixun",
        "Suzhou Ruixun Communication Equipment Co., Ltd.",
        "苏州睿讯通信设备有限公司",
        "320500",
        D(2013, 1, 16),
        "No. 5 Xinghan Street, Suzhou Industrial Park, Suzhou, Jiangsu, China",
        "江苏省苏州市工业园区星汉街5号",
        "supplier",
    )
    c.cn_variants = [_v("苏州睿讯通信设备有限公司", w=3)]
    c.ru_variants = [_v("SUZHOU RUIXUN COMMUNICATION EQUIPMENT CO., LTD.", "case")]
    p["cn_xinhai"] = c = _cn(
        rng,
        "cn_xinhai",
        "Dongguan Xinhai Precision Bearing Co., Ltd.",
        "东莞市鑫海精密轴承有限公司",
        "441900",
        D(2010, 4, 22),
        "No. 3 Industrial Road, Chang'an Town, Dongguan, Guangdong, China",
        "广东省东莞市长安镇工业路3号",
        "supplier",
    )
    c.cn_variants = [_v("东莞市鑫海精密轴承有限公司", w=3)]
    c.ru_variants = [_v("DONGGUAN XINHAI PRECISION BEARING CO., LTD.", "case")]
    p["tr_atlaskuzey"] = Party(
        key="tr_atlaskuzey",
        country="TR",
        name_en="Atlas Kuzey Dis Ticaret Ltd. Sti.",
        name_local="Atlas Kuzey Dış Ticaret Ltd. Şti.",
        ids={"tr_vkn": f"{rng.randint(1, 9)}{rng.randint(0, 999999999):09d}"},
        address_en="Halkali Merkez Mah. Dereboyu Cad. No: 14, Kucukcekmece, Istanbul, Turkiye",
        founded=D(2017, 6, 1),
        role="supplier",
        ru_variants=[
            _v("ATLAS KUZEY DIS TICARET LTD STI", "case", "diacritics_dropped", w=3),
            _v("ATLAS KUZEY DIS TICARET LIMITED SIRKETI", "legal_form_expanded"),
        ],
    )


def _decoys(rng: random.Random, p: dict[str, Party]) -> dict[str, dict[str, str]]:
    spec: list[tuple[str, str, str, str, Callable[[], Party]]] = [
        (
            "dec_cn_hongrui",
            "cn_lianxin",
            "generic",
            "Shenzhen; Electronic; Technology; Co., Ltd.",
            lambda: _cn(
                rng,
                "dec_cn_hongrui",
                "Shenzhen Hongrui Electronic Technology Co., Ltd.",
                "深圳市宏瑞电子科技有限公司",
                "440300",
                D(2011, 5, 5),
                "Room 606, Huaqiang North Road 1019, Futian District, Shenzhen, China",
                "广东省深圳市福田区华强北路1019号606室",
                "decoy",
            ),
        ),
        (
            "dec_cn_jinanhuayu",
            "cn_haoguang",
            "generic",
            "Jinan; Laser; Co., Ltd.",
            lambda: _cn(
                rng,
                "dec_cn_jinanhuayu",
                "Jinan Huayu Laser Equipment Co., Ltd.",
                "济南华宇激光设备有限公司",
                "370100",
                D(2009, 8, 8),
                "No. 15 Shunhua Road, Jinan, Shandong, China",
                "山东省济南市舜华路15号",
                "decoy",
            ),
        ),
        (
            "dec_cn_xiamen_lanhai",
            "cn_xiangqiong",
            "generic",
            "Xiamen; Technology; Co., Ltd.",
            lambda: _cn(
                rng,
                "dec_cn_xiamen_lanhai",
                "Xiamen Lanhai Aviation Services Technology Co., Ltd.",
                "厦门蓝海航空服务科技有限公司",
                "350200",
                D(2014, 3, 3),
                "No. 8 Gaoqi South 3rd Road, Huli District, Xiamen, China",
                "福建省厦门市湖里区高崎南三路8号",
                "decoy",
            ),
        ),
        (
            "dec_hk_kongwah",
            "hk_kongfung",
            "hard",
            "Kong (same first word); Electronic; Trading; Limited",
            lambda: _hk(
                rng,
                "dec_hk_kongwah",
                "Kong Wah Electronic Trading Limited",
                "江華電子貿易有限公司",
                D(2008, 1, 9),
                "Shop 12, G/F, 88 Apliu Street, Sham Shui Po, Kowloon, Hong Kong",
                "decoy",
            ),
        ),
        (
            "dec_cn_tianyuan_food",
            "cn_tianyuan",
            "hard",
            "Tianyuan (same pinyin, other characters: 天源 not 天垣)",
            lambda: _cn(
                rng,
                "dec_cn_tianyuan_food",
                "Hebei Tianyuan Food Co., Ltd.",
                "河北天源食品有限公司",
                "130100",
                D(2007, 7, 17),
                "No. 45 Heping West Road, Shijiazhuang, Hebei, China",
                "河北省石家庄市和平西路45号",
                "decoy",
            ),
        ),
        (
            "dec_ru_oriontekh",
            "ru_oriantekh",
            "hard",
            "Орионтех vs Ориантех (one letter), other legal form (ООО) and INN",
            lambda: _ru(
                rng,
                "dec_ru_oriontekh",
                "Общество с ограниченной ответственностью «Орионтех»",
                "ООО «Орионтех»",
                "Limited Liability Company Oriontekh",
                "52",
                D(2016, 9, 1),
                "603105, г. Нижний Новгород, ул. Ошарская, д. 96",
                "decoy",
            ),
        ),
        (
            "dec_ru_tekhnomash",
            "ru_vektramash",
            "generic",
            "-маш; ООО; Тула",
            lambda: _ru(
                rng,
                "dec_ru_tekhnomash",
                "Общество с ограниченной ответственностью «Техномаш-Трейд»",
                "ООО «Техномаш-Трейд»",
                "Limited Liability Company Tekhnomash-Treyd",
                "71",
                D(2012, 12, 12),
                "300041, г. Тула, ул. Советская, д. 47",
                "decoy",
            ),
        ),
        (
            "dec_ru_uraloptika",
            "ru_svetorog",
            "generic",
            "Уральский; оптика; Екатеринбург",
            lambda: _ru(
                rng,
                "dec_ru_uraloptika",
                "Общество с ограниченной ответственностью «Уральская оптика»",
                "ООО «Уральская оптика»",
                "Limited Liability Company Uralskaya Optika",
                "66",
                D(2004, 4, 4),
                "620014, г. Екатеринбург, ул. Малышева, д. 51",
                "decoy",
            ),
        ),
        (
            "dec_ru_aeroservis",
            "ru_aeronis",
            "hard",
            "Аэро- prefix; -М suffix; ООО; Казань",
            lambda: _ru(
                rng,
                "dec_ru_aeroservis",
                "Общество с ограниченной ответственностью «Аэросервис-М»",
                "ООО «Аэросервис-М»",
                "Limited Liability Company Aeroservis-M",
                "16",
                D(2010, 10, 10),
                "420140, г. Казань, ул. Юлиуса Фучика, д. 90",
                "decoy",
            ),
        ),
    ]
    out: dict[str, dict[str, str]] = {}
    for key, resembles, tier, shared, make in spec:
        party = make()
        if party.country == "RU":
            short = party.name_local
            party.ru_variants = [_v(ru_quotes(short), "case", w=3)]
            party.cn_variants = [
                _v(
                    "LLC " + ru_to_latin(short.split("«", 1)[1].rstrip("»")),
                    "transliteration_latin",
                    w=2,
                )
            ]
        elif party.country == "HK":
            party.ru_variants = [_v(party.name_en.upper(), "case", w=3)]
            party.cn_variants = [_v(party.name_en.upper(), "case", w=2), _v(party.name_local)]
        else:
            party.ru_variants = [_v(party.name_en.upper(), "case", w=3)]
            party.cn_variants = [_v(party.name_local, w=3)]
        p[key] = party
        out[key] = {"resembles": resembles, "tier": tier, "shared": shared}
    return out


# --------------------------------------------------------------------------------------------
# Background population
# --------------------------------------------------------------------------------------------

_CN_CITIES = [
    ("Yiwu", "义乌市", "330782"),
    ("Ningbo", "宁波市", "330200"),
    ("Guangzhou", "广州市", "440100"),
    ("Dongguan", "东莞市", "441900"),
    ("Foshan", "佛山市", "440600"),
    ("Qingdao", "青岛市", "370200"),
    ("Wenzhou", "温州市", "330300"),
    ("Quanzhou", "泉州市", "350500"),
    ("Suzhou", "苏州市", "320500"),
    ("Tianjin", "天津市", "120116"),
    ("Shanghai", "上海市", "310115"),
    ("Shenzhen", "深圳市", "440300"),
    ("Harbin", "哈尔滨市", "230100"),
    ("Urumqi", "乌鲁木齐市", "650100"),
    ("Linyi", "临沂市", "371300"),
]
_CN_SYL = [
    ("Jia", "佳"),
    ("Xin", "鑫"),
    ("Feng", "丰"),
    ("Sheng", "盛"),
    ("Tai", "泰"),
    ("Long", "隆"),
    ("Mei", "美"),
    ("Rong", "荣"),
    ("Kai", "凯"),
    ("Bo", "博"),
    ("Jin", "锦"),
    ("Fu", "富"),
    ("Yi", "益"),
    ("Cheng", "诚"),
    ("Wei", "威"),
    ("Xiang", "祥"),
    ("Ming", "明"),
    ("Lan", "澜"),
    ("Qi", "琪"),
    ("Tong", "彤"),
    ("Yue", "悦"),
    ("Shun", "顺"),
    ("Hui", "汇"),
    ("Zhan", "展"),
    ("Lu", "璐"),
    ("Pei", "沛"),
    ("Song", "松"),
    ("Ze", "泽"),
    ("Nuo", "诺"),
    ("Yan", "妍"),
]
_CN_TRADES = [
    ("Furniture", "家具"),
    ("Textile", "纺织品"),
    ("Garment", "服装"),
    ("Auto Parts", "汽车配件"),
    ("Household Products", "家居用品"),
    ("Hardware", "五金制品"),
    ("Food", "食品"),
    ("Plastic Products", "塑料制品"),
    ("Toys", "玩具"),
    ("Import and Export", "进出口"),
    ("Trading", "贸易"),
    ("Machinery", "机械"),
    ("Lighting", "照明"),
    ("Shoes", "鞋业"),
    ("Electronics", "电子"),
    ("Technology", "科技"),
]
_RU_STEMS_A = [
    "Альтаир",
    "Берег",
    "Гранат",
    "Кедр",
    "Байкал",
    "Ладья",
    "Сфера",
    "Меридиан",
    "Зенит",
    "Кристалл",
    "Янтарь",
    "Бриз",
    "Горизонт",
    "Парус",
    "Аврора",
    "Исток",
    "Север",
    "Форпост",
    "Эталон",
    "Вираж",
    "Сокол",
    "Орбита",
    "Пульсар",
    "Терра",
    "Элара",
    "Рустех",
    "Мирта",
    "Вереск",
    "Дюна",
    "Прага",
]
_RU_STEMS_B = [
    "Трейд",
    "Снаб",
    "Импорт",
    "Логистик",
    "Маркет",
    "Строй",
    "Мебель",
    "Текстиль",
    "Авто",
    "Пром",
    "Комплект",
    "Сервис",
    "Опт",
    "Деталь",
    "Продукт",
    "Склад",
    "Торг",
    "Инвест",
]
_RU_CITIES = [
    ("г. Москва", "77", "1"),
    ("г. Санкт-Петербург", "78", "19"),
    ("г. Новосибирск", "54", "63"),
    ("г. Екатеринбург", "66", "62"),
    ("г. Казань", "16", "42"),
    ("г. Владивосток", "25", "69"),
    ("г. Нижний Новгород", "52", "60"),
    ("г. Самара", "63", "44"),
    ("г. Челябинск", "74", "45"),
    ("г. Краснодар", "23", "35"),
    ("г. Ростов-на-Дону", "61", "34"),
    ("г. Омск", "55", "64"),
]
_RU_STREETS = [
    "ул. Промышленная",
    "ул. Заводская",
    "ул. Садовая",
    "ул. Мира",
    "ул. Гагарина",
    "ул. Советская",
    "ул. Строителей",
    "ул. Лесная",
    "ул. Складская",
    "ул. Индустриальная",
    "пр-т Ленина",
    "ш. Энтузиастов",
    "ул. Транспортная",
]
_DISTINCT = (
    "LIANXIN",
    "RUIDA",
    "HAOGUANG",
    "XIANGQIONG",
    "KONG",
    "TIANYUAN",
    "GUANGHE",
    "BRIGHTPEAK",
    "POLARLINK",
    "TIANDUN",
    "KUNLONG",
    "RUIXUN",
    "XINHAI",
    "HONGRUI",
    "ORIANT",
    "ВЕКТРА",
    "СВЕТОРОГ",
    "АЭРО",
    "ОРИОН",
    "НОРДВЕКТОР",
    "РУБЕЖ",
)


def _ru_address(rng: random.Random, city: tuple[str, str, str]) -> str:
    postcode = f"{city[2]}{rng.randint(0, 9999):04d}"[:6].ljust(6, "0")
    return f"{postcode}, {city[0]}, {rng.choice(_RU_STREETS)}, д. {rng.randint(1, 180)}"


def _background(rng: random.Random, p: dict[str, Party]) -> tuple[list[str], list[str], list[str]]:
    cn_keys: list[str] = []
    seen: set[str] = set()
    while len(cn_keys) < 140:
        city = rng.choice(_CN_CITIES)
        s1, s2 = rng.sample(_CN_SYL, 2)
        trade = rng.choice(_CN_TRADES)
        brand = s1[0] + s2[0].lower()
        en = f"{city[0]} {brand} {trade[0]} Co., Ltd."
        if en in seen or any(t in en.upper() for t in _DISTINCT):
            continue
        seen.add(en)
        key = f"bg_cn_{len(cn_keys):03d}"
        zh = f"{city[1]}{s1[1]}{s2[1]}{trade[1]}有限公司"
        party = _cn(
            rng,
            key,
            en,
            zh,
            city[2],
            D(rng.randint(2003, 2019), rng.randint(1, 12), 1),
            f"No. {rng.randint(1, 300)} {s1[0]}{s2[0].lower()} Road, {city[0]}, China",
            f"{city[1]}{s1[1]}{s2[1]}路{rng.randint(1, 300)}号",
            "background",
        )
        party.ru_variants = [
            _v(en.upper(), "case", w=3),
            _v(en.upper().replace(",", "").replace(".", ""), "punctuation"),
        ]
        party.cn_variants = [_v(zh, w=3)]
        party.notes = trade[0]
        p[key] = party
        cn_keys.append(key)

    ru_keys: list[str] = []
    seen = set()
    while len(ru_keys) < 170:
        stem = f"{rng.choice(_RU_STEMS_A)}-{rng.choice(_RU_STEMS_B)}"
        if stem in seen:
            continue
        seen.add(stem)
        city = rng.choice(_RU_CITIES)
        key = f"bg_ru_{len(ru_keys):03d}"
        party = _ru(
            rng,
            key,
            f"Общество с ограниченной ответственностью «{stem}»",
            f"ООО «{stem}»",
            f"Limited Liability Company {ru_to_latin(stem).title()}",
            city[1],
            D(rng.randint(2004, 2020), rng.randint(1, 12), 1),
            _ru_address(rng, city),
            "background",
        )
        party.ru_variants = [_v(ru_quotes(f"ООО «{stem}»"), "case", w=3)]
        party.cn_variants = [
            _v(f"LLC {ru_to_latin(stem)}", "transliteration_latin", w=2),
            _v(f"OOO {ru_to_latin(stem)}", "transliteration_latin"),
        ]
        p[key] = party
        ru_keys.append(key)

    others = [
        (
            "TR",
            "Ege Yildiz Tekstil San. ve Tic. A.S.",
            "EGE YILDIZ TEKSTIL SAN VE TIC AS",
            "Izmir",
            "Textile",
        ),
        (
            "TR",
            "Marmara Oto Yedek Parca Ltd. Sti.",
            "MARMARA OTO YEDEK PARCA LTD STI",
            "Bursa",
            "Auto Parts",
        ),
        ("TR", "Anadolu Gida Pazarlama A.S.", "ANADOLU GIDA PAZARLAMA AS", "Mersin", "Food"),
        ("KZ", "Nurly Zhol Trade LLP", 'ТОО "НУРЛЫ ЖОЛ ТРЕЙД"', "Almaty", "Trading"),
        ("KZ", "Saryarka Distribution LLP", 'ТОО "САРЫАРКА ДИСТРИБЬЮШН"', "Karaganda", "Trading"),
        ("BY", "Polesye Mebel JLLC", 'СООО "ПОЛЕСЬЕ МЕБЕЛЬ"', "Pinsk", "Furniture"),
        ("BY", "Nemanagro OJSC", 'ОАО "НЕМАНАГРО"', "Grodno", "Food"),
        (
            "IN",
            "Sundaram Pharma Exports Pvt. Ltd.",
            "SUNDARAM PHARMA EXPORTS PVT LTD",
            "Hyderabad",
            "Pharma",
        ),
        (
            "DE",
            "Rheinfeld Maschinenteile GmbH",
            "RHEINFELD MASCHINENTEILE GMBH",
            "Duisburg",
            "Machinery",
        ),
        ("IT", "Ceramiche Valdarno S.r.l.", "CERAMICHE VALDARNO SRL", "Arezzo", "Ceramics"),
        (
            "AE",
            "Gulf Crescent General Trading FZE",
            "GULF CRESCENT GENERAL TRADING FZE",
            "Dubai",
            "Trading",
        ),
        ("AM", "Araratyan Import LLC", "ARARATYAN IMPORT LLC", "Yerevan", "Trading"),
        ("KG", "Ala-Too Kommerts LLC", 'ОСОО "АЛА-ТОО КОММЕРЦ"', "Bishkek", "Trading"),
        (
            "UZ",
            "Samarqand Tekstil Savdo LLC",
            "SAMARQAND TEKSTIL SAVDO MCHJ",
            "Samarkand",
            "Textile",
        ),
    ]
    other_keys = []
    for i, (cc, en, written, town, line) in enumerate(others):
        key = f"bg_{cc.lower()}_{i:02d}"
        p[key] = Party(
            key=key,
            country=cc,
            name_en=en,
            ids={},
            address_en=f"{town}, {cc}",
            founded=D(rng.randint(2001, 2016), 1, 1),
            role="background",
            ru_variants=[_v(written, "case")],
            cn_variants=[_v(en.upper(), "case")],
            notes=line,
        )
        other_keys.append(key)
    return ru_keys, cn_keys, other_keys


def build_cast(seed: int) -> Cast:
    """The fixed cast for a seed (ids and the background population depend on the seed)."""
    rng = random.Random(f"{seed}:cast")
    parties: dict[str, Party] = {}
    _listed(rng, parties)
    links = _group(rng, parties)
    _named_others(rng, parties)
    decoys = _decoys(rng, parties)
    ru_bg, cn_bg, other_bg = _background(rng, parties)
    # Consignees of the HK intermediary: the fast importer, one listed end user, 13 others
    hk_consignees = ["ru_nordvektor", "ru_vektramash", *ru_bg[:13]]
    thermal = ["ru_svetorog", *ru_bg[13:18]]
    for key in (*hk_consignees[2:], *thermal[1:]):
        parties[key].role = "story_consignee"
    brokers = [
        "Таможенный брокер Линия",
        "Брокер-Экспресс Восток",
        "Декларант Про",
        "Таможенный представитель Сибирь",
        "ВЭД-Консалтинг",
        "Кордон-Брокер",
    ]
    declarants = [
        (f'ООО "{b.upper()}"', ids.inn10(rng, rng.choice(["77", "78", "25", "54"]))) for b in brokers
    ]
    current = [k for k, *_rest in _GROUP if k not in ("ty_qingdao_materials", "ty_luoyang_chem")]
    return Cast(
        parties=parties,
        listed=[
            "cn_lianxin",
            "cn_haoguang",
            "hk_kongfung",
            "cn_xiangqiong",
            "ru_oriantekh",
            "ru_vektramash",
            "ru_svetorog",
            "ru_aeronis",
        ],
        group_parent="cn_tianyuan",
        group_links=links,
        group_current=current,
        group_minority=["ty_qingdao_materials"],
        group_former=["ty_luoyang_chem"],
        decoys=decoys,
        ru_background=ru_bg[18:],
        cn_background=cn_bg,
        other_background=other_bg,
        hk_consignees=hk_consignees,
        thermal_consignees=thermal,
        declarants=declarants,
    )
