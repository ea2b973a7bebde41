"""SQL that turns a source column (VARCHAR) into a canonical value, and says why when it cannot.

Each builder returns a `Parsed`: the value expression and an error expression that is NULL when
the value is fine, else a short reason. Loaders combine the reasons of all columns; a row with
any reason goes to quarantine. Everything runs inside DuckDB, vectorised, so validation costs
little more than reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dualtrace.reference.correlation import EDITION_START

AUTO_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d-%m-%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y年%m月%d日",
    "%d.%m.%y",
)

FLOW_WORDS = {
    "X": ("X", "EXPORT", "EXPORTS", "EXP", "E", "ЭК", "ЭКСПОРТ", "出口"),
    "M": ("M", "IMPORT", "IMPORTS", "IMP", "I", "ИМ", "ИМПОРТ", "进口"),
}
DIRECTION_PATTERNS = {
    "import": r"^(IM|ИМ|I$|IMPORT|ИМПОРТ|进口)",
    "export": r"^(EX|ЭК|E$|EXPORT|ЭКСПОРТ|出口)",
}
FREQ_WORDS = {"M": ("M", "MONTHLY", "MONTH"), "A": ("A", "Y", "ANNUAL", "YEARLY", "YEAR")}
HS_VERSION_WORDS = {
    "HS1992": ("H0", "HS92", "HS1992", "1992"),
    "HS1996": ("H1", "HS96", "HS1996", "1996"),
    "HS2002": ("H2", "HS02", "HS2002", "2002"),
    "HS2007": ("H3", "HS07", "HS2007", "2007"),
    "HS2012": ("H4", "HS12", "HS2012", "2012"),
    "HS2017": ("H5", "HS17", "HS2017", "2017"),
    "HS2022": ("H6", "HS22", "HS2022", "2022"),
}
MONTHS = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def in_list(expr: str, words: Sequence[str]) -> str:
    return f"{expr} IN ({', '.join(lit(w) for w in words)})"


@dataclass
class Parsed:
    """A parsed column. `lets` are intermediate steps (alias, SQL), each computed once in its own
    layer before `value` and `error`, which may refer to them by alias; a step may refer to the
    steps before it."""

    value: str
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # e.g. freq derived from a period
    lets: list[tuple[str, str]] = field(default_factory=list)

    def inlined(self) -> Parsed:
        """The same expressions with the steps substituted in (for one-off evaluation)."""
        value, error, extra = self.value, self.error, dict(self.extra)
        for alias, expr in reversed(self.lets):
            ref, sub = ident(alias), f"({expr})"
            value = value.replace(ref, sub)
            error = error.replace(ref, sub) if error else error
            extra = {k: v.replace(ref, sub) for k, v in extra.items()}
        return Parsed(value, error, extra)


def _step(column: str, name: str) -> str:
    return f"s__{column}__{name}"


def _fail(condition: str, column: str, problem: str, raw: str) -> str:
    return f"CASE WHEN {condition} THEN {lit(f'{column}: {problem} ')} || quote_raw({raw}) END"


def _checked(raw: str, column: str, value_expr: str, problem: str) -> Parsed:
    """A value computed once, failing when the text is there but the value is not."""
    alias = _step(column, "value")
    ref = ident(alias)
    return Parsed(
        ref, _fail(f"{raw} IS NOT NULL AND {ref} IS NULL", column, problem, raw), lets=[(alias, value_expr)]
    )


def text(raw: str) -> Parsed:
    return Parsed(raw)


def integer(raw: str, column: str) -> Parsed:
    return _checked(raw, column, f"TRY_CAST({raw} AS BIGINT)", "not a whole number")


# Thousands separators besides the decimal mark's twin: spaces of three kinds and the Swiss
# apostrophe. Plain replace() is cheaper here than translate() or a regex.
_SPACES = (" ", "\u00a0", "\u202f", "'")


def _without(expr: str, characters: Sequence[str]) -> str:
    for character in characters:
        expr = f"replace({expr}, {lit(character)}, '')"
    return expr


def number(raw: str, column: str, decimal: str, *, money: bool = False) -> Parsed:
    """Numbers with either decimal mark, thousands separated by spaces, dots or commas."""
    target = "DECIMAL(18, 4)" if money else "DOUBLE"
    if decimal == ",":
        cleaned = f"replace({_without(raw, ('.', *_SPACES))}, ',', '.')"
    else:
        cleaned = _without(raw, (",", *_SPACES))
    alias = _step(column, "value")
    ref = ident(alias)
    if decimal == ",":
        value = f"TRY_CAST({cleaned} AS {target})"
    else:
        # Plain numbers (the common case) parse without any cleaning.
        value = f"COALESCE(TRY_CAST({raw} AS {target}), TRY_CAST({cleaned} AS {target}))"
    as_double = f"TRY_CAST({cleaned} AS DOUBLE)"
    error = (
        f"CASE WHEN {raw} IS NULL THEN NULL "
        f"WHEN {ref} IS NOT NULL "
        f"THEN CASE WHEN {ref} < 0 THEN {lit(f'{column}: negative ')} || quote_raw({raw}) END "
        f"WHEN {as_double} IS NULL OR isnan({as_double}) OR isinf({as_double}) "
        f"THEN {lit(f'{column}: not a number ')} || quote_raw({raw}) "
        f"ELSE {lit(f'{column}: too large ')} || quote_raw({raw}) END"
    )
    return Parsed(ref, error, lets=[(alias, value)])


def date(raw: str, column: str, date_format: str) -> Parsed:
    if date_format == "auto":
        formats = "[" + ", ".join(lit(f) for f in AUTO_DATE_FORMATS) + "]"
        parsed = (
            f"COALESCE(TRY_CAST({raw} AS DATE), TRY_STRPTIME({raw}, {formats})::DATE, "
            # Excel day serials leak into CSV exports of spreadsheets.
            f"CASE WHEN regexp_full_match({raw}, '[2-7][0-9]{{4}}') "
            f"THEN DATE '1899-12-30' + CAST({raw} AS INTEGER) END)"
        )
    else:
        parsed = f"TRY_STRPTIME({raw}, {lit(date_format)})::DATE"
    alias = _step(column, "parsed")
    ref = ident(alias)
    value = f"CASE WHEN year({ref}) BETWEEN 1950 AND 2100 THEN {ref} END"
    error = (
        f"CASE WHEN {raw} IS NULL THEN {lit(f'{column}: missing')} "
        f"WHEN {ref} IS NULL THEN {lit(f'{column}: not a date ')} || quote_raw({raw}) "
        f"WHEN NOT year({ref}) BETWEEN 1950 AND 2100 "
        f"THEN {lit(f'{column}: out of range ')} || quote_raw({raw}) END"
    )
    return Parsed(value, error, lets=[(alias, parsed)])


def period(raw: str, column: str) -> Parsed:
    """Periods as statistics publish them: 2021, 2021-04, 202104, 2021M04, Y2021, Apr. 2021,
    04.2021, a full date (its month), and Comext's 202152 for a whole year."""
    u_alias, v_alias = _step(column, "upper"), _step(column, "value")
    u, ref = ident(u_alias), ident(v_alias)
    digits = f"regexp_extract({u}, '^(\\d{{4}})[-/.]?(\\d{{2}})$', ['y', 'm'])"
    named = f"regexp_extract({u}, '^([A-Z]{{3}})[A-Z]*\\.?\\s+(\\d{{4}})$', ['mon', 'y'])"
    month_first = f"regexp_extract({u}, '^(\\d{{2}})[./](\\d{{4}})$', ['m', 'y'])"
    value = f"""CASE
        WHEN regexp_full_match({u}, '\\d{{4}}') THEN make_date(CAST({u} AS INTEGER), 1, 1)
        WHEN regexp_full_match({u}, 'Y\\d{{4}}') THEN make_date(CAST(substr({u}, 2) AS INTEGER), 1, 1)
        WHEN regexp_full_match({u}, '\\d{{4}}52') THEN make_date(CAST(left({u}, 4) AS INTEGER), 1, 1)
        WHEN {digits}.y <> '' AND CAST({digits}.m AS INTEGER) BETWEEN 1 AND 12
            THEN make_date(CAST({digits}.y AS INTEGER), CAST({digits}.m AS INTEGER), 1)
        WHEN regexp_full_match({u}, '\\d{{4}}M\\d{{2}}') AND CAST(right({u}, 2) AS INTEGER) BETWEEN 1 AND 12
            THEN make_date(CAST(left({u}, 4) AS INTEGER), CAST(right({u}, 2) AS INTEGER), 1)
        WHEN {month_first}.y <> '' AND CAST({month_first}.m AS INTEGER) BETWEEN 1 AND 12
            THEN make_date(CAST({month_first}.y AS INTEGER), CAST({month_first}.m AS INTEGER), 1)
        WHEN {named}.y <> '' AND strpos({lit(MONTHS)}, {named}.mon) % 3 = 1
            THEN make_date(CAST({named}.y AS INTEGER), (strpos({lit(MONTHS)}, {named}.mon) + 2) // 3, 1)
        WHEN TRY_CAST({raw} AS DATE) IS NOT NULL THEN date_trunc('month', TRY_CAST({raw} AS DATE))::DATE
    END"""
    freq = f"""CASE
        WHEN regexp_full_match({u}, '\\d{{4}}|Y\\d{{4}}|\\d{{4}}52') THEN 'A'
        WHEN {ref} IS NOT NULL THEN 'M'
    END"""
    error = (
        f"CASE WHEN {raw} IS NULL THEN {lit(f'{column}: missing')} "
        f"WHEN {ref} IS NULL OR year({ref}) NOT BETWEEN 1950 AND 2100 "
        f"THEN {lit(f'{column}: not a period ')} || quote_raw({raw}) END"
    )
    return Parsed(ref, error, {"freq": freq}, lets=[(u_alias, f"upper({raw})"), (v_alias, value)])


