"""Claims: statements about trade figures, parsed and checked against the warehouse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.claims import store
from dualtrace.claims.evaluate import check_all
from dualtrace.claims.inputs import claims_from
from dualtrace.claims.model import Check, Claim
from dualtrace.claims.vocab import GoodsWord, Vocab, build_vocab
from dualtrace.goods.catalogue import Catalogue, catalogue_for


def category_words(catalogue: Catalogue) -> list[GoodsWord]:
    """The watch categories' English terms and ids as goods phrases ("chips", "machine tools")."""
    found = []
    for category in catalogue.categories:
        if not category.codes:
            continue  # text-only categories (airsoft, thermal imaging) name no codes to sum
        label = f"{category.label} ({category.id})"
        phrases = [category.id.replace("_", " ")]
        phrases += [t.rstrip("*") for t in category.terms.get("en", ()) if not t.startswith("re:")]
        found += [GoodsWord(p, category.codes, label, "category") for p in phrases if len(p) > 2]
    return found


def claims_vocab(categories: Sequence[PathLike] | None = None) -> Vocab:
    return build_vocab(category_words(catalogue_for([str(c) for c in categories or []])))


class ClaimsMixin(SessionBase):
    def claims_parse(
        self,
        items: Iterable[str | PathLike | dict[str, Any] | Claim],
        categories: Sequence[PathLike] | None = None,
    ) -> list[Claim]:
        """The structured claims of sentences, .txt/.yaml files or records (no warehouse needed)."""
        return claims_from(items, claims_vocab(categories))

    def check_claims(
        self,
        items: Iterable[str | PathLike | dict[str, Any] | Claim],
        categories: Sequence[PathLike] | None = None,
        *,
        save: bool = True,
    ) -> list[Check]:
        """Each claim's verdict (supported / contradicted / not enough data) with its evidence;
        stored for the report unless ``save=False`` (or the warehouse is opened read-only)."""
        checks = check_all(self.con, self.claims_parse(items, categories))
        if save and not self.read_only:
            store.save(self.con, checks)
        return checks

    def claims_stored(self) -> list[dict[str, Any]]:
        """The checks stored in the warehouse (the report's claims section)."""
        return store.stored(self.con)

    claims_check = check_claims  # the CLI's name
