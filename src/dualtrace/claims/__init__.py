"""Claims: a statement about a trade figure, as a structured claim, checked against the warehouse.

    >>> claim = parse_sentence("EU exports to Kyrgyzstan rose tenfold from 2021 to 2023", vocab)
    >>> check(con, claim).verdict
    'supported'

``model`` holds the claim and the check result, ``figures`` the stated figure and its tolerance,
``parser`` the rule-based English grammar, ``evaluate`` the SQL and the verdict.
"""

from __future__ import annotations

from dualtrace.claims.evaluate import check, check_all
from dualtrace.claims.model import Check, Claim, Figure, Goods, Period
from dualtrace.claims.parser import parse_sentence
from dualtrace.claims.records import claim_from_dict, claims_from_yaml
from dualtrace.claims.vocab import GoodsWord, Vocab

__all__ = [
    "Check",
    "Claim",
    "Figure",
    "Goods",
    "GoodsWord",
    "Period",
    "Vocab",
    "check",
    "check_all",
    "claim_from_dict",
    "claims_from_yaml",
    "parse_sentence",
]
