"""A mapping proposed for a trade file that no built-in layout recognises.

Column names suggest a role (data/column_names.yaml); the values confirm it: a reporter or
partner column must hold country names or codes, an HS column codes, a period column periods,
a value column numbers, each parsed by the same expressions the loader uses. Anything that
cannot be settled this way (no currency, no flow) is a problem the user must answer, never a
guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dualtrace.ingest import expressions as ex
from dualtrace.ingest.readers import Source
from dualtrace.reference import currencies
from dualtrace.reference.countries import resolve_many

SAMPLE_ROWS = 2000
# Share of sampled non-blank values that must parse for a column to take a role. Countries are
# lower: statistics files mix countries with aggregates ("Euro area", "Extra-EU").
MIN_PARSED = {"reporter": 0.5, "partner": 0.5}
MIN_PARSED_DEFAULT = 0.9
COUNTRY_ROLES = ("reporter", "partner")
# Roles the loader needs before a file can load; value/net_kg/qty: at least one.
REQUIRED = ("reporter", "partner", "hs_code", "period", "flow")
MEASURES = ("value", "net_kg", "qty")


@dataclass(frozen=True)
class _Vocabulary:
    names: dict[str, tuple[str, ...]]
    flow_words: dict[str, tuple[str, ...]]


@cache
def _vocabulary() -> _Vocabulary:
    text = resources.files(__package__).joinpath("data/column_names.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return _Vocabulary(
        names={role: tuple(names) for role, names in data["trade_flows"].items()},
        flow_words={flow: tuple(words) for flow, words in data["flow_words"].items()},
    )


def name_key(column: str) -> str:
    return re.sub(r"[^0-9a-z]", "", column.lower())


@dataclass
class Inference:
    """A proposed mapping (as a YAML mapping file holds it), why, and what is still unknown."""

    file: str
    spec: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.problems

    def yaml(self) -> str:
        """The mapping file a user can edit, with the reasons as comments."""
        lines = [f"# Mapping inferred by dualtrace for {self.file}; check it, edit it, then load with"]
        lines.append(f"#   dualtrace ingest trade {self.file} --mapping THIS_FILE.yaml")
        lines += [f"# {reason}" for reason in self.reasons]
        lines += [f"# TODO: {problem}" for problem in self.problems]
        return "\n".join(lines) + "\n" + yaml.safe_dump(self.spec, sort_keys=False, allow_unicode=True)


def _candidates(header: list[str]) -> dict[str, list[str]]:
    """For each role, the header columns whose name suggests it, best first (exact name, then
    a name that starts with one of the role's words, such as reporter_name)."""
    keys = {column: name_key(column) for column in header}
    found: dict[str, list[str]] = {}
    for role, names in _vocabulary().names.items():
        exact = [c for name in names for c, k in keys.items() if k == name]
        prefixed = [
            c
            for name in names
            if len(name) >= 4
            for c, k in keys.items()
            if k.startswith(name) and c not in exact
        ]
        found[role] = list(dict.fromkeys(exact + prefixed))
    return found


def _share_parsed(con: duckdb.DuckDBPyConnection, source: Source, column: str, role: str) -> float | None:
    """Share of the sampled non-blank values of `column` that parse as `role` (None: all blank)."""
    raw = f"nullif(trim({ex.ident(column)}), '')"
    sample = f"SELECT {ex.ident(column)} FROM {source.relation()} LIMIT {SAMPLE_ROWS}"
    if role in COUNTRY_ROLES:
        rows = con.execute(f"SELECT DISTINCT {raw} AS v FROM ({sample}) WHERE {raw} IS NOT NULL").fetchall()
        values = [str(r[0]) for r in rows]
        if not values:
            return None
        resolved = resolve_many(values)
        return sum(1 for v in values if resolved[v]) / len(values)
    if role == "hs_code":
        parsed = ex.hs_code(raw, column, 2, allow_total=True).inlined().value
    elif role == "period":
        parsed = ex.period(raw, column).inlined().value
    elif role == "flow":
        parsed = ex.flow(raw, column).inlined().value
    elif role == "currency":
        parsed = f"CASE WHEN upper({raw}) IN ({', '.join(ex.lit(c) for c in _currency_codes())}) THEN 1 END"
    elif role in ("value", "net_kg", "qty"):
        parsed = f"TRY_CAST(replace(replace({raw}, ' ', ''), ',', '') AS DOUBLE)"
    else:  # free text (qty_unit): any value will do
        parsed = raw
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE ({parsed}) IS NOT NULL), count({raw}) FROM ({sample})"
    ).fetchone()
    assert row is not None
    return float(row[0]) / row[1] if row[1] else None


@cache
def _currency_codes() -> tuple[str, ...]:
    return tuple(sorted({code for code in currencies.aliases().values() if len(code) == 3}))


def _currency_in_name(column: str) -> str | None:
    """EUR in value_eur or "Value (EUR)"; only a whole word counts."""
    codes = set(_currency_codes())
    words = [w.upper() for w in re.split(r"[^0-9A-Za-z]+", column) if w]
    words += [m.upper() for m in re.findall(r"in([a-z]{3})$", column.lower())]  # VALUE_IN_EUR, valueineur
    hits = [w for w in words if w in codes and w not in ("ALL", "VAL")]
    return hits[-1] if hits else None


def _flow_from_name(path: Path) -> str | None:
    words = set(re.split(r"[^0-9a-z]+", path.stem.lower()))
    flows = [flow for flow, names in _vocabulary().flow_words.items() if words & set(names)]
    return flows[0] if len(flows) == 1 else None


def infer_trade_mapping(con: duckdb.DuckDBPyConnection, source: Source) -> Inference:
    """Propose a trade_flows mapping for `source` from its column names and sampled values."""
    label = source.path.name
    inference = Inference(label, {"table": "trade_flows", "columns": {}, "constants": {}})
    columns: dict[str, str] = inference.spec["columns"]
    constants: dict[str, str] = inference.spec["constants"]
    taken: set[str] = set()
    for role, candidates in _candidates(source.header).items():
        for column in candidates:
            if column in taken:
                continue
            share = _share_parsed(con, source, column, role)
            if share is None:
                inference.reasons.append(f"{column} not taken as {role}: no values in the sample")
                continue
            if share >= MIN_PARSED.get(role, MIN_PARSED_DEFAULT):
                columns[role] = column
                taken.add(column)
                inference.reasons.append(
                    f"{column} -> {role}: its name, and {share:.0%} of sampled values parse"
                )
                break
            inference.reasons.append(
                f"{column} not taken as {role}: only {share:.0%} of sampled values parse"
            )

    if "flow" not in columns:
        flow = _flow_from_name(source.path)
        if flow:
            constants["flow"] = flow
            inference.reasons.append(
                f"flow {flow}: the file name says {'export' if flow == 'X' else 'import'}"
            )
    if "value" in columns and "currency" not in columns:
        code = _currency_in_name(columns["value"])
        if code:
            constants["currency"] = code
            inference.reasons.append(f"currency {code}: from the column name {columns['value']}")
        else:
            inference.problems.append(
                f"the currency of {columns['value']} is unknown: add constants: {{currency: EUR}} (or USD...)"
            )
    for role in REQUIRED:
        if role not in columns and role not in constants:
            inference.problems.append(
                f"no column found for {role}"
                + (": add constants: {flow: X} (exports) or {flow: M}" if role == "flow" else "")
            )
    if not any(m in columns for m in MEASURES):
        inference.problems.append(f"no measure column found ({', '.join(MEASURES)})")
    if not constants:
        del inference.spec["constants"]
    return inference
