"""The fictional cast: listed companies, a state group with subsidiaries, intermediaries, decoys
and a background population of ordinary traders.

Every name here is invented. Chinese names are built from a city, an invented brand of two
syllables and a line of business; Russian names from invented stems. Place names, legal forms and
identifier formats are real, so the names read like real customs records.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dualtrace.demo.scenario import ids
from dualtrace.demo.scenario.model import Party, Variant

D = dt.date
_CAST = Path(__file__).parent / "data" / "cast.yaml"

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
        cn_variants=[_v("LLC " + _latin_stem(short), "transliteration_latin")]
        if short.startswith("ООО")
        else [_v(ru_to_latin(short), "transliteration_latin")],
    )


def _latin_stem(short: str) -> str:
    """The name inside the quotes of ООО «...», in Latin letters."""
    return ru_to_latin(short.split("«", 1)[1].rstrip("»"))


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


# --------------------------------------------------------------------------------------------
# The named parties, from data/cast.yaml
# --------------------------------------------------------------------------------------------


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_CAST.read_text(encoding="utf-8"))
    return data


def _variants(rows: list[list[Any]]) -> list[Variant]:
    """[name, kind..., weight] rows: no kind is canonical, no number weighs 1."""
    out = []
    for name, *rest in rows:
        kinds = tuple(x for x in rest if isinstance(x, str))
        weights = [float(x) for x in rest if not isinstance(x, str)]
        out.append(_v(str(name), *kinds, w=weights[0] if weights else 1.0))
    return out


def _party(rng: random.Random, rec: dict[str, Any]) -> Party:
    """One cast record, built by its constructor, then its own aliases and spellings."""
    key, make = rec["key"], rec["make"]
    if make == "cn":
        party = _cn(
            rng, key, rec["en"], rec["zh"], rec["division"], rec["founded"],
            rec["address_en"], rec["address_zh"], rec["role"],
        )  # fmt: skip
    elif make == "ru":
        party = _ru(
            rng, key, rec["full"], rec["short"], rec["en"], rec["region"], rec["founded"],
            rec["address"], rec["role"],
        )  # fmt: skip
    elif make == "hk":
        party = _hk(rng, key, rec["en"], rec["zh"], rec["founded"], rec["address"], rec["role"])
    else:
        fields = {k: v for k, v in rec.items() if k not in ("make", "ids", "ru_variants", "cn_variants")}
        ids_ = {kind: getattr(ids, kind)(rng, *args) for kind, args in rec.get("ids", {}).items()}
        party = Party(**fields, ids=ids_)
    party.aliases += rec.get("aliases", [])
    if "ru_variants" in rec:
        party.ru_variants = _variants(rec["ru_variants"])
    if "cn_variants" in rec:
        party.cn_variants = _variants(rec["cn_variants"])
    return party


def _named(rng: random.Random, p: dict[str, Party], section: str) -> list[str]:
    keys = []
    for rec in _data()[section]:
        p[rec["key"]] = _party(rng, rec)
        keys.append(rec["key"])
    return keys


def _group(rng: random.Random, p: dict[str, Party]) -> list[GroupLink]:
    parent = _data()["group_parent"]
    p[parent["key"]] = _party(rng, parent)
    links = []
    for sub in _data()["group"]:
        key, en, zh, founded = sub["key"], sub["en"], sub["zh"], sub["founded"]
        if sub["division"] == "HK":
            address = "Room 2101, 21/F, Harcourt House, 39 Gloucester Road, Wan Chai, Hong Kong"
            party = _hk(rng, key, en, zh, founded, address, "group_subsidiary")
            party.cn_variants = [_v(en.upper(), "case", w=3), _v(zh)]
        else:
            address = f"Tianyuan Industrial Park, {sub['city']}, China"
            park = f"{zh[:2]}工业园"
            party = _cn(rng, key, en, zh, sub["division"], founded, address, park, "group_subsidiary")
            party.cn_variants = [_v(zh, w=4)]
        upper = en.upper().replace(",", "")
        party.ru_variants = [
            _v(en.upper(), "case", w=3),
            _v(upper.replace("CO. LTD.", "CO LTD").replace("LIMITED", "LTD"), "abbreviation"),
        ]
        p[key] = party
        links.append(GroupLink(sub["parent"], key, sub["share"], max(founded, D(2000, 1, 1)), sub["end"]))
    return links


def _decoys(rng: random.Random, p: dict[str, Party]) -> dict[str, dict[str, str]]:
    """Parties that resemble a listed one (`resembles`) by what they `shared`; spelled plainly."""
    out: dict[str, dict[str, str]] = {}
    for rec in _data()["decoys"]:
        party = _party(rng, rec)
        if party.country == "RU":
            short = party.name_local
            latin = _latin_stem(short)
            party.ru_variants = [_v(ru_quotes(short), "case", w=3)]
            party.cn_variants = [_v("LLC " + latin, "transliteration_latin", w=2)]
        elif party.country == "HK":
            party.ru_variants = [_v(party.name_en.upper(), "case", w=3)]
            party.cn_variants = [_v(party.name_en.upper(), "case", w=2), _v(party.name_local)]
        else:
            party.ru_variants = [_v(party.name_en.upper(), "case", w=3)]
            party.cn_variants = [_v(party.name_local, w=3)]
        p[rec["key"]] = party
        out[rec["key"]] = {k: rec[k] for k in ("resembles", "tier", "shared")}
    return out


# --------------------------------------------------------------------------------------------
# Background population, from the word tables of data/cast.yaml
# --------------------------------------------------------------------------------------------


def _ru_address(rng: random.Random, city: list[str]) -> str:
    postcode = f"{city[2]}{rng.randint(0, 9999):04d}"[:6].ljust(6, "0")
    street = rng.choice(_data()["background"]["ru_streets"])
    return f"{postcode}, {city[0]}, {street}, д. {rng.randint(1, 180)}"


def _background_cn(rng: random.Random, p: dict[str, Party], words: dict[str, Any]) -> list[str]:
    keys: list[str] = []
    seen: set[str] = set()
    while len(keys) < 140:
        city = rng.choice(words["cn_cities"])
        s1, s2 = rng.sample(words["cn_syl"], 2)
        trade = rng.choice(words["cn_trades"])
        brand = s1[0] + s2[0].lower()
        en = f"{city[0]} {brand} {trade[0]} Co., Ltd."
        if en in seen or any(t in en.upper() for t in words["distinct"]):
            continue
        seen.add(en)
        key = f"bg_cn_{len(keys):03d}"
        zh = f"{city[1]}{s1[1]}{s2[1]}{trade[1]}有限公司"
        founded = D(rng.randint(2003, 2019), rng.randint(1, 12), 1)
        address_en = f"No. {rng.randint(1, 300)} {brand} Road, {city[0]}, China"
        address_zh = f"{city[1]}{s1[1]}{s2[1]}路{rng.randint(1, 300)}号"
        party = _cn(rng, key, en, zh, city[2], founded, address_en, address_zh, "background")
        party.ru_variants = [
            _v(en.upper(), "case", w=3),
            _v(en.upper().replace(",", "").replace(".", ""), "punctuation"),
        ]
        party.cn_variants = [_v(zh, w=3)]
        party.notes = trade[0]
        p[key] = party
        keys.append(key)
    return keys


def _background_ru(rng: random.Random, p: dict[str, Party], words: dict[str, Any]) -> list[str]:
    keys: list[str] = []
    seen: set[str] = set()
    while len(keys) < 170:
        stem = f"{rng.choice(words['ru_stems_a'])}-{rng.choice(words['ru_stems_b'])}"
        if stem in seen:
            continue
        seen.add(stem)
        city = rng.choice(words["ru_cities"])
        key = f"bg_ru_{len(keys):03d}"
        full, short = f"Общество с ограниченной ответственностью «{stem}»", f"ООО «{stem}»"
        en = f"Limited Liability Company {ru_to_latin(stem).title()}"
        founded = D(rng.randint(2004, 2020), rng.randint(1, 12), 1)
        party = _ru(rng, key, full, short, en, city[1], founded, _ru_address(rng, city), "background")
        party.ru_variants = [_v(ru_quotes(short), "case", w=3)]
        party.cn_variants = [
            _v(f"LLC {ru_to_latin(stem)}", "transliteration_latin", w=2),
            _v(f"OOO {ru_to_latin(stem)}", "transliteration_latin"),
        ]
        p[key] = party
        keys.append(key)
    return keys


def _background_others(rng: random.Random, p: dict[str, Party], words: dict[str, Any]) -> list[str]:
    keys = []
    for i, other in enumerate(words["others"]):
        cc = other["country"]
        key = f"bg_{cc.lower()}_{i:02d}"
        p[key] = Party(
            key=key,
            country=cc,
            name_en=other["en"],
            ids={},
            address_en=f"{other['town']}, {cc}",
            founded=D(rng.randint(2001, 2016), 1, 1),
            role="background",
            ru_variants=[_v(other["written"], "case")],
            cn_variants=[_v(other["en"].upper(), "case")],
            notes=other["line"],
        )
        keys.append(key)
    return keys


def build_cast(seed: int) -> Cast:
    """The fixed cast for a seed (ids and the background population depend on the seed)."""
    rng = random.Random(f"{seed}:cast")
    parties: dict[str, Party] = {}
    listed = _named(rng, parties, "listed")
    links = _group(rng, parties)
    _named(rng, parties, "named_others")
    decoys = _decoys(rng, parties)
    words = _data()["background"]
    cn_bg = _background_cn(rng, parties, words)
    ru_bg = _background_ru(rng, parties, words)
    other_bg = _background_others(rng, parties, words)
    # Consignees of the HK intermediary: the fast importer, one listed end user, 13 others
    hk_consignees = ["ru_nordvektor", "ru_vektramash", *ru_bg[:13]]
    thermal = ["ru_svetorog", *ru_bg[13:18]]
    for key in (*hk_consignees[2:], *thermal[1:]):
        parties[key].role = "story_consignee"
    declarants = [
        (f'ООО "{broker.upper()}"', ids.inn10(rng, rng.choice(["77", "78", "25", "54"])))
        for broker in _data()["brokers"]
    ]
    group = _data()["group"]
    return Cast(
        parties=parties,
        listed=listed,
        group_parent=_data()["group_parent"]["key"],
        group_links=links,
        group_current=[g["key"] for g in group if g["share"] >= 50 and g["end"] is None],
        group_minority=[g["key"] for g in group if g["share"] < 50 and g["end"] is None],
        group_former=[g["key"] for g in group if g["end"] is not None],
        decoys=decoys,
        ru_background=ru_bg[18:],
        cn_background=cn_bg,
        other_background=other_bg,
        hk_consignees=hk_consignees,
        thermal_consignees=thermal,
        declarants=declarants,
    )
