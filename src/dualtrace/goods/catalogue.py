"""Watch categories as data: the YAML file shipped in the package, plus users' own files.

A user file has the same layout as ``data/categories.yaml``. Its categories replace shipped
ones with the same id and add the others; its ``claims``, ``vague``, ``accessories``,
``abbreviations`` and ``unit_value_floors`` sections extend the shipped ones. The CHPL tier
categories take their codes from ``dualtrace.reference`` so the list is written once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dualtrace import yamlfile
from dualtrace.errors import InputError
from dualtrace.reference import TIERS, chpl_entries

__all__ = [
    "RISKS",
    "Catalogue",
    "CatalogueError",
    "Category",
    "Claim",
    "UnitValueFloor",
    "default_catalogue",
    "load_catalogue",
]

RISKS = ("high", "medium", "watch")
LANGUAGES = ("en", "ru", "zh")
_CATEGORY_KEYS = {
    "id",
    "label",
    "risk",
    "military_use",
    "claims_ok",
    "chpl_tier",
    "codes",
    "compatible",
    "text_mismatch",
    "terms",
    "combos",
    "not_terms",
    "note",
}
_TOP_KEYS = {"categories", "claims", "vague", "accessories", "abbreviations", "unit_value_floors"}


class CatalogueError(InputError):
    """A watch-category file cannot be used as written."""


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    risk: str
    military_use: bool = False
    claims_ok: tuple[str, ...] = ()
    chpl_tier: str | None = None
    codes: tuple[str, ...] = ()
    compatible: tuple[str, ...] = ()
    text_mismatch: bool = True
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    combos: tuple[tuple[tuple[str, ...], ...], ...] = ()
    not_terms: tuple[str, ...] = ()
    source: str = "dualtrace"

    @property
    def controlled(self) -> bool:
        """High or medium risk: a generic description under its codes hides what is shipped."""
        return self.risk in ("high", "medium")

    @property
    def has_text(self) -> bool:
        return any(self.terms.values()) or bool(self.combos)

    def all_terms(self) -> tuple[str, ...]:
        return tuple(term for language in self.terms for term in self.terms[language])


@dataclass(frozen=True)
class Claim:
    """A claimed use (airsoft, toy, sport, hunting, civilian) written in a description."""

    id: str
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class UnitValueFloor:
    """Below ``min_usd`` per piece, a line under one of ``codes`` cannot be what they say."""

    codes: tuple[str, ...]
    min_usd: float
    label: str


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[Category, ...]
    claims: tuple[Claim, ...]
    generic: tuple[str, ...]
    filler: tuple[str, ...]
    accessory_heads: tuple[str, ...]
    purpose_words: tuple[str, ...]
    scope_breaks: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]
    unit_value_floors: tuple[UnitValueFloor, ...]
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.categories})
        object.__setattr__(self, "_order", {c.id: n for n, c in enumerate(self.categories)})

    def order(self, category_id: str) -> int:
        """Position of a category in the catalogue (the order categories are listed in)."""
        positions: dict[str, int] = self._order  # type: ignore[attr-defined]
        return positions[category_id]

    def __getitem__(self, category_id: str) -> Category:
        found: dict[str, Category] = self._by_id  # type: ignore[attr-defined]
        try:
            return found[category_id]
        except KeyError:
            known = ", ".join(c.id for c in self.categories)
            raise CatalogueError(f"unknown watch category {category_id!r}; known: {known}") from None

    def __contains__(self, category_id: object) -> bool:
        return category_id in self._by_id  # type: ignore[attr-defined]

    def ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def fingerprint(self) -> str:
        """A short stable hash of the whole catalogue, recorded with each classify run."""
        parts = (
            self.categories,
            self.claims,
            self.generic,
            self.filler,
            self.accessory_heads,
            self.purpose_words,
            self.scope_breaks,
            self.abbreviations,
            self.unit_value_floors,
        )
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------------------------------------
# Reading and checking


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        value = [value]
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: expected a list of words, got {type(value).__name__}")
    out = []
    for item in value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise CatalogueError(f"{where}: {item!r} is not a word")
        text = str(item).strip()
        if text:
            out.append(text)
    return tuple(out)


def _codes(value: Any, where: str) -> tuple[str, ...]:
    codes = _strings(value, where)
    for code in codes:
        if not code.isdigit() or len(code) % 2 or not 2 <= len(code) <= 10:
            raise CatalogueError(
                f"{where}: {code!r} is not an HS prefix (2, 4 or 6 digits) or a national code (8 or 10); "
                "quote codes in YAML so leading zeros survive"
            )
    return codes


def _terms(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected terms per language (en, ru, zh)")
    out = {}
    for language, words in value.items():
        if language not in LANGUAGES:
            raise CatalogueError(f"{where}: unknown language {language!r}; use en, ru or zh")
        out[str(language)] = _strings(words, f"{where}.{language}")
    return out


def _category(raw: Any, where: str, source: str) -> Category:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: a category must be a mapping with id, label, risk...")
    unknown = set(raw) - _CATEGORY_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    category_id = str(raw.get("id") or "").strip()
    if not category_id or not category_id.replace("_", "").isalnum() or not category_id.islower():
        raise CatalogueError(f"{where}: id {raw.get('id')!r} must be lower-case letters, digits and _")
    where = f"{where} ({category_id})"
    label = str(raw.get("label") or "").strip()
    if not label:
        raise CatalogueError(f"{where}: a label is required")
    risk = str(raw.get("risk") or "")
    if risk not in RISKS:
        raise CatalogueError(f"{where}: risk {risk!r} must be one of {', '.join(RISKS)}")
    tier = raw.get("chpl_tier")
    codes = _codes(raw.get("codes"), f"{where}.codes")
    if tier is not None:
        tier = str(tier)
        if tier not in TIERS:
            raise CatalogueError(f"{where}: chpl_tier {tier!r} must be one of {', '.join(TIERS)}")
        codes = codes + tuple(entry.hs6 for entry in chpl_entries() if entry.tier == tier)
    combos = []
    for number, combo in enumerate(raw.get("combos") or [], start=1):
        if not isinstance(combo, list) or len(combo) < 2:
            raise CatalogueError(f"{where}.combos[{number}]: a combo is a list of two or more term lists")
        combos.append(tuple(_strings(group, f"{where}.combos[{number}]") for group in combo))
    terms = _terms(raw.get("terms"), f"{where}.terms")
    if terms and any(not terms.get(language) for language in LANGUAGES) and source == "dualtrace":
        raise CatalogueError(f"{where}: shipped categories need terms in en, ru and zh")
    return Category(
        id=category_id,
        label=label,
        risk=risk,
        military_use=bool(raw.get("military_use", False)),
        claims_ok=_strings(raw.get("claims_ok"), f"{where}.claims_ok"),
        chpl_tier=tier,
        codes=codes,
        compatible=_codes(raw.get("compatible"), f"{where}.compatible"),
        text_mismatch=bool(raw.get("text_mismatch", True)),
        terms=terms,
        combos=tuple(combos),
        not_terms=_strings(raw.get("not_terms"), f"{where}.not_terms"),
        source=source,
    )


def _read(path: Path | None) -> tuple[dict[str, Any], str]:
    if path is None:
        text = resources.files(__package__).joinpath("data/categories.yaml").read_text("utf-8")
        source = "dualtrace"
        data = yamlfile.parse(text, source, CatalogueError)
    else:
        data = yamlfile.read(Path(path), "watch-category file", CatalogueError)
        source = Path(path).name
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CatalogueError(f"{source}: expected a mapping with 'categories' (see docs/goods.md)")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise CatalogueError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    return data, source


def _merge_language_lists(section: Any, where: str) -> tuple[str, ...]:
    if section is None:
        return ()
    if isinstance(section, dict):
        return tuple(word for language, words in _terms(section, where).items() for word in words)
    return _strings(section, where)


def _add_categories(data: dict[str, Any], source: str, categories: dict[str, Category]) -> None:
    """A file's categories; a later file's category replaces an earlier one of the same id."""
    raw_categories = data.get("categories") or []
    if not isinstance(raw_categories, list):
        raise CatalogueError(f"{source}: 'categories' must be a list")
    seen: set[str] = set()
    for number, raw in enumerate(raw_categories, start=1):
        category = _category(raw, f"{source} categories[{number}]", source)
        if category.id in seen:
            raise CatalogueError(f"{source}: category {category.id!r} is defined twice")
        seen.add(category.id)
        categories[category.id] = category


def _add_claims(data: dict[str, Any], source: str, claims: dict[str, Claim]) -> None:
    """A file's claims; a later file adds terms to a claim of the same id."""
    for number, raw in enumerate(data.get("claims") or [], start=1):
        where = f"{source} claims[{number}]"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise CatalogueError(f"{where}: a claim needs an id and terms")
        claim_id = str(raw["id"])
        words = _merge_language_lists(raw.get("terms"), f"{where}.terms")
        previous = claims.get(claim_id)
        claims[claim_id] = Claim(
            claim_id,
            str(raw.get("label") or (previous.label if previous else claim_id)),
            (previous.terms if previous else ()) + words,
        )


