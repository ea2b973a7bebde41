"""Column mappings: how a source file's columns become a canonical table's columns.

A mapping is YAML that a user writes (or a built-in layout ships):

    table: trade_flows
    columns: {reporter: reporter, partner: partner, hs_code: cn8, period: month, value: value_eur}
    constants: {flow: X, currency: EUR, freq: M}
    values: {flow: {"1": M, "2": X}}
    filters: {motCode: ["0"]}          # keep only rows whose source column has these values
    options: {encoding: auto, delimiter: auto, decimal: auto, date_format: auto}
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualtrace import yamlfile
from dualtrace.errors import MappingError
from dualtrace.warehouse.schema import FACT_TABLES, FactTable, Kind

OPTION_DEFAULTS: dict[str, Any] = {
    "encoding": "auto",
    "delimiter": "auto",
    "quote": '"',
    "decimal": "auto",
    "date_format": "auto",
    "skip_rows": 0,
    "sheet": None,
    "keep_extra": [],
    "country_aliases": {},
}


@dataclass
class Options:
    encoding: str = "auto"
    delimiter: str = "auto"
    quote: str = '"'
    decimal: str = "auto"  # auto, "." or ","
    date_format: str = "auto"  # auto, or a strftime format
    skip_rows: int = 0
    sheet: str | None = None
    keep_extra: list[str] | str = field(default_factory=list)  # list of columns, or "all"
    country_aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class Mapping:
    table: FactTable
    columns: dict[str, str]
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    options: Options = field(default_factory=Options)
    name: str = "mapping"
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Built-in layouts tolerate filter columns a file lacks; user mappings do not.
    lenient_filters: bool = False

    def source_columns(self) -> list[str]:
        return list(self.columns.values())

    def check_against(self, header: list[str], file_label: str) -> None:
        """Every mapped source column must exist in the file (one-line error otherwise)."""
        for canonical, source in self.columns.items():
            if source not in header:
                hint = difflib.get_close_matches(source, header, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                shown = ", ".join(header[:30]) + (" ..." if len(header) > 30 else "")
                raise MappingError(
                    f"{self.name}: column {source!r} (for {canonical}) is not in {file_label}"
                    f"{suggestion}; its columns are: {shown}"
                )
        if not self.lenient_filters:
            for source in self.filters:
                if source not in header:
                    raise MappingError(f"{self.name}: filter column {source!r} is not in {file_label}")
        extra = self.options.keep_extra
        if isinstance(extra, list):
            for source in extra:
                if source not in header:
                    raise MappingError(f"{self.name}: keep_extra column {source!r} is not in {file_label}")


def _as_str_dict(value: Any, where: str, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{name}: '{where}' must be a mapping of names to values")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def from_dict(data: Any, name: str) -> Mapping:
    """Build and validate a mapping from parsed YAML."""
    if not isinstance(data, dict):
        raise MappingError(f"{name}: a mapping must be a YAML dictionary with 'table' and 'columns'")
    unknown_keys = set(data) - {"table", "columns", "constants", "values", "filters", "options"}
    if unknown_keys:
        raise MappingError(
            f"{name}: unknown key(s) {', '.join(sorted(unknown_keys))}; "
            "allowed: table, columns, constants, values, filters, options"
        )
    table_name = data.get("table")
    if table_name not in FACT_TABLES:
        raise MappingError(f"{name}: 'table' must be one of {', '.join(FACT_TABLES)} (got {table_name!r})")
    table = FACT_TABLES[table_name]
    columns = _as_str_dict(data.get("columns"), "columns", name)
    constants = _as_str_dict(data.get("constants"), "constants", name)
    values_raw = data.get("values") or {}
    if not isinstance(values_raw, dict):
        raise MappingError(f"{name}: 'values' must map a column to a dictionary of recodings")
    values = {str(k): _as_str_dict(v, f"values.{k}", name) for k, v in values_raw.items()}

    filters_raw = data.get("filters") or {}
    if not isinstance(filters_raw, dict) or not all(isinstance(v, list) for v in filters_raw.values()):
        raise MappingError(f"{name}: 'filters' must map a source column to a list of values to keep")
    filters = {str(k): [str(x) for x in v] for k, v in filters_raw.items()}

    options_raw = data.get("options") or {}
    if not isinstance(options_raw, dict):
        raise MappingError(f"{name}: 'options' must be a dictionary")
    unknown_options = set(options_raw) - set(OPTION_DEFAULTS)
    if unknown_options:
        raise MappingError(
            f"{name}: unknown option(s) {', '.join(sorted(unknown_options))}; "
            f"allowed: {', '.join(OPTION_DEFAULTS)}"
        )
    options = Options(**{**OPTION_DEFAULTS, **options_raw})
    if options.decimal not in ("auto", ".", ","):
        raise MappingError(f"{name}: option decimal must be auto, '.' or ',' (got {options.decimal!r})")
    if not isinstance(options.skip_rows, int) or options.skip_rows < 0:
        raise MappingError(f"{name}: option skip_rows must be a whole number >= 0")
    options.country_aliases = _as_str_dict(options.country_aliases, "options.country_aliases", name)

    mapping = Mapping(table, columns, constants, values, options, name, filters)
    _validate(mapping)
    return mapping


def _validate(mapping: Mapping) -> None:
    table, name = mapping.table, mapping.name
    mappable = table.mappable
    for canonical in [*mapping.columns, *mapping.constants, *mapping.values]:
        if canonical not in mappable:
            hint = difflib.get_close_matches(canonical, mappable, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise MappingError(
                f"{name}: {canonical!r} is not a column of {table.name}{suggestion}; "
                f"columns are: {', '.join(mappable)}"
            )
    both = set(mapping.columns) & set(mapping.constants)
    if both:
        raise MappingError(f"{name}: {', '.join(sorted(both))} given both as column and constant; keep one")
    given = set(mapping.columns) | set(mapping.constants)
    missing = [c.name for c in table.columns if c.required and c.name not in given]
    if missing:
        raise MappingError(
            f"{name}: {table.name} needs {', '.join(missing)} (map a column or set a constant)"
        )
    if not any(measure in given for measure in table.measures):
        raise MappingError(
            f"{name}: map at least one of {', '.join(table.measures)}, or rows carry no measure"
        )
    if "value" in given and "currency" not in given:
        raise MappingError(
            f"{name}: 'value' needs a currency: map a currency column or add constants: {{currency: EUR}}"
        )
    for canonical in mapping.constants:
        if table.column(canonical).kind is Kind.DERIVED:
            raise MappingError(f"{name}: {canonical} is computed by dualtrace and cannot be set")


def load(path: Path) -> Mapping:
    return from_dict(yamlfile.read(path, "mapping file", MappingError), path.name)
