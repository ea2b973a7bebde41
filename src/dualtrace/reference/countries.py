"""Countries and trade areas: ISO 3166 codes, UN Comtrade codes, names in English, Russian, Chinese.

Trade files name the same country many ways ("Russian Federation (Russia)", "RU", "643", "Россия",
"俄罗斯", Comtrade's "Other Asia, nes"). ``resolve`` maps any of them to one code: the ISO 3166-1
alpha-3 code for a country or territory, or an area code for what is not one (W00 World, EUR the
European Union, _X Areas nes, X+Comtrade code for Comtrade's other groupings, ISO 3166-3 codes for
former countries). The facts that pycountry does not hold are in ``data/countries.yaml``.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import pycountry
import yaml

from dualtrace.reference._keys import alias_key

__all__ = [
    "Country",
    "alias_conflicts",
    "alias_key",
    "alias_overrides",
    "alias_sources",
    "aliases",
    "by_code",
    "by_comtrade_code",
    "countries",
    "name_variants",
    "resolve",
    "resolve_many",
]

Kind = Literal["country", "historic", "area"]

# Alias sources in order of precedence: when two sources give one key different meanings the
# earlier wins. Numbers are the reason: Comtrade's 492 is "Europe EU, nes" but ISO's is Monaco,
# and trade files carry Comtrade's codes far more often than ISO numerics.
TIER_AUTHORED = 0  # data/countries.yaml aliases: deliberate, checked against real files
TIER_CODE = 1  # ISO alpha-2/alpha-3, area codes, Comtrade codes
TIER_ISO_NUMERIC = 2
TIER_NAME = 3  # English names, their spelling variants, Russian and Chinese names

TRANSLATION_LANGUAGES = ("ru", "zh_CN", "zh_TW", "zh_HK")


@dataclass(frozen=True)
class Country:
    """One country, territory, former country or statistical area.

    ``iso3`` is the ISO 3166-1 alpha-3 code, or for what ISO does not code, the area code used
    throughout the warehouse. ``iso_numeric`` is the three-digit ISO 3166-1 code as text ("004").
    ``comtrade_code`` is UN Comtrade's numeric reporter/partner code, which differs from ISO for
    a few (842 USA, 251 France, 490 Taiwan...); ``comtrade_extra`` are Comtrade's older codes
    for the same territory.
    """

    iso3: str
    iso2: str | None
    iso_numeric: str | None
    comtrade_code: int | None
    name_en: str
    name_ru: str | None
    name_zh: str | None
    kind: Kind
    comtrade_extra: tuple[int, ...] = ()

    @property
    def is_area(self) -> bool:
        """A grouping of countries or an unspecified area, not one territory."""
        return self.kind == "area"

    @property
    def comtrade_codes(self) -> tuple[int, ...]:
        primary = () if self.comtrade_code is None else (self.comtrade_code,)
        return primary + self.comtrade_extra


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (plain YAML silently keeps the last one)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=True) for key, _ in node.value]
    duplicates = sorted({str(key) for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys in reference data: {', '.join(duplicates)}")
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_yaml(name: str) -> Any:
    """A YAML file of this package's data folder, refusing duplicate keys."""
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("countries.yaml")
    return data


@cache
def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def _translate(language: str, english: str | None) -> str | None:
    """The pycountry translation of an ISO name, or None when the catalogue lacks it."""
    if not english:
        return None
    translated = _translator(language).gettext(english)
    return translated if translated != english else None


def _iso_country(record: Any, comtrade: dict[str, list[int]]) -> Country:
    iso3: str = record.alpha_3
    numeric: str = record.numeric
    codes = comtrade.get(iso3, [int(numeric)])
    name: str = getattr(record, "common_name", None) or record.name
    return Country(
        iso3=iso3,
        iso2=record.alpha_2,
        iso_numeric=numeric,
        comtrade_code=codes[0] if codes else None,
        comtrade_extra=tuple(codes[1:]),
        name_en=name,
        name_ru=_translate("ru", record.name),
        name_zh=_translate("zh_CN", record.name),
        kind="country",
    )


