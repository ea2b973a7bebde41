"""Compose the one SELECT that reads a source, parses every mapped column and explains failures.

The query is built in layers so that each parsed value is computed once:
  raw    the source row plus, per canonical column, its trimmed (and recoded) text
  typed  parsed values and per-column reasons; countries and currencies resolved by joins
  final  derived columns (hs6, freq, hs_version, value_usd), the combined reason, and for failed
         rows a re-creation of the source line for quarantine
"""

from __future__ import annotations

from dataclasses import dataclass

from dualtrace.ingest import expressions as ex
from dualtrace.ingest.expressions import Parsed, ident, lit
from dualtrace.ingest.mapping import Mapping
from dualtrace.ingest.readers import quote_field
from dualtrace.warehouse.facts import ERROR_COLUMN, RAW_COLUMN, STORED_LINE_COLUMN
from dualtrace.warehouse.schema import Column, Kind

ALIASES_TABLE = "_dt_country_aliases"
CURRENCY_TABLE = "_dt_currency_aliases"
RATES_TABLE = "_dt_rates"


@dataclass
class SourceShape:
    relation: str
    header: list[str]
    overflow: list[str]  # spare columns that fill when a row has too many fields
    short_rows_detectable: bool  # padded fields read as NULL (CSV), not as empty cells
    delimiter: str
    line_column: str | None  # a column with exact line numbers, if the reader has one


def _r(name: str) -> str:
    return ident(f"r__{name}")


def _v(name: str) -> str:
    return ident(f"v__{name}")


def _e(name: str) -> str:
    return ident(f"e__{name}")


def _recode(expr: str, recodings: dict[str, str]) -> str:
    if not recodings:
        return expr
    cases = " ".join(f"WHEN {lit(k.strip().upper())} THEN {lit(v)}" for k, v in recodings.items())
    return f"NULLIF(CASE upper({expr}) {cases} ELSE {expr} END, '')"


def raw_expression(mapping: Mapping, canonical: str) -> str | None:
    """Trimmed text of a canonical column: from the source column or the constant."""
    if canonical in mapping.columns:
        column = f"src.{ident(mapping.columns[canonical])}"
        # trim() copies every string; most values need none, so test the ends first.
        text = (
            f"CASE WHEN {column} = '' THEN NULL "
            f"WHEN starts_with({column}, ' ') OR ends_with({column}, ' ') THEN NULLIF(trim({column}), '') "
            f"ELSE {column} END"
        )
        return _recode(text, mapping.values.get(canonical, {}))
    if canonical in mapping.constants:
        constant = lit(mapping.constants[canonical].strip())
        return f"NULLIF({_recode(constant, mapping.values.get(canonical, {}))}, '')"
    return None


def parse_column(kind: Kind, raw: str, name: str, mapping: Mapping, decimal: str, hs_min: int) -> Parsed:
    options = mapping.options
    if kind is Kind.TEXT:
        return ex.text(raw)
    if kind is Kind.INTEGER:
        return ex.integer(raw, name)
    if kind is Kind.NUMBER:
        return ex.number(raw, name, decimal)
    if kind is Kind.MONEY:
        return ex.number(raw, name, decimal, money=True)
    if kind is Kind.DATE:
        return ex.date(raw, name, options.date_format)
    if kind is Kind.PERIOD:
        return ex.period(raw, name)
    if kind is Kind.FREQ:
        return ex.freq(raw, name)
    if kind is Kind.FLOW:
        return ex.flow(raw, name)
    if kind is Kind.DIRECTION:
        return ex.direction(raw, name)
    if kind is Kind.HS_CODE:
        return ex.hs_code(raw, name, hs_min, allow_total=mapping.table.name == "trade_flows")
    if kind is Kind.HS_VERSION:
        return ex.hs_version(raw, name)
    if kind is Kind.CURRENCY:
        return ex.currency(raw, name, ident("j__" + name))
    raise ValueError(f"no parser for {kind}")


def build_select(mapping: Mapping, shape: SourceShape, *, decimal: str, has_rates: bool) -> str:
    """One SELECT that reads the file's text columns and yields the typed fact row, its error
    (NULL for a good row) and, for a bad row, the raw line rebuilt; built in layers, each
    selecting from the one before."""
    table = mapping.table
    stored = [c for c in table.columns if c.name not in ("source_id", "source_line")]
    mapped = [c for c in stored if c.kind is not Kind.DERIVED and raw_expression(mapping, c.name) is not None]
    layer = _lookup_layer(mapped, _raw_layer(mapping, stored, shape))
    parsed_columns = _parsed_columns(mapping, mapped, decimal)
    layer = _step_layers(parsed_columns, layer)
    layer_typed, reasons, date_source = _typed_layer(mapped, parsed_columns, layer)
    given = set(mapping.columns) | set(mapping.constants)
    final_cols, final_joins = _final_columns(mapping, shape, stored, given, has_rates, date_source)
    error = _error_expression(mapping, shape, given, reasons)
    outputs = [f"{ident('o__' + c.name)} AS {ident(c.name)}" for c in stored]
    if shape.line_column:
        outputs.append(f"{ident(shape.line_column)} AS {STORED_LINE_COLUMN}")
    layer_final = (
        f"SELECT typed.*, {', '.join(final_cols)}, {error} AS {ERROR_COLUMN} "
        f"FROM ({layer_typed}) AS typed {' '.join(final_joins)}"
    )
    return (
        f"SELECT {', '.join(outputs)}, {ERROR_COLUMN}, "
        f"CASE WHEN {ERROR_COLUMN} IS NOT NULL THEN {_raw_line(shape)} END AS {RAW_COLUMN} "
        f"FROM ({layer_final}) AS final"
    )


