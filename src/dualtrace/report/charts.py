"""Charts of findings: Vega-Lite specs built from a finding's evidence table and chart hint,
rendered offline to SVG by vl-convert (no browser, no network)."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT = 620, 230


def _value(v: Any, field: str, temporal: bool) -> Any:
    if temporal and isinstance(v, str) and len(v) == 7:
        return v + "-01"
    return v


def _encoding(
    chart: dict[str, Any], table: list[dict[str, Any]], x: str, y: str, temporal: bool
) -> dict[str, Any]:
    """The x, y, tooltip and colour channels of the main layer."""
    y_axis: dict[str, Any] = {"format": ".0%" if chart.get("y_format") == "%" else "~s"}
    encoding: dict[str, Any] = {
        "x": {
            "field": x,
            "type": chart.get("x_type", "ordinal"),
            "title": None,
            **({"axis": {"format": "%Y", "tickCount": "year"}} if temporal else {}),
        },
        "y": {
            "field": y,
            "type": "quantitative",
            "title": chart.get("y_title", y),
            "axis": y_axis,
            **({"scale": {"type": "log"}} if chart.get("y_scale") == "log" else {}),
        },
        "tooltip": [{"field": k} for k in table[0]],
    }
    color = chart.get("color")
    if color:
        encoding["color"] = {"field": color, "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
        if chart.get("mark", "line") == "bar" and chart.get("group"):
            encoding["xOffset"] = {"field": color}
    return encoding


def _rules(chart: dict[str, Any], temporal: bool) -> list[dict[str, Any]]:
    """The marked date (a dashed rule with its label) and the marked level (a dashed rule)."""
    layers: list[dict[str, Any]] = []
    if chart.get("rule") and temporal:
        layers.append(
            {
                "data": {"values": [{"date": chart["rule"]}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b22222"},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            }
        )
        layers.append(
            {
                "data": {"values": [{"date": chart["rule"], "label": chart["rule"]}]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 3,
                    "dy": -4,
                    "color": "#b22222",
                    "fontSize": 10,
                },
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"value": 8},
                    "text": {"field": "label"},
                },
            }
        )
    if chart.get("rule_y") is not None:
        layers.append(
            {
                "data": {"values": [{"norm": chart["rule_y"]}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
                "encoding": {"y": {"field": "norm", "type": "quantitative"}},
            }
        )
    return layers


def spec(chart: dict[str, Any], table: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The Vega-Lite spec of a finding's chart, or None when it has nothing to draw."""
    if not chart or not table:
        return None
    x, y = chart.get("x"), chart.get("y")
    if not x or not y or not any(r.get(y) is not None for r in table):
        return None
    temporal = chart.get("x_type") == "temporal"
    values = [
        {k: _value(v, k, temporal and k == x) for k, v in r.items()}
        for r in table
        if r.get(y) is not None and (chart.get("y_scale") != "log" or (r.get(y) or 0) > 0)
    ]
    if not values:
        return None
    mark = chart.get("mark", "line")
    main: dict[str, Any] = {
        "mark": {
            "type": mark,
            "tooltip": True,
            **({"point": False, "strokeWidth": 1.6} if mark == "line" else {}),
        },
        "encoding": _encoding(chart, table, x, y, temporal),
    }
    if mark == "point":
        main["mark"]["filled"] = True
        main["mark"]["size"] = 40
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": chart.get("title", ""), "fontSize": 12, "anchor": "start"},
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": values},
        "layer": [main, *_rules(chart, temporal)],
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 10, "titleFontSize": 10}},
    }


def svg(vl_spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to an SVG document (offline)."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(vl_spec))