def _entity(entry: dict[str, Any]) -> Country:
    codes = entry.get("comtrade", [])
    codes = codes if isinstance(codes, list) else [codes]
    return Country(
        iso3=entry["iso3"],
        iso2=entry.get("iso2"),
        iso_numeric=None,
        comtrade_code=codes[0] if codes else None,
        comtrade_extra=tuple(codes[1:]),
        name_en=entry["name"],
        name_ru=entry.get("ru"),
        name_zh=entry.get("zh"),
        kind=entry["kind"],
    )


@cache
def _countries() -> tuple[Country, ...]:
    data = _data()
    comtrade: dict[str, list[int]] = data["comtrade_codes"]
    rows = [_iso_country(record, comtrade) for record in pycountry.countries]
    rows += [_entity(entry) for entry in data["entities"]]
    return tuple(sorted(rows, key=lambda country: country.iso3))


def countries() -> list[Country]:
    """Every country, territory, former country and area, sorted by code."""
    return list(_countries())


@cache
def _by_code() -> dict[str, Country]:
    return {country.iso3: country for country in _countries()}


def by_code(code: str) -> Country | None:
    """The entry with this ISO3 or area code (exact, upper case)."""
    return _by_code().get(code)


@cache
def _by_comtrade() -> dict[int, Country]:
    table: dict[int, Country] = {}
    for country in _countries():
        for code in country.comtrade_codes:
            if code in table:
                other = table[code].iso3
                raise ValueError(f"Comtrade code {code} given to {other} and {country.iso3}")
            table[code] = country
    return table


def by_comtrade_code(code: int | str) -> Country | None:
    """The entry UN Comtrade means by this reporter/partner code (842 is the USA, 0 World)."""
    try:
        number = int(str(code).strip())
    except ValueError:
        return None
    return _by_comtrade().get(number)


# ---------------------------------------------------------------------------------------------
# Name variants. Trade files abbreviate and reorder official names in a few regular ways; these
# rules generate the spellings so that each one need not be listed by hand.

_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_OF_TAIL = re.compile(r"^(?P<head>[^,]+), (?P<tail>.+ of(?: the)?)$")
_ONE_WORD_TAIL = re.compile(r"^(?P<head>[^,]+), (?P<tail>[^\s,]+)$")
_WORD_SWAPS = (
    (" and ", " & "),
    ("Saint ", "St. "),
    ("Saint ", "St "),
    ("Saint ", "Saint-"),
    ("Islands", "Isds"),
    ("Island", "Isds"),
    ("Republic", "Rep."),
    ("Democratic", "Dem."),
)


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _reorderings(name: str) -> set[str]:
    """Reorder "Korea, Republic of" -> "Republic of Korea" and drop parentheses."""
    found = {name}
    match = _OF_TAIL.match(name)
    if match:
        found.add(f"{match['tail']} {match['head']}")
    match = _ONE_WORD_TAIL.match(name)
    if match:  # "Virgin Islands, British" -> "British Virgin Islands"
        found.add(f"{match['tail']} {match['head']}")
    for variant in list(found):
        # "Falkland Islands (Malvinas)" -> "Falkland Islands"
        without = _PARENTHESES.sub("", variant).strip()
        if without:
            found.add(without)
    found |= {variant[4:] for variant in found if variant.lower().startswith("the ")}
    if match := _OF_TAIL.match(name):
        # Comtrade's "Bolivia (Plurinational State of)"; added last: dropping its parentheses
        # would leave a bare "Korea" or "Congo", which means two countries.
        found.add(f"{match['head']} ({match['tail']})")
    return found


def name_variants(name: str) -> set[str]:
    """Spellings of one English name that trade statistics use."""
    found = _reorderings(name)
    for old, new in _WORD_SWAPS:
        found |= {variant.replace(old, new) for variant in found if old in variant}
    # ISO's own lists write "Netherlands (the)"; some writers prefix "The".
    found |= {f"{variant} (the)" for variant in list(found)}
    found |= {f"The {variant}" for variant in list(found) if not variant.lower().startswith("the ")}
    for variant in list(found):
        found.add(variant.replace("’", "'"))
        found.add(variant.replace("'", "’"))
        if not variant.isascii():
            found.add(_ascii_fold(variant))
            # Files that went through a lossy 8-bit encoding show "?" for each lost letter.
            found.add("".join(char if char.isascii() else "?" for char in variant))
    return found