def _words(raw: str, column: str, words: Mapping[str, tuple[str, ...]], problem: str) -> Parsed:
    u = f"upper({raw})"
    cases = " ".join(f"WHEN {in_list(u, options)} THEN {lit(code)}" for code, options in words.items())
    return _checked(raw, column, f"CASE {cases} END", problem)


def flow(raw: str, column: str) -> Parsed:
    parsed = _words(raw, column, FLOW_WORDS, "not X (export) or M (import)")
    parsed.error = f"CASE WHEN {raw} IS NULL THEN {lit(f'{column}: missing')} ELSE {parsed.error} END"
    return parsed


def freq(raw: str, column: str) -> Parsed:
    return _words(raw, column, FREQ_WORDS, "not M (monthly) or A (annual)")


def hs_version(raw: str, column: str) -> Parsed:
    return _words(raw, column, HS_VERSION_WORDS, "not an HS edition")


def hs_version_for(date_expr: str) -> str:
    """The HS edition in force at a date (the rule of dualtrace.reference.hs_version_for_period)."""
    editions = sorted(EDITION_START, reverse=True)
    cases = " ".join(f"WHEN year({date_expr}) >= {year} THEN {lit(name)}" for year, name in editions)
    return f"CASE {cases} END"


def direction(raw: str, column: str) -> Parsed:
    u = f"upper({raw})"
    cases = " ".join(
        f"WHEN regexp_matches({u}, {lit(pattern)}) THEN {lit(word)}"
        for word, pattern in DIRECTION_PATTERNS.items()
    )
    return _checked(raw, column, f"CASE {cases} END", "not import or export")


