"""Fictional sanctions and ownership files in the real official layouts.

- OFAC legacy CSV: ``sdn.csv``, ``alt.csv``, ``add.csv`` (no header, ``-0- `` for empty, CRLF,
  ASCII, a final Ctrl-Z byte, like the files OFAC publishes).
- EU journal CSV of Regulation 833/2014 (the 45 columns of the OpenSanctions ``eu_journal``
  export, Annex IV entries).
- OpenSanctions FollowTheMoney JSON lines: ``Company``, ``Person``, ``Ownership``, ``Sanction``.
- US DoD "1260H" CSV (OpenSanctions layout, with the ``Parent Name`` column).
- ``ownership.csv``: a user-supplied ownership table.

layouts, entries: what the files hold; ofac, eu, dod, ftm: each file's text; writing: the files
written and what truth.json records of them.
"""

from __future__ import annotations

from dualtrace.demo.scenario.lists.entries import LISTINGS
from dualtrace.demo.scenario.lists.writing import ListsResult, write

__all__ = ["LISTINGS", "ListsResult", "write"]
