"""The words a claim is made of: places (reference countries plus press adjectives and the EU),
goods (HS codes, CHPL tiers, the watch categories the caller passes in, press words)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dualtrace import reference
from dualtrace.errors import InputError

EU = "EU"


@cache
def words() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data/words.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def eu_members() -> tuple[str, ...]:
    return tuple(words()["eu_members"])


def eu_aggregates() -> tuple[str, ...]:
    return tuple(words()["eu_aggregates"])


def place(text: str) -> str | None:
    """The code a place word means: an ISO3 code, an area code, or EU; None when unknown."""
    key = text.strip().lower()
    table: dict[str, str] = words()["places"]
    if key in table:
        return table[key]
    if key.endswith("'s") or key.endswith("’s"):
        return place(text.strip()[:-2])
    code = reference.resolve(text.strip())
    if code in ("EUR", "XEU27"):
        return EU
    return code


def place_name(code: str) -> str:
    if code == EU:
        return "the EU"
    country = reference.by_code(code)
    return country.name_en if country else code


def resolve_places(names: Sequence[str], where: str) -> tuple[str, ...]:
    """Names or codes as written in a claims file, as codes; an unknown one is an error."""
    codes = []
    for name in names:
        code = place(name)
        if code is None:
            raise InputError(f"{where}: unknown country or area {name!r}")
        codes.append(code)
    return tuple(codes)


@dataclass(frozen=True)
class GoodsWord:
    """A phrase that names goods, the HS prefixes it stands for, and where the meaning comes from
    ("category" for a watch category, "chpl" for a CHPL tier, "word" for the press words)."""

    phrase: str
    codes: tuple[str, ...]
    label: str
    source: str = "word"


@dataclass(frozen=True)
class Vocab:
    """The goods phrases the parser looks for (longest first)."""

    goods: tuple[GoodsWord, ...] = field(default_factory=tuple)

    def phrases(self) -> list[GoodsWord]:
        return sorted(self.goods, key=lambda g: len(g.phrase), reverse=True)


def chpl_words() -> list[GoodsWord]:
    """ "CHPL tier 1", "tier 3.A items", "CHPL items" (every tier)."""
    by_tier: dict[str, list[str]] = {}
    for entry in reference.chpl_entries():
        by_tier.setdefault(entry.tier, []).append(entry.hs6)
    found = [
        GoodsWord(
            f"chpl tier {tier.lower()}", tuple(codes), f"CHPL tier {tier} ({len(codes)} HS6 codes)", "chpl"
        )
        for tier, codes in by_tier.items()
    ]
    every = tuple(code for codes in by_tier.values() for code in codes)
    found += [
        GoodsWord(phrase, every, f"CHPL items ({len(every)} HS6 codes)", "chpl")
        for phrase in (
            "chpl items",
            "chpl goods",
            "high priority items",
            "common high priority list items",
            "chpl",
        )
    ]
    return found


def press_words() -> list[GoodsWord]:
    return [GoodsWord(p, tuple(v["codes"]), v["label"], "word") for p, v in words()["goods"].items()]


def build_vocab(categories: Iterable[GoodsWord] = ()) -> Vocab:
    """The default vocabulary: press words and CHPL tiers, then the caller's category words
    (the faces pass the goods watch categories, which this engine does not import)."""
    table: dict[str, GoodsWord] = {}
    for word in [*press_words(), *chpl_words(), *categories]:
        table.setdefault(word.phrase.lower(), word)  # press words are narrower than categories
    return Vocab(tuple(table.values()))
