"""Settings of every analytic, with defaults, read from an optional YAML file.

    dualtrace analyze --config analytics.yaml

A config file holds only what differs from the defaults (see docs/analytics.md):

    policy_date: 2022-02-24
    categories:
      drones: ["8806", "880730"]
    surge:
      ratio: 3
    diversion:
      targets: [RUS]

Unknown keys are refused with the list of allowed ones, so a typo never silently does nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dualtrace import yamlfile
from dualtrace.errors import DualtraceError

MEASURES = ("value", "net_kg", "qty")
LEVELS = ("hs6", "hs4", "hs2", "code", "category", "total")
PERIODS = ("year", "quarter", "month")


class ConfigError(DualtraceError):
    """An analytics config file or option that cannot be used as given."""


@dataclass
class Floors:
    """Minimum volumes, per measure: value (in the row's currency), net_kg (kg), qty (units)."""

    value: float = 100_000.0
    net_kg: float = 10_000.0
    qty: float = 1_000.0

    def of(self, measure: str) -> float:
        return float(getattr(self, measure))


@dataclass
class SurgeConfig:
    levels: list[str] = field(default_factory=lambda: ["hs6", "hs4", "category", "total"])
    period: str = "year"  # year or quarter buckets
    ratio: float = 2.0  # a surge: current >= ratio x base (after floors)
    collapse_ratio: float = 0.5  # a collapse: current <= collapse_ratio x base
    min_z: float = 2.0  # z-score of the current level against the series' own history
    floors: Floors = field(default_factory=Floors)  # added to both sides of a ratio; minimum change
    min_change_floors: float = 5.0  # |current - base| must be at least this many floors
    all_partners: bool = True  # also a reporter's total to every partner ('*')
    all_reporters: bool = True  # also every reporter's total to a partner ('*')
    max_per_partner: int = 8  # findings per partner, flow and direction: room for other stories


@dataclass
class ShareConfig:
    levels: list[str] = field(default_factory=lambda: ["category", "hs4"])
    period: str = "year"  # the buckets findings compare: year, quarter or month
    min_total: float = 1_000_000.0  # value of the whole group in the bucket (currency units)
    min_change: float = 0.15  # share points (0.15 = 15 points)
    min_parties: int = 3  # suppliers/destinations in the group, or a share means little
    modes: list[str] = field(default_factory=lambda: ["exports", "imports", "mirror"])


@dataclass
class DivergenceConfig:
    levels: list[str] = field(default_factory=lambda: ["category", "hs4"])
    pairs: list[list[str]] = field(default_factory=lambda: [["RUS", "UKR"]])
    min_ratio: float = 10.0  # level ratio A/B that alone is a finding
    min_growth: float = 0.25  # opposite growth: A >= +25 % while B <= -25 %
    min_divergence: float = 1.0  # |ln growth A - ln growth B|
    floors: Floors = field(default_factory=lambda: Floors(value=50_000.0, net_kg=5_000.0, qty=500.0))


@dataclass
class DiversionConfig:
    targets: list[str] = field(default_factory=lambda: ["RUS"])
    also_restricted: list[str] = field(default_factory=lambda: ["BLR"])
    intermediaries: list[str] = field(default_factory=list)  # empty: every other destination
    controlled: list[str] = field(default_factory=list)  # HS prefixes; empty: the CHPL (all tiers)
    other: list[str] = field(default_factory=list)  # HS prefixes; empty: every non-controlled good
    product_level: str = "hs6"
    before: list[str] = field(default_factory=list)  # [first month, last month]; empty: auto
    after: list[str] = field(default_factory=list)
    min_did: float = 0.4  # difference-in-differences in log points (0.4 ~ x1.5 relative rise)
    min_rise: float = 1_000_000.0  # currency units of extra controlled exports to an intermediary
    min_target_fall: float = 0.3  # the target's controlled exports fall at least 30 %
    per_reporter: bool = True  # also each reporter on its own, not only all reporters together
    top_products: int = 5


@dataclass
class MirrorConfig:
    cif_fob: float = 1.06  # importers value at CIF, exporters at FOB: imports ~6 % above exports
    tolerance: float = 0.15  # ratios within cif_fob x (1 +- tolerance) agree
    min_value: float = 1_000_000.0  # the larger side, currency units per year
    levels: list[str] = field(default_factory=lambda: ["hs6", "category", "total", "matched"])


@dataclass
class UnitValueConfig:
    level: str = "code"  # norms per reported code (CN8, HS6...) and currency
    min_value: float = 10_000.0
    min_ratio: float = 5.0  # price per kg at least 5x (or at most 1/5) of the norm
    min_z: float = 4.0  # robust z: distance from the median in IQR-sigmas of log price
    min_rows: int = 8  # rows behind a norm


@dataclass
class NewPartyConfig:
    roles: list[str] = field(default_factory=lambda: ["consignee", "shipper"])
    min_growth: float = 10.0  # best later full year / first year
    min_value: float = 1_000_000.0  # best full year, USD
    new_after_days: int = 60  # first seen this long after the data starts: a new party


@dataclass
class AnalyticsConfig:
    policy_date: date = date(2022, 2, 24)
    baseline_year: int | None = None  # None: the last complete year before policy_date
    measures: list[str] = field(default_factory=lambda: ["value", "net_kg"])
    chpl: bool = True  # CHPL tiers as watch categories
    categories: dict[str, list[str]] = field(default_factory=dict)  # name -> HS prefixes
    max_findings: int = 60  # per kind, best first
    evidence_rows: int = 200  # row references kept per finding (the query returns them all)
    surge: SurgeConfig = field(default_factory=SurgeConfig)
    share: ShareConfig = field(default_factory=ShareConfig)
    divergence: DivergenceConfig = field(default_factory=DivergenceConfig)
    diversion: DiversionConfig = field(default_factory=DiversionConfig)
    mirror_gap: MirrorConfig = field(default_factory=MirrorConfig)
    unit_value: UnitValueConfig = field(default_factory=UnitValueConfig)
    new_party: NewPartyConfig = field(default_factory=NewPartyConfig)

    def effective_baseline(self) -> int:
        return self.baseline_year if self.baseline_year is not None else self.policy_date.year - 1

    def as_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(dataclasses.asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_MONTH = re.compile(r"^\d{4}-\d{2}$")
_PREFIX = re.compile(r"^[0-9]{2,10}$")
_ISO3 = re.compile(r"^[A-Z][A-Z0-9_]{1,5}$")


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _build(cls: type[Any], data: Any, path: str) -> Any:
    """A dataclass from a YAML mapping, refusing unknown keys and wrong types with a clear line."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(
            f"config {path or 'file'}: expected a mapping of settings, got {type(data).__name__}"
        )
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, raw in data.items():
        name = str(key)
        if name not in fields:
            hint = difflib.get_close_matches(name, list(fields), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(
                f"config: unknown setting {_where(path, name)!r}{suggestion}; allowed: {', '.join(fields)}"
            )
        default = getattr(cls(), name)
        kwargs[name] = _coerce(default, raw, _where(path, name))
    return cls(**kwargs)


def _coerce(default: Any, raw: Any, where: str) -> Any:
    if dataclasses.is_dataclass(default):
        return _build(type(default), raw, where)
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise ConfigError(f"config {where}: expected true or false, got {raw!r}")
        return raw
    if isinstance(default, date):
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ConfigError(f"config {where}: expected a date like 2022-02-24, got {raw!r}") from None
    if default is None:  # an optional whole number (baseline_year)
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ConfigError(f"config {where}: expected a year like 2021, got {raw!r}")
        return raw
    if isinstance(default, int):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not float(raw).is_integer():
            raise ConfigError(f"config {where}: expected a whole number, got {raw!r}")
        return int(raw)
    if isinstance(default, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ConfigError(f"config {where}: expected a number, got {raw!r}")
        return float(raw)
    if isinstance(default, str):
        if not isinstance(raw, str):
            raise ConfigError(f"config {where}: expected text, got {raw!r}")
        return raw
    if isinstance(default, list):
        if not isinstance(raw, list):
            raise ConfigError(f"config {where}: expected a list, got {raw!r}")
        if where.endswith("pairs"):
            if not all(isinstance(p, list) and len(p) == 2 for p in raw):
                raise ConfigError(f"config {where}: expected pairs like [[RUS, UKR]], got {raw!r}")
            return [[str(a).upper(), str(b).upper()] for a, b in raw]
        return [str(x) for x in raw]
    if isinstance(default, dict):
        if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
            raise ConfigError(f"config {where}: expected name: [HS prefixes], got {raw!r}")
        return {str(k): [str(x) for x in v] for k, v in raw.items()}
    raise ConfigError(f"config {where}: cannot read {raw!r}")  # pragma: no cover - all kinds above


def validate(config: AnalyticsConfig) -> AnalyticsConfig:
    """Check values that types alone do not catch; return the config."""
    for measure in config.measures:
        if measure not in MEASURES:
            raise ConfigError(f"config measures: unknown measure {measure!r}; use {', '.join(MEASURES)}")
    if not config.measures:
        raise ConfigError("config measures: give at least one of " + ", ".join(MEASURES))
    for where, levels in (
        ("surge.levels", config.surge.levels),
        ("share.levels", config.share.levels),
        ("divergence.levels", config.divergence.levels),
        ("diversion.product_level", [config.diversion.product_level]),
    ):
        for level in levels:
            if level not in LEVELS:
                raise ConfigError(f"config {where}: unknown level {level!r}; use {', '.join(LEVELS)}")
    for level in config.mirror_gap.levels:
        if level not in (*LEVELS, "matched"):
            raise ConfigError(f"config mirror_gap.levels: unknown level {level!r}")
    if config.unit_value.level not in ("code", "hs6"):
        raise ConfigError("config unit_value.level: use code or hs6")
    if config.surge.period not in ("year", "quarter"):
        raise ConfigError("config surge.period: use year or quarter")
    if config.share.period not in PERIODS:
        raise ConfigError(f"config share.period: use one of {', '.join(PERIODS)}")
    for mode in config.share.modes:
        if mode not in ("exports", "imports", "mirror"):
            raise ConfigError(f"config share.modes: unknown mode {mode!r}; use exports, imports, mirror")
    for name, prefixes in config.categories.items():
        for prefix in prefixes:
            if not _PREFIX.fullmatch(prefix):
                raise ConfigError(f"config categories.{name}: {prefix!r} is not an HS prefix of 2-10 digits")
    for where, prefixes in (
        ("diversion.controlled", config.diversion.controlled),
        ("diversion.other", config.diversion.other),
    ):
        for prefix in prefixes:
            if not _PREFIX.fullmatch(prefix):
                raise ConfigError(f"config {where}: {prefix!r} is not an HS prefix of 2-10 digits")
    div = config.diversion
    for where, codes in (
        ("diversion.targets", div.targets),
        ("diversion.also_restricted", div.also_restricted),
        ("diversion.intermediaries", div.intermediaries),
    ):
        for i, code in enumerate(codes):
            if not _ISO3.fullmatch(code.upper()):
                raise ConfigError(f"config {where}: {code!r} is not a country code like RUS")
            codes[i] = code.upper()
    if not div.targets:
        raise ConfigError("config diversion.targets: name at least one target country")
    for where, window in (("diversion.before", div.before), ("diversion.after", div.after)):
        if window and (len(window) != 2 or not all(_MONTH.fullmatch(m) for m in window)):
            raise ConfigError(f"config {where}: expected [first month, last month] like [2021-03, 2022-02]")
        if window and window[0] > window[1]:
            raise ConfigError(f"config {where}: the first month comes after the last")
    if bool(div.before) != bool(div.after):
        raise ConfigError("config diversion: give both before and after windows, or neither")
    for role in config.new_party.roles:
        if role not in ("consignee", "shipper"):
            raise ConfigError(f"config new_party.roles: unknown role {role!r}; use consignee, shipper")
    if config.max_findings < 1:
        raise ConfigError("config max_findings: must be at least 1")
    return config


def from_dict(data: Any) -> AnalyticsConfig:
    config: AnalyticsConfig = _build(AnalyticsConfig, data, "")
    return validate(config)


def load(path: str | Path | None) -> AnalyticsConfig:
    """The defaults, overridden by the YAML file at path when given."""
    if path is None:
        return validate(AnalyticsConfig())
    data = yamlfile.read(Path(path), "config file", ConfigError)
    return from_dict(data or {})
