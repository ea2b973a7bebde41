"""What a declared code is: its HS6, its HS2022 equivalents, description, categories, CHPL tier.

Codes are declared as written (6 to 10 digits, dotted or not) in the HS edition in force when
they were declared. Categories and the CHPL are written in HS2022, so an HS2017 code is carried
to HS2022 through the warehouse's correlation (``dualtrace.reference``). A link counts when it
is direct (1:1, 1:n, n:1) or an n:n group within the same heading; an n:n group that crosses
headings (HS2022 moved parts of many machines into new codes, which ties HS2017 pump parts to
CHPL 8529.90) is reported as weak and sets no category or tier. National 8- and 10-digit
category codes are compared with the code as declared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dualtrace.goods.catalogue import Catalogue
from dualtrace.reference import TIERS, CorrelationTable, builtin_table, chpl_matches, clean_code, describe
from dualtrace.reference.correlation import HS_VERSIONS

__all__ = ["CodeInfo", "CodeResolver", "dotted"]

TARGET_VERSION = "HS2022"


def dotted(code: str | None) -> str:
    """8542310000 -> 8542.31.0000 (the way tariffs print codes)."""
    if not code:
        return ""
    if len(code) <= 4:
        return code
    return ".".join(part for part in (code[:4], code[4:6], code[6:]) if part)


@dataclass(frozen=True)
class CodeInfo:
    raw: str
    hs_version: str
    code: str | None  # digits only, or None when the text is not a code
    hs6: str | None
    hs2022: tuple[str, ...] = ()  # HS2022 codes it corresponds to (strong links)
    links: tuple[str, ...] = ()  # how: "852580 -> 852589 (1:n, dualtrace)"
    weak_hs2022: tuple[str, ...] = ()
    description: str | None = None
    categories: dict[str, str] = field(default_factory=dict)  # id -> why
    partial_categories: dict[str, str] = field(default_factory=dict)  # a heading only partly in
    fits: frozenset[str] = frozenset()  # categories whose goods are properly declared here
    chpl_tier: str | None = None
    chpl_hs6: str | None = None
    chpl_link: str | None = None
    weak_chpl_tier: str | None = None
    weak_chpl_hs6: str | None = None

    @property
    def label(self) -> str:
        """'6211.43.0000 (Track suits ...)' for reasons."""
        text = dotted(self.code) or self.raw
        return f"{text} ({self.description})" if self.description else text


def _strong(from_code: str, to_code: str, relationship: str) -> bool:
    return relationship != "n:n" or from_code[:4] == to_code[:4]


class CodeResolver:
    """Resolves codes against a catalogue and a correlation table, with a cache per code."""

    def __init__(self, catalogue: Catalogue, table: CorrelationTable | None = None) -> None:
        self.catalogue = catalogue
        self.table = table or builtin_table()
        self._cache: dict[tuple[str, str], CodeInfo] = {}
        self._text_categories = [c for c in catalogue.categories if c.has_text or c.codes]

    def cached(self) -> int:
        return len(self._cache)

    def resolve(self, raw: str | None, hs_version: str = TARGET_VERSION) -> CodeInfo:
        key = (raw or "", hs_version)
        found = self._cache.get(key)
        if found is None:
            found = self.resolve_uncached(raw, hs_version)
            self._cache[key] = found
        return found

    def resolve_uncached(self, raw: str | None, hs_version: str = TARGET_VERSION) -> CodeInfo:
        text = (raw or "").strip()
        version = hs_version if hs_version in HS_VERSIONS else TARGET_VERSION
        code = clean_code(text) if text else None
        if code is None:
            return CodeInfo(raw=text, hs_version=version, code=None, hs6=None)
        hs6 = code[:6] if len(code) >= 6 else None
        strong: list[str] = []
        weak: list[str] = []
        links: list[str] = []
        if hs6 is not None:
            if version == TARGET_VERSION:
                strong = [hs6]
            else:
                for item in self.table.to_version(hs6, version, TARGET_VERSION):
                    if _strong(hs6, item.code, item.relationship):
                        strong.append(item.code)
                        links.append(f"{hs6} -> {item.code} ({item.relationship}, {item.source})")
                    else:
                        weak.append(item.code)
        # one equivalent: its subheading; a split: the heading they share
        info = describe(strong[0] if len(strong) == 1 else code[:4] if len(strong) > 1 else code)
        description = info.description if info is not None else None
        categories, partial, fits = self._categories(code, hs6, strong)
        tier = chpl_hs6 = chpl_link = weak_tier = weak_hs6 = None
        if hs6 is not None:
            for match in chpl_matches(code, version, table=self.table):
                if _strong(hs6, match.hs6, match.relationship):
                    if tier is None:
                        tier, chpl_hs6 = match.tier, match.hs6
                        chpl_link = f"{match.relationship}, {match.source}"
                elif weak_tier is None:
                    weak_tier, weak_hs6 = match.tier, match.hs6
        return CodeInfo(
            raw=text,
            hs_version=version,
            code=code,
            hs6=hs6,
            hs2022=tuple(strong),
            links=tuple(links),
            weak_hs2022=tuple(weak),
            description=description,
            categories=categories,
            partial_categories=partial,
            fits=fits,
            chpl_tier=tier,
            chpl_hs6=chpl_hs6,
            chpl_link=chpl_link,
            weak_chpl_tier=weak_tier,
            weak_chpl_hs6=weak_hs6,
        )

    def _categories(
        self, code: str, hs6: str | None, strong: list[str]
    ) -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
        # HS prefixes are compared with the HS2022 equivalents; a code shorter than six digits
        # (an HS4 trade flow) with itself; national prefixes with the code as declared.
        targets = strong if hs6 is not None else [code]
        categories: dict[str, str] = {}
        partial: dict[str, str] = {}
        fits: set[str] = set()
        for category in self._text_categories:
            why = _member(category.codes, code, targets)
            if why is not None:
                categories[category.id] = why
                fits.add(category.id)
                continue
            if _member(category.compatible, code, targets) is not None:
                fits.add(category.id)
            if hs6 is None:
                inside = [p for p in category.codes if p.startswith(code) and len(p) > len(code)]
                if inside:
                    partial[category.id] = (
                        f"{dotted(code)} contains {', '.join(dotted(p) for p in inside[:4])}"
                    )
        return categories, partial, frozenset(fits)


def _member(prefixes: tuple[str, ...], code: str, targets: list[str]) -> str | None:
    for prefix in prefixes:
        if len(prefix) > 6:
            if code.startswith(prefix):
                return f"national code {dotted(prefix)}"
            continue
        for target in targets:
            if target.startswith(prefix):
                return dotted(prefix) if target == code[: len(target)] else f"{dotted(prefix)} via {target}"
    return None


def tier_rank(tier: str | None) -> int:
    """Sort key: tier 1 first, no tier last."""
    return TIERS.index(tier) if tier in TIERS else len(TIERS)