def _raw_layer(mapping: Mapping, stored: list[Column], shape: SourceShape) -> str:
    """Layer 1: raw text per canonical column."""
    raw_cols: list[str] = []
    for column in stored:
        raw = raw_expression(mapping, column.name)
        if raw is not None:
            raw_cols.append(f"{raw} AS {_r(column.name)}")
    return f"SELECT src.*, {', '.join(raw_cols)} FROM {shape.relation} AS src"


def _lookup_layer(mapped: list[Column], layer_raw: str) -> str:
    """Layer 2: lookups (countries, currencies) as joined columns."""
    join_cols: list[str] = []
    joins: list[str] = []
    for column in mapped:
        raw_ref = _r(column.name)
        if column.kind is Kind.COUNTRY:
            alias = ident(f"c__{column.name}")
            joins.append(f"LEFT JOIN {ALIASES_TABLE} AS {alias} ON {alias}.alias = {ex.country_key(raw_ref)}")
            join_cols.append(f"{alias}.iso3 AS {ident('j__' + column.name)}")
        elif column.kind is Kind.CURRENCY:
            joins.append(f"LEFT JOIN {CURRENCY_TABLE} AS cur ON cur.alias = upper({raw_ref})")
            join_cols.append(f"cur.code AS {ident('j__' + column.name)}")
    return f"SELECT raw.*{''.join(', ' + c for c in join_cols)} FROM ({layer_raw}) AS raw {' '.join(joins)}"


def _parsed_columns(mapping: Mapping, mapped: list[Column], decimal: str) -> dict[str, Parsed]:
    """Each mapped column's parsed value and reason (a country's comes from its lookup)."""
    parsed_columns: dict[str, Parsed] = {}
    for column in mapped:
        raw_ref = _r(column.name)
        if column.kind is Kind.COUNTRY:
            value = ident("j__" + column.name)
            missing = f"{lit(column.name + ': missing')}" if column.required else "NULL"
            error = (
                f"CASE WHEN {raw_ref} IS NULL THEN {missing} WHEN {value} IS NULL "
                f"THEN {lit(column.name + ': unknown country ')} || quote_raw({raw_ref}) END"
            )
            parsed_columns[column.name] = Parsed(value, error)
        else:
            parsed_columns[column.name] = parse_column(
                column.kind, raw_ref, column.name, mapping, decimal, mapping.table.hs_min_digits
            )
    return parsed_columns


def _step_layers(parsed_columns: dict[str, Parsed], layer: str) -> str:
    """Layer 3: the intermediate steps each parser asks for, one layer per step depth."""
    depth = max((len(p.lets) for p in parsed_columns.values()), default=0)
    for level in range(depth):
        steps = [
            f"{expr} AS {ident(alias)}"
            for p in parsed_columns.values()
            if level < len(p.lets)
            for alias, expr in [p.lets[level]]
        ]
        layer = f"SELECT step.*, {', '.join(steps)} FROM ({layer}) AS step"
    return layer


def _typed_layer(
    mapped: list[Column], parsed_columns: dict[str, Parsed], layer: str
) -> tuple[str, list[str], str | None]:
    """The parsed values and reasons as columns: (the layer, its reason columns, the date column)."""
    typed_cols: list[str] = []
    reasons: list[str] = []
    date_source: str | None = None
    for column in mapped:
        parsed = parsed_columns[column.name]
        typed_cols.append(f"{parsed.value} AS {_v(column.name)}")
        if parsed.error:
            typed_cols.append(f"{parsed.error} AS {_e(column.name)}")
            reasons.append(f"typed.{_e(column.name)}")
        for extra_name, extra_expr in parsed.extra.items():
            typed_cols.append(f"{extra_expr} AS {ident('x__' + extra_name)}")
        if column.kind in (Kind.DATE, Kind.PERIOD):
            date_source = f"typed.{_v(column.name)}"
    return f"SELECT step.*, {', '.join(typed_cols)} FROM ({layer}) AS step", reasons, date_source


