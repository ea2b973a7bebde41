"""The key of a shipment counterparty as written: its name (case and spaces folded), country and id.

Screening links a party to list entries by this key, and party resolution groups records by it,
so both must compute it the same way.
"""

from __future__ import annotations

import hashlib

__all__ = ["party_key"]


def party_key(name: str, country: str | None, party_id: str | None) -> str:
    text = "|".join([" ".join(name.split()).upper(), country or "", (party_id or "").strip().upper()])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
