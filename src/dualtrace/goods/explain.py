"""``dualtrace goods explain CODE``: what a code is and why it is or is not watched."""

from __future__ import annotations

from typing import Any

from dualtrace.errors import InputError
from dualtrace.goods.catalogue import Catalogue
from dualtrace.goods.codes import CodeResolver, dotted
from dualtrace.goods.rules import judge
from dualtrace.goods.text import Analyzer
from dualtrace.reference import CorrelationTable, describe
from dualtrace.reference.correlation import HS_VERSIONS

__all__ = ["explain"]


def explain(
    code: str,
    catalogue: Catalogue,
    *,
    hs_version: str = "HS2022",
    text: str | None = None,
    table: CorrelationTable | None = None,
) -> dict[str, Any]:
    """A record that says, in words, what ``code`` is; with ``text``, what the rules say of it."""
    if hs_version not in HS_VERSIONS:
        raise InputError(f"unknown HS edition {hs_version!r}; use one of {', '.join(HS_VERSIONS)}")
    resolver = CodeResolver(catalogue, table)
    info = resolver.resolve(code, hs_version)
    if info.code is None:
        raise InputError(f"{code!r} is not an HS code (2 to 10 digits, dots and spaces allowed)")
    found = describe(info.hs2022[0] if info.hs2022 else info.code)
    chain = [f"{dotted(e.code)} {e.description}" for e in found.chain] if found else []
    why: list[str] = []
    for category_id, reason in info.categories.items():
        category = catalogue[category_id]
        why.append(f"{category.id}: {category.label} (risk {category.risk}; code {reason})")
    for category_id, reason in info.partial_categories.items():
        why.append(f"partly {category_id}: {reason}")
    if info.chpl_tier:
        why.append(f"CHPL tier {info.chpl_tier}: corresponds to {dotted(info.chpl_hs6)} ({info.chpl_link})")
    if info.weak_chpl_tier:
        why.append(
            f"not counted: an official n:n correlation group across headings ties it to CHPL "
            f"{dotted(info.weak_chpl_hs6)} (tier {info.weak_chpl_tier})"
        )
    if not info.categories and not info.chpl_tier:
        why.append("not watched: the code is in no watch category and not on the CHPL")
    fits = sorted(info.fits - set(info.categories))
    record: dict[str, Any] = {
        "code": info.code,
        "dotted": dotted(info.code),
        "hs_version": info.hs_version,
        "hs6": info.hs6,
        "hs2022": list(info.hs2022),
        "correlation": list(info.links),
        "description": info.description,
        "nomenclature": chain,
        "watched": bool(info.categories or info.chpl_tier),
        "categories": list(info.categories),
        "chpl_tier": info.chpl_tier,
        "why": why,
        "fits_described_goods": fits,
    }
    if text is not None:
        analysis = Analyzer(catalogue).analyze(text)
        verdict = judge(info, analysis, catalogue)
        record.update(
            {
                "text": text,
                "normalized": analysis.normalized,
                "text_categories": {k: list(v) for k, v in analysis.categories.items()},
                "claims": {k: list(v) for k, v in analysis.claims.items()},
                "vague": analysis.vague,
                "line_categories": list(verdict.categories),
                "mismatch": verdict.mismatch,
                "flags": [flag.kind for flag in verdict.flags],
                "reasons": [flag.reason for flag in verdict.flags],
            }
        )
    return record