def _final_columns(
    mapping: Mapping,
    shape: SourceShape,
    stored: list[Column],
    given: set[str],
    has_rates: bool,
    date_source: str | None,
) -> tuple[list[str], list[str]]:
    """Last layer: every stored column, given or derived, and the joins the derived ones need."""
    final_cols: list[str] = []
    final_joins: list[str] = []
    for column in stored:
        name = column.name
        if name == "hs6":
            expr = ex.hs6_of(f"typed.{_v('hs_code')}")
        elif name == "freq" and name not in given:
            expr = f"typed.{ident('x__freq')}"
        elif name == "hs_version" and name not in given:
            expr = ex.hs_version_for(date_source) if date_source else "NULL"
        elif name == "value_usd" and name not in given:
            expr = _value_usd(given, has_rates, date_source, final_joins)
        elif name == "extra":
            expr = _extra(mapping, shape)
        elif name in given:
            expr = f"typed.{_v(name)}"
        else:
            expr = "NULL"
        final_cols.append(f"{expr} AS {ident('o__' + name)}")
    return final_cols, final_joins


def _error_expression(mapping: Mapping, shape: SourceShape, given: set[str], reasons: list[str]) -> str:
    """A row's error: its structure, then the mapping's filters, then every column's reason."""
    structure = _structure_check(shape)
    filters = _filters(mapping, shape)
    measures = [m for m in mapping.table.measures if m in given]
    no_measure = (
        "CASE WHEN "
        + " AND ".join(f"typed.{_v(m)} IS NULL" for m in measures)
        + f" THEN {lit('no ' + ', '.join(measures) + ': nothing to load')} END"
    )
    all_reasons = [*reasons, no_measure]
    # Most rows have no reason at all: test that before building the joined text.
    combined = (
        f"CASE WHEN {' AND '.join(f'{r} IS NULL' for r in all_reasons)} THEN NULL "
        f"ELSE concat_ws('; ', {', '.join(all_reasons)}) END"
    )
    return f"COALESCE({structure}, {filters}, {combined})"


def _raw_line(shape: SourceShape) -> str:
    """The record's line rebuilt from its fields, for the quarantine."""
    fields = [quote_field(c, shape.delimiter) for c in [*shape.header, *shape.overflow]]
    reconstruct = f" || {lit(shape.delimiter)} || ".join(f"({f})" for f in fields)
    # The spare overflow columns add empty trailing fields: trim them off again.
    return f"rtrim({reconstruct}, {lit(shape.delimiter)})"


def _structure_check(shape: SourceShape) -> str:
    checks: list[str] = []
    if shape.short_rows_detectable and shape.header:
        present = " + ".join(f"(typed.{ident(c)} IS NOT NULL)::INTEGER" for c in shape.header)
        checks.append(
            f"WHEN typed.{ident(shape.header[-1])} IS NULL THEN 'malformed row: ' || ({present}) "
            f"|| ' fields, the header has {len(shape.header)}'"
        )
    if shape.overflow:
        checks.append(
            f"WHEN typed.{ident(shape.overflow[0])} IS NOT NULL "
            f"THEN 'malformed row: more fields than the header has ({len(shape.header)})'"
        )
    return f"CASE {' '.join(checks)} END" if checks else "NULL"


def _filters(mapping: Mapping, shape: SourceShape) -> str:
    checks = []
    for source, keep in mapping.filters.items():
        if source not in shape.header:
            continue
        col = f"typed.{ident(source)}"
        kept = lit(f" (kept: {', '.join(keep)})")
        checks.append(
            f"WHEN trim({col}) NOT IN ({', '.join(lit(v) for v in keep)}) "
            f"THEN {lit(f'skipped by the layout filter: {source} = ')} || quote_raw(trim({col})) "
            f"|| {kept}"
        )
    return f"CASE {' '.join(checks)} END" if checks else "NULL"


def _value_usd(given: set[str], has_rates: bool, date_source: str | None, joins: list[str]) -> str:
    if "value" not in given:
        return "NULL"
    value, currency = f"typed.{_v('value')}", f"typed.{_v('currency')}"
    if not has_rates or date_source is None:
        return f"CASE WHEN {currency} = 'USD' THEN {value} END"
    joins.append(
        f"LEFT JOIN {RATES_TABLE} AS rate_m ON rate_m.currency = {currency} AND rate_m.freq = 'M'"
        f" AND rate_m.period = date_trunc('month', {date_source})::DATE"
    )
    joins.append(
        f"LEFT JOIN {RATES_TABLE} AS rate_a ON rate_a.currency = {currency} AND rate_a.freq = 'A'"
        f" AND rate_a.period = date_trunc('year', {date_source})::DATE"
    )
    rate = "COALESCE(rate_m.usd_per_unit, rate_a.usd_per_unit)"
    return f"CASE WHEN {currency} = 'USD' THEN {value} ELSE CAST({value} * {rate} AS DECIMAL(18, 4)) END"


def _extra(mapping: Mapping, shape: SourceShape) -> str:
    keep = mapping.options.keep_extra
    if keep == "all":
        mapped = set(mapping.columns.values())
        names = [c for c in shape.header if c not in mapped]
    elif isinstance(keep, list):
        names = keep
    else:
        names = []
    if not names:
        return "NULL::JSON"
    pairs = ", ".join(f"{lit(n)}, typed.{ident(n)}" for n in names)
    return f"json_object({pairs})"
