"""The YAML form of a claim: a record with the fields of ``model.Claim``, read with errors
naming the file and the entry."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dualtrace import yamlfile
from dualtrace.claims.model import (
    COMPARISONS,
    DIRECTIONS,
    MEASURES,
    ROUNDINGS,
    Claim,
    Figure,
    Goods,
    Period,
)
from dualtrace.claims.vocab import resolve_places
from dualtrace.errors import InputError


def _month(value: Any, where: str) -> date:
    text = str(value).strip()
    try:
        year, _, month = text.partition("-")
        return date(int(year), int(month or 1), 1)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a month (write YYYY-MM)") from None


def _period(raw: Any, where: str) -> Period:
    if isinstance(raw, int | str) and str(raw).strip().isdigit():
        year = int(str(raw))
        return Period(date(year, 1, 1), date(year, 12, 1), str(year))
    if not isinstance(raw, dict) or "start" not in raw:
        raise InputError(f"{where}: a period is a year or {{start: YYYY-MM, end: YYYY-MM}}")
    start = _month(raw["start"], where)
    end = _month(raw.get("end", raw["start"]), where)
    if end < start:
        raise InputError(f"{where}: period ends before it starts")
    return Period(start, end, str(raw.get("label", "")))


def _choice(raw: dict[str, Any], key: str, allowed: tuple[str, ...], default: str | None, where: str) -> Any:
    value = raw.get(key, default)
    if value is not None and value not in allowed:
        raise InputError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def claim_from_dict(raw: Any, where: str) -> Claim:
    """A claim written as a record (the YAML form); country names resolve like the parser's."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: a claim is a mapping of fields")
    unknown = set(raw) - {*Claim.__dataclass_fields__, "expect"}
    if unknown:
        raise InputError(f"{where}: unknown claim fields {', '.join(sorted(unknown))}")
    goods_raw = raw.get("goods") or {}
    if isinstance(goods_raw, str | list):
        goods_raw = {"codes": _names(goods_raw)}
    goods = Goods(
        tuple(str(c).replace(".", "") for c in _names(goods_raw.get("codes"))),
        str(goods_raw.get("label", "all goods" if not goods_raw.get("codes") else "goods")),
        str(goods_raw.get("source", "hs" if goods_raw.get("codes") else "total")),
    )
    figure = None
    if raw.get("figure") is not None:
        fig = raw["figure"] if isinstance(raw["figure"], dict) else {"value": raw["figure"]}
        try:
            figure = Figure(
                float(fig["value"]),
                str(fig.get("unit", "")),
                _choice(fig, "rounding", ROUNDINGS, "exact", where),
                float(fig.get("step", 0.0)),
                str(fig.get("text", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{where}: figure needs a numeric value") from None
    periods = raw.get("periods", [])
    return Claim(
        text=str(raw.get("text", "")),
        measure=_choice(raw, "measure", MEASURES, "value", where),
        comparison=_choice(raw, "comparison", COMPARISONS, "level", where),
        flow=_choice(raw, "flow", ("X", "M"), "X", where),
        reporters=resolve_places(_names(raw.get("reporters")), where),
        partners=resolve_places(_names(raw.get("partners")), where),
        goods=goods,
        periods=tuple(_period(p, where) for p in (periods if isinstance(periods, list) else [periods])),
        figure=figure,
        direction=_choice(raw, "direction", DIRECTIONS, None, where),
        against=resolve_places(_names(raw.get("against")), where),
        whole=_choice(raw, "whole", ("partner", "reporter", "goods"), "partner", where),
    )


def claims_from_yaml(path: Path) -> list[Any]:
    """The entries of a claims file: a list whose items are sentences or claim records."""
    data = yamlfile.read(path, "claims file", InputError)
    if isinstance(data, dict):
        data = data.get("claims")
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of claims (or a 'claims:' list)")
    return data