def _native_names(record: Any) -> set[str]:
    english = {getattr(record, field, None) for field in ("name", "official_name", "common_name")}
    names: set[str] = set()
    for language in TRANSLATION_LANGUAGES:
        for name in english:
            translated = _translate(language, name)
            if translated:
                names.add(translated)
                names.add(translated.replace("\u0301", ""))  # stress marks in a few Russian names
    return names


def _candidates() -> Iterator[tuple[int, str, str]]:
    """(tier, text, code) for every alias, before precedence is applied."""
    data = _data()
    for code, texts in data["aliases"].items():
        for text in texts:
            yield TIER_AUTHORED, str(text), code
    iso_records = {record.alpha_3: record for record in pycountry.countries}
    for country in _countries():
        code = country.iso3
        yield TIER_CODE, code, code
        if country.iso2:
            yield TIER_CODE, country.iso2, code
        for number in country.comtrade_codes:
            yield TIER_CODE, str(number), code
            yield TIER_CODE, f"{number:03d}", code
        if country.iso_numeric:
            yield TIER_ISO_NUMERIC, country.iso_numeric, code
            yield TIER_ISO_NUMERIC, str(int(country.iso_numeric)), code
        english: set[str] = {country.name_en}
        native: set[str] = {name for name in (country.name_ru, country.name_zh) if name}
        record = iso_records.get(code)
        if record is not None:
            english |= {
                name
                for field in ("name", "official_name", "common_name")
                if (name := getattr(record, field, None))
            }
            native |= _native_names(record)
        for name in english:
            for variant in name_variants(name):
                yield TIER_NAME, variant, code
        for name in native:
            yield TIER_NAME, name, code


@cache
def _alias_table() -> tuple[dict[str, str], dict[str, dict[int, set[str]]]]:
    """The resolved alias map, and every key's candidates by tier (for the ambiguity checks)."""
    by_key: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for tier, text, code in _candidates():
        # Russian is mostly written without the diaeresis: "Объединённые" is also "Объединенные".
        for variant in {text, text.replace("ё", "е").replace("Ё", "Е")}:
            key = alias_key(variant)
            if key:
                by_key[key][tier].add(code)
    table: dict[str, str] = {}
    for key, tiers in by_key.items():
        codes = tiers[min(tiers)]
        # Two meanings at the same precedence: refuse to guess (tests assert this never happens).
        if len(codes) == 1:
            table[key] = next(iter(codes))
    return table, {key: dict(tiers) for key, tiers in by_key.items()}


def alias_sources() -> list[tuple[str, str, int]]:
    """(text, code, precedence tier) for every alias as written, before keying and precedence."""
    return [(text, code, tier) for tier, text, code in _candidates()]


def aliases() -> dict[str, str]:
    """alias_key(text) -> code, for codes, numbers and names in English, Russian and Chinese."""
    return dict(_alias_table()[0])


def alias_conflicts() -> dict[str, set[str]]:
    """Keys that the highest-precedence source gives two meanings (a data bug when non-empty)."""
    _, by_key = _alias_table()
    return {key: codes for key, tiers in by_key.items() if len(codes := tiers[min(tiers)]) > 1}


def alias_overrides() -> dict[str, dict[int, set[str]]]:
    """Keys where a higher-precedence source overrides a different meaning from a lower one."""
    _, by_key = _alias_table()
    return {
        key: tiers
        for key, tiers in by_key.items()
        if len(set().union(*tiers.values())) > 1 and len(tiers[min(tiers)]) == 1
    }


def resolve(text: str | int | None) -> str | None:
    """The ISO3 or area code that a code, number or name means, or None when unknown."""
    if text is None:
        return None
    return _alias_table()[0].get(alias_key(str(text)))


def resolve_many(texts: Iterable[str]) -> dict[str, str | None]:
    """resolve() for each distinct text."""
    table = _alias_table()[0]
    return {text: table.get(alias_key(text)) for text in set(texts)}
