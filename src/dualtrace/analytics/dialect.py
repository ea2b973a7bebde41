"""Where the engines' SQL differs, in one place (in the manner of Splink's dialects).

The analytics write their SQL once, in DuckDB's dialect: it is the warehouse's, and every
finding's evidence query must run there with ``dualtrace sql``. An engine that speaks another
dialect turns each query into its own with ``Dialect.translate``: sqlglot parses the DuckDB text
and every idiom whose meaning differs is rewritten by exactly one rule below, so a difference
found later is fixed here, never by string patches in the analytics.

What the rules cover (DuckDB -> Spark SQL):

- ``MATERIALIZED`` CTEs: a DuckDB planning hint; Spark plans shared subqueries itself.
- null ordering: DuckDB puts NULLs last in both directions, Spark first when ascending; every
  ORDER BY key (window ones included) gets an explicit ``NULLS LAST``.
- ``regexp_matches(s, p)`` (a search, not a full match) -> ``s RLIKE p`` (also a search).
- ``arg_max(a, v)`` -> ``max_by(a, v)``; ``* EXCLUDE (...)`` -> ``* EXCEPT (...)``;
  ``regexp_replace(..., 'g')`` -> Spark's, which always replaces every match.
- ``mode(x)`` (new parties' names): either engine returns any of the most frequent values on
  a tie; not yet made deterministic (docs/scale.md).
- division and logarithms: DuckDB gives IEEE infinities and NaN (1/0, ln(0)), Spark NULL with
  ANSI mode off (the session's setting, see engines.spark_session); the analytics add floors
  before every division and logarithm, so neither value reaches a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Dialect:
    """The name an engine's SQL is written in, and how DuckDB text becomes it."""

    name: str

    def translate(self, sql: str) -> str:
        if self.name == "duckdb":
            return sql
        return _translate(self.name, sql)


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def _no_materialized(tree: object) -> None:
    from sqlglot import exp

    assert isinstance(tree, exp.Expression)
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)


def _nulls_last(tree: object) -> None:
    """DuckDB's default (NULLS LAST both ways) written out, so Spark orders the same."""
    from sqlglot import exp

    assert isinstance(tree, exp.Expression)
    for ordered in tree.find_all(exp.Ordered):
        ordered.set("nulls_first", False)


@lru_cache(maxsize=4096)
def _translate(dialect: str, sql: str) -> str:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        _no_materialized(tree)
        _nulls_last(tree)
        # sqlglot's DuckDB->Spark generator already maps regexp_matches -> RLIKE,
        # arg_max -> MAX_BY, EXCLUDE -> EXCEPT and drops the 'g' flag of regexp_replace;
        # tests/analytics/test_dialect.py checks each of those on the text it writes.
        out.append(tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE))
    return ";\n".join(out)
