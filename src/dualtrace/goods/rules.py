"""Mismatch rules: a declared code against what its description says, with reasons in words.

Four rules (the fourth, unit value, needs the other lines of the same code and lives in
``unit_values``):

``described_as_other_goods``
    The description names goods of a watched category (body armor, drones, CNC machine tools...)
    but the declared code is neither that category's code nor one where such goods are properly
    declared: ballistic vests under garments, "airsoft" helmets under toys.
``vague_description``
    The code is controlled (CHPL, or a high/medium-risk category) but the description is empty
    or generic ("parts", "запчасти", "electronic components", "配件") and hides what is shipped.
``use_claim``
    The description claims an airsoft, toy, sporting, hunting or civilian use for military-use
    goods (from the code or the text), unless the category's own code covers that use (hunting
    guns and their powder).
"""

from __future__ import annotations

from dataclasses import dataclass

from dualtrace.goods.catalogue import Catalogue
from dualtrace.goods.codes import CodeInfo, dotted, tier_rank
from dualtrace.goods.text import TextAnalysis

__all__ = [
    "DESCRIBED_AS_OTHER",
    "FLAG_KINDS",
    "UNIT_VALUE",
    "USE_CLAIM",
    "VAGUE",
    "Flag",
    "Verdict",
    "judge",
]

DESCRIBED_AS_OTHER = "described_as_other_goods"
VAGUE = "vague_description"
USE_CLAIM = "use_claim"
UNIT_VALUE = "unit_value"
FLAG_KINDS = (DESCRIBED_AS_OTHER, USE_CLAIM, VAGUE, UNIT_VALUE)
_RISK_SCORE = {"high": 0.7, "medium": 0.5, "watch": 0.25}


@dataclass(frozen=True)
class Flag:
    kind: str
    category: str | None
    terms: tuple[str, ...]
    reason: str
    weight: float


@dataclass(frozen=True)
class Verdict:
    """Everything the rules say about one (code, description) pair."""

    categories: tuple[str, ...]
    code_categories: tuple[str, ...]
    text_categories: tuple[str, ...]
    chpl_tier: str | None
    terms: tuple[str, ...]
    claims: tuple[str, ...]
    flags: tuple[Flag, ...]
    risk: float

    @property
    def mismatch(self) -> bool:
        return bool(self.flags)

    @property
    def described_as_other(self) -> bool:
        return any(flag.kind == DESCRIBED_AS_OTHER for flag in self.flags)


def _quote(words: tuple[str, ...], limit: int = 4) -> str:
    return ", ".join(f'"{word}"' for word in words[:limit])


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def judge(code: CodeInfo, text: TextAnalysis, catalogue: Catalogue) -> Verdict:
    code_categories = tuple(code.categories)
    text_categories = tuple(text.categories)
    found = set(code.categories) | set(text.categories)
    categories = tuple(sorted(found, key=catalogue.order)) if found else ()
    flags: list[Flag] = []
    code_label = code.label if code.code else f'"{code.raw}" (not an HS code)'

    # 1. the description names goods the code does not cover
    if code.code is not None:
        for category_id, words in text.categories.items():
            category = catalogue[category_id]
            if not category.text_mismatch or category_id in code.fits:
                continue
            weight = 0.9 if category.military_use else 0.75 if category.risk == "high" else 0.65
            flags.append(
                Flag(
                    DESCRIBED_AS_OTHER,
                    category_id,
                    words,
                    f"description names {category.label.lower()} ({_quote(words)}) but it is declared as "
                    f"{code_label}, not a code for such goods",
                    weight,
                )
            )

    # 2. a controlled code with a description that says nothing
    if text.vague:
        # the category that says most first: CHPL tiers after the named ones
        controlled = sorted(
            (c for c in code.categories if catalogue[c].controlled),
            key=lambda c: catalogue[c].chpl_tier is not None,
        )
        if controlled:
            labels = "; ".join(catalogue[c].label for c in controlled[:3])
            said = "an empty description" if text.empty else f'the description "{_short(text.description)}"'
            generic = f" is generic ({_quote(text.generic_terms)})" if text.generic_terms else ""
            flags.append(
                Flag(
                    VAGUE,
                    controlled[0],
                    text.generic_terms,
                    f"{dotted(code.code)} is watched ({labels}) but {said}{generic} and does not say "
                    "what the goods are",
                    0.65 if code.chpl_tier in ("1", "2") else 0.6,
                )
            )

    # 3. a sporting, toy or civilian claim for military-use goods
    military = [c for c in categories if catalogue[c].military_use]
    for claim_id, words in text.claims.items():
        for category_id in military:
            category = catalogue[category_id]
            if claim_id in category.claims_ok:
                continue
            claim = next((c.label for c in catalogue.claims if c.id == claim_id), claim_id)
            flags.append(
                Flag(
                    USE_CLAIM,
                    category_id,
                    words,
                    f"description claims {claim} use ({_quote(words)}) for {category.label.lower()}, "
                    "military-use goods",
                    0.75,
                )
            )
            break  # one flag per claim is enough

    base = max((_RISK_SCORE[catalogue[c].risk] for c in categories), default=0.0)
    risk = max([base, *(flag.weight for flag in flags)])
    return Verdict(
        categories=categories,
        code_categories=code_categories,
        text_categories=text_categories,
        chpl_tier=code.chpl_tier,
        terms=text.terms(),
        claims=tuple(text.claims),
        flags=tuple(sorted(flags, key=lambda f: -f.weight)),
        risk=round(risk, 3),
    )


def best_tier(tiers: list[str | None]) -> str | None:
    return min(tiers, key=tier_rank) if tiers else None
