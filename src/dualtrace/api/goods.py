"""Goods: classify the warehouse or a file, explain a code, list the watch categories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.goods.catalogue import catalogue_for
from dualtrace.goods.classify import ClassifyReport, classify_warehouse
from dualtrace.goods.explain import explain
from dualtrace.goods.files import FileColumns, classify_file
from dualtrace.reference import builtin_table


class GoodsMixin(SessionBase):
    def classify(
        self,
        categories: Sequence[PathLike] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> ClassifyReport:
        """Tag every shipment and trade flow with its goods categories and mismatch flags;
        write controlled_goods and misdeclaration findings. Returns a ClassifyReport."""
        catalogue = catalogue_for(list(categories or []))
        return classify_warehouse(
            self.con, catalogue, progress=progress, params={"categories": [str(c) for c in categories or []]}
        )

    def goods_classify(
        self,
        path: PathLike,
        hs_column: str,
        text_column: str,
        *,
        hs_version: str = "HS2022",
        categories: Sequence[PathLike] | None = None,
        correlation: PathLike | None = None,
        encoding: str | None = None,
        **columns: str | None,
    ) -> list[dict[str, Any]]:
        """Classify the lines of a CSV file (no warehouse needed); every row with its tags.

        ``columns``: date, value, currency, value_usd, qty, unit, net_kg column names."""
        table = builtin_table().with_official(correlation) if correlation else None
        return classify_file(
            path,
            FileColumns(hs=hs_column, text=text_column, **columns),
            catalogue_for(list(categories or [])),
            hs_version=hs_version,
            table=table,
            encoding=encoding,
        )

    def goods_explain(
        self,
        code: str,
        *,
        hs_version: str = "HS2022",
        text: str | None = None,
        categories: Sequence[PathLike] | None = None,
        correlation: PathLike | None = None,
    ) -> dict[str, Any]:
        """What a code is, its categories and CHPL tier, and why it is or is not watched."""
        table = builtin_table().with_official(correlation) if correlation else None
        return explain(
            code, catalogue_for(list(categories or [])), hs_version=hs_version, text=text, table=table
        )

    def goods_categories(self, categories: Sequence[PathLike] | None = None) -> list[dict[str, Any]]:
        """The watch categories in force (shipped, plus user files)."""
        catalogue = catalogue_for(list(categories or []))
        return [
            {
                "id": c.id,
                "label": c.label,
                "risk": c.risk,
                "military_use": c.military_use,
                "chpl_tier": c.chpl_tier,
                "codes": len(c.codes),
                "terms": len(c.all_terms()),
                "source": c.source,
            }
            for c in catalogue.categories
        ]