def hs_code(raw: str, column: str, min_digits: int, *, allow_total: bool) -> Parsed:
    """HS/CN/TN VED codes: dots, spaces and dashes dropped; a label "... [8471]" gives 8471;
    odd lengths lost a leading zero to a spreadsheet and get it back."""
    # Same rules as dualtrace.reference.hs.clean_code (a property test holds them together).
    digits_alias, padded_alias, code_alias = (_step(column, n) for n in ("digits", "padded", "code"))
    digits, padded, code = ident(digits_alias), ident(padded_alias), ident(code_alias)
    label = f"regexp_extract({raw}, '\\[\\s*([0-9][0-9 .\\-]*)\\]\\s*$', 1)"
    separators = "'[\\s.\\-]'"
    cleaned = (
        f"CASE WHEN NOT contains({raw}, '[') AND regexp_full_match({raw}, '[0-9]+') THEN {raw} "
        f"ELSE regexp_replace(CASE WHEN {label} <> '' THEN {label} ELSE {raw} END, {separators}, '', 'g') END"
    )
    pad = f"CASE WHEN length({digits}) % 2 = 1 THEN '0' || {digits} ELSE {digits} END"
    ok = (
        f"regexp_full_match({digits}, '[0-9]{{{min_digits - 1},10}}') "
        f"AND length({padded}) BETWEEN {min_digits} AND 10 AND NOT starts_with({padded}, '00')"
    )
    total = f"upper({raw}) IN ('TOTAL', 'TOT', 'ALL')" if allow_total else "false"
    value = f"CASE WHEN {total} THEN 'TOTAL' WHEN {ok} THEN {padded} END"
    need = f"{min_digits} to 10 digits"
    error = (
        f"CASE WHEN {raw} IS NULL THEN {lit(f'{column}: missing')} "
        f"WHEN {code} IS NULL THEN {lit(f'{column}: not an HS code of {need} ')} || quote_raw({raw}) END"
    )
    lets = [(digits_alias, cleaned), (padded_alias, pad), (code_alias, value)]
    return Parsed(code, error, lets=lets)


def hs6_of(code_expr: str) -> str:
    return f"CASE WHEN length({code_expr}) >= 6 AND {code_expr} <> 'TOTAL' THEN left({code_expr}, 6) END"


def country_key(raw: str) -> str:
    """Alias key; must equal dualtrace.reference.countries.alias_key (the regex only runs when
    a value has runs of whitespace)."""
    collapse = f"trim(regexp_replace({raw}, '\\s+', ' ', 'g'))"
    odd = " OR ".join(f"contains({raw}, {c})" for c in ("'  '", "chr(9)", "chr(10)", "chr(12)", "chr(13)"))
    plain = f"NOT ({odd})"
    return f"upper(CASE WHEN {plain} THEN trim({raw}) ELSE {collapse} END)"


def currency(raw: str, column: str, lookup: str) -> Parsed:
    """ISO 4217 letters pass; numeric codes (Russian declarations) and names resolve through
    the `lookup` alias expression (a joined table column)."""
    u = f"upper({raw})"
    value = f"COALESCE({lookup}, CASE WHEN regexp_full_match({u}, '[A-Z]{{3}}') THEN {u} END)"
    return Parsed(value, _fail(f"{raw} IS NOT NULL AND {value} IS NULL", column, "not a currency", raw))
