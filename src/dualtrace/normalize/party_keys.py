"""The key of a shipment counterparty as written: its name (case and spaces folded), country and id.

Screening links a party to list entries by this key, and party resolution groups records by it,
so both must compute it the same way; likewise which of those links (``party_links``) count as a
strong hit.
"""

from __future__ import annotations

import hashlib

__all__ = ["STRONG_HIT", "party_key"]

# A party_links score from which a hit not dismissed counts as strong: screening reports it as a
# sanctioned counterparty and network resolution joins the party to the listed entity.
STRONG_HIT = 0.9


def party_key(name: str, country: str | None, party_id: str | None) -> str:
    text = "|".join([" ".join(name.split()).upper(), country or "", (party_id or "").strip().upper()])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
