"""Union-find with cannot-link constraints: the clusters of party resolution.

Each record may carry *constraints*: ``{scheme: {values}}``. Two clusters cannot be joined when
they hold values of one scheme and those value sets are disjoint. Strong ids are constraints
(two INNs mean two companies), and so are analysts' splits (the two sides of a split carry
``split:<n>`` = ``a`` / ``b``), dismissed screening hits and the Person / organisation divide.
Every successful union is kept with the reason it was made (the merge evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Clusters", "Union"]

Constraints = dict[str, frozenset[str]]


# (a record, b record, rule, detail, probability, match weight, features)
Union = tuple[int, int, str, str | None, float | None, float | None, str | None]


@dataclass
class Clusters:
    size: int
    parent: list[int] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    constraints: dict[int, Constraints] = field(default_factory=dict)
    unions: list[Union] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self) -> None:
        self.parent = list(range(self.size))
        self.rank = [0] * self.size

    def constrain(self, record: int, scheme: str, values: Iterable[str]) -> None:
        root = self.find(record)
        current = dict(self.constraints.get(root, {}))
        current[scheme] = current.get(scheme, frozenset()) | frozenset(values)
        self.constraints[root] = current

    def set_constraints(self, record: int, constraints: Constraints) -> None:
        """Constraints of a record not yet joined to anything (the mapping may be shared)."""
        self.constraints[record] = constraints

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def conflict(self, ra: int, rb: int) -> str | None:
        ca = self.constraints.get(ra)
        cb = self.constraints.get(rb)
        if not ca or not cb:
            return None
        small, big = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
        for scheme, values in small.items():
            other = big.get(scheme)
            if other is not None and values.isdisjoint(other):
                return scheme
        return None

    def union(
        self,
        a: int,
        b: int,
        rule: str,
        detail: str | None = None,
        score: float | None = None,
        weight: float | None = None,
        features: str | None = None,
        *,
        check: bool = True,
    ) -> bool:
        """Join the clusters of a and b unless a constraint forbids it; keep the evidence."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if check and self.conflict(ra, rb) is not None:
            self.refused += 1
            return False
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1
        cb = self.constraints.pop(rb, None)
        if cb:
            ca = self.constraints.get(ra)
            if not ca:
                self.constraints[ra] = cb
            else:
                merged = dict(ca)
                for scheme, values in cb.items():
                    merged[scheme] = merged.get(scheme, frozenset()) | values
                self.constraints[ra] = merged
        self.unions.append((a, b, rule, detail, score, weight, features))
        return True

    def roots(self) -> list[int]:
        return [self.find(i) for i in range(self.size)]