def _floors(data: dict[str, Any], source: str) -> list[UnitValueFloor]:
    out = []
    for number, raw in enumerate(data.get("unit_value_floors") or [], start=1):
        where = f"{source} unit_value_floors[{number}]"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: write codes, min_usd and label")
        try:
            minimum = float(raw["min_usd"])
        except (KeyError, TypeError, ValueError):
            raise CatalogueError(f"{where}: min_usd must be a number of US dollars") from None
        out.append(
            UnitValueFloor(_codes(raw.get("codes"), f"{where}.codes"), minimum, str(raw.get("label", "")))
        )
    return out


def load_catalogue(extra: Sequence[str | Path] | str | Path | None = None) -> Catalogue:
    """The shipped catalogue, extended by the user files ``extra`` in order."""
    files: list[Path | None] = [None]
    if isinstance(extra, str | Path):
        files.append(Path(extra))
    elif extra:
        files.extend(Path(p) for p in extra)
    categories: dict[str, Category] = {}
    claims: dict[str, Claim] = {}
    generic: list[str] = []
    filler: list[str] = []
    heads: list[str] = []
    purpose: list[str] = []
    breaks: list[str] = []
    abbreviations: list[tuple[str, str]] = []
    floors: list[UnitValueFloor] = []
    sources = []
    for path in files:
        data, source = _read(path)
        sources.append(source)
        _add_categories(data, source, categories)
        _add_claims(data, source, claims)
        vague = data.get("vague") or {}
        if not isinstance(vague, dict):
            raise CatalogueError(f"{source}: 'vague' must have 'generic' and 'filler' lists")
        generic.extend(_merge_language_lists(vague.get("generic"), f"{source} vague.generic"))
        filler.extend(_merge_language_lists(vague.get("filler"), f"{source} vague.filler"))
        accessories = data.get("accessories") or {}
        heads.extend(_strings(accessories.get("heads"), f"{source} accessories.heads"))
        purpose.extend(_strings(accessories.get("purpose"), f"{source} accessories.purpose"))
        breaks.extend(_strings(accessories.get("scope_breaks"), f"{source} accessories.scope_breaks"))
        for number, raw in enumerate(data.get("abbreviations") or [], start=1):
            if not isinstance(raw, dict) or "from" not in raw or "to" not in raw:
                raise CatalogueError(f"{source} abbreviations[{number}]: write {{from: ..., to: ...}}")
            abbreviations.append((str(raw["from"]).lower(), str(raw["to"]).lower()))
        floors.extend(_floors(data, source))
    known_claims = set(claims)
    for category in categories.values():
        unknown = set(category.claims_ok) - known_claims
        if unknown:
            raise CatalogueError(
                f"category {category.id}: claims_ok names unknown claim(s) {', '.join(sorted(unknown))}"
            )
    return Catalogue(
        categories=tuple(categories.values()),
        claims=tuple(claims.values()),
        generic=tuple(generic),
        filler=tuple(filler),
        accessory_heads=tuple(heads),
        purpose_words=tuple(purpose),
        scope_breaks=tuple(breaks),
        abbreviations=tuple(abbreviations),
        unit_value_floors=tuple(floors),
        sources=tuple(sources),
    )


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue (cached)."""
    return load_catalogue()


def catalogue_for(extra: Iterable[str | Path] | str | Path | None) -> Catalogue:
    """The shipped catalogue when no user file is given (cached), else a fresh merge."""
    if extra is None or (not isinstance(extra, str | Path) and not list(extra)):
        return default_catalogue()
    return load_catalogue(extra if isinstance(extra, str | Path) else list(extra))
