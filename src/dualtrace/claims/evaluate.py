"""Checking a claim against the warehouse: is the data there (which piece is missing if not),
the figure computed from it, and the verdict against the stated figure."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dualtrace.claims.figures import Judgement, judge
from dualtrace.claims.model import Check, Claim, Figure, Goods, Period
from dualtrace.claims.slices import NEEDS, Runner, Slice, expand
from dualtrace.claims.verdicts import directional, missing_sentence, sentence
from dualtrace.claims.vocab import EU, eu_members, place_name

FLOW_WORD = {"X": "exports", "M": "imports"}


class NotEnoughData(Exception):
    """Raised inside a check with the missing piece in words."""


def _expression(claim: Claim) -> str:
    figure = claim.figure
    if claim.measure == "weight":
        return "weight_kg" if figure is not None and figure.unit == "kg" else "weight_t"
    if claim.measure in ("quantity", "unit_value"):
        return claim.measure
    return "value"


def _periods(claim: Claim) -> tuple[Period, ...]:
    needed = 2 if claim.comparison in ("change", "ratio") and not claim.against else 1
    if len(claim.periods) < needed:
        raise NotEnoughData(
            "the claim names no period" if not claim.periods else "the claim names no base period"
        )
    return claim.periods[-needed:] if needed == 1 else claim.periods[:2]


def _names(codes: Iterable[str]) -> str:
    return ", ".join(place_name(c) for c in codes) or "any"


class Checker:
    """One claim's check: builds its slices, checks their coverage, computes the figure."""

    def __init__(self, runner: Runner, claim: Claim) -> None:
        self.runner = runner
        self.claim = claim
        self.notes: list[str] = list(claim.notes)
        self.expression = _expression(claim)
        self.reporters = self._side(claim.reporters, "reporter")
        self.partners = self._side(claim.partners, "partner")
        self.evidence: list[dict[str, object]] = []

    def _side(self, codes: tuple[str, ...], column: str) -> tuple[str, ...]:
        found, note = expand(self.runner, codes, column, self.claim.flow, self.claim.goods)
        if note:
            self.notes.append(note)
        return found

    def slice(
        self,
        period: Period | None,
        *,
        reporters: tuple[str, ...] | None = None,
        partners: tuple[str, ...] | None = None,
    ) -> Slice:
        return Slice(
            self.claim.flow,
            self.reporters if reporters is None else reporters,
            self.partners if partners is None else partners,
            self.claim.goods,
            period,
        )

    def covered(self, piece: Slice, label: str) -> None:
        """Raise NotEnoughData naming the first missing piece (flow, reporter, partner, goods, period...)."""
        claim, runner, flow = self.claim, self.runner, FLOW_WORD[self.claim.flow]
        reporters = runner.distinct("reporter", claim.flow)
        if not reporters:
            raise NotEnoughData(f"no {flow} in the warehouse")
        missing = [c for c in piece.reporters if c not in reporters]
        if missing and len(missing) == len(piece.reporters):
            raise NotEnoughData(
                f"reporter not covered: no {flow} reported by {_names(claim.reporters)} in the data"
            )
        whole = Slice(claim.flow, piece.reporters, piece.partners, claim.goods)
        if runner.coverage(Slice(claim.flow, piece.reporters, piece.partners, _ANY))["n"] == 0:
            partners = claim.partners if piece.partners == self.partners else piece.partners
            way = "to" if claim.flow == "X" else "from"
            raise NotEnoughData(
                f"partner not covered: no {flow} of {_names(claim.reporters)} {way} {_names(partners)}"
            )
        if claim.goods.total:
            if runner.coverage(whole)["n"] == 0:
                raise NotEnoughData(
                    "goods not in the file: the data has no all-goods totals for this flow "
                    "(only product codes, which would not add up to the total)"
                )
        elif runner.codes_held(claim.goods) == 0:
            raise NotEnoughData(f"goods not in the file: no rows under {claim.goods.label}")
        cover = runner.coverage(whole)
        if cover["n"] == 0:
            raise NotEnoughData(f"goods not in the file for this flow: {claim.goods.label}")
        period = piece.period
        if period is not None and (period.start < cover["first"] or period.end > cover["last"]):
            raise NotEnoughData(
                f"period outside the data: {label} {period.start:%Y-%m}..{period.end:%Y-%m}, the data covers "
                f"{cover['first']:%Y-%m}..{cover['last']:%Y-%m}"
            )
        column = NEEDS.get(self.expression)
        if column and cover[column] == 0:
            raise NotEnoughData(f"{column} not in the data: the rows carry no {column} for this flow")
        self._currency(cover["currencies"])

    def _currency(self, currencies: list[str | None]) -> None:
        figure = self.claim.figure
        if self.expression != "value" or figure is None or figure.unit in ("", "%", "x"):
            return
        held = sorted({c for c in currencies if c})
        if figure.unit not in held:
            if figure.unit == "USD" and self.runner.coverage(self.slice(None))["value_usd"]:
                self.expression = "value_usd"
                return
            raise NotEnoughData(f"currency: the figure is in {figure.unit}, the data in {', '.join(held)}")

    def value(self, piece: Slice, label: str) -> float:
        self.covered(piece, label)
        got, _ = self.runner.measure(piece, self.expression)
        self.evidence += self.runner.evidence(piece, self.expression, label)
        return got or 0.0


# Any row at all (starts_with(code, '') holds for every code), and the all-goods total rows.
_ANY = Goods(("",), "any goods", "any")
_TOTAL = Goods()


def _compute(checker: Checker) -> tuple[float, dict[str, float]]:
    claim = checker.claim
    periods = _periods(claim)
    if claim.comparison == "level":
        value = checker.value(checker.slice(periods[0]), "level")
        return value, {"level": value}
    if claim.comparison in ("change", "ratio"):
        if claim.against:
            now = checker.value(checker.slice(periods[0]), "claimed")
            base = checker.value(
                checker.slice(periods[0], partners=checker._side(claim.against, "partner")), "against"
            )
        else:
            base = checker.value(checker.slice(periods[0]), "base")
            now = checker.value(checker.slice(periods[1]), "compared")
        if base == 0:
            raise NotEnoughData("the base figure is zero in the data: no ratio or change can be computed")
        values = {"base": base, "compared": now}
        return ((now / base) if claim.comparison == "ratio" else (now / base - 1) * 100), values
    if claim.comparison == "share":
        return _share(checker, periods[0])
    return _rank(checker, periods[0])


def _universe(checker: Checker) -> tuple[str, tuple[str, ...] | None]:
    """The column a share or rank runs over, and the group it is restricted to (None = all)."""
    claim = checker.claim
    column = claim.whole if claim.whole in ("reporter", "partner") else "partner"
    group = checker._side(claim.against, column) if claim.against else None
    return column, group


def _share(checker: Checker, period: Period) -> tuple[float, dict[str, float]]:
    claim = checker.claim
    part = checker.value(checker.slice(period), "part")
    if claim.whole == "goods":
        whole_piece = Slice(claim.flow, checker.reporters, checker.partners, _TOTAL, period)
        whole = checker.runner.measure(whole_piece, checker.expression)[0]
        if not whole:
            raise NotEnoughData("goods not in the file: no all-goods totals to share against")
    else:
        column, group = _universe(checker)
        group = group or ()
        piece = checker.slice(period, **{f"{column}s": group})
        whole = checker.value(piece, "whole")
    if not whole:
        raise NotEnoughData("the whole is zero in the data: no share can be computed")
    return part / whole * 100, {"part": part, "whole": whole}


def _rank(checker: Checker, period: Period) -> tuple[float, dict[str, float]]:
    column, group = _universe(checker)
    if EU in checker.claim.against:  # ranked among the member states, not against the EU total
        group = tuple(c for c in checker.claim.against if c != EU) + eu_members()
    mine = checker.reporters if column == "reporter" else checker.partners
    piece = checker.slice(period, **{f"{column}s": group or ()})
    checker.covered(piece, "ranking")
    ranked = checker.runner.by(piece, column, checker.expression)
    keys = [r["key"] for r in ranked]
    target = next((c for c in mine if c in keys), None)
    if target is None:
        raise NotEnoughData(f"{place_name(mine[0]) if mine else 'the subject'} has no rows in the ranking")
    checker.evidence += [
        {"slice": "ranking", "rank": i + 1, column: r["key"], "figure": float(r["v"] or 0)}
        for i, r in enumerate(ranked[:10])
    ]
    position = keys.index(target) + 1
    return float(position), {"rank": float(position), "of": float(len(keys))}


def check(con: duckdb.DuckDBPyConnection, claim: Claim) -> Check:
    """The verdict on one claim, with the figure computed, the SQL run and the rows behind it."""
    runner = Runner(con)
    checker = Checker(runner, claim)
    try:
        computed, values = _compute(checker)
    except NotEnoughData as missing:
        text = str(missing) + _mirror_hint(runner, claim)
        return Check(
            claim.with_(notes=tuple(checker.notes)),
            "not enough data",
            missing_sentence(text),
            missing=text,
            sql=runner.queries,
            evidence=checker.evidence,
            stated=claim.figure.value if claim.figure else None,
        )
    done = claim.with_(notes=tuple(checker.notes))
    figure = claim.figure
    if figure is None:
        if claim.direction is None:
            return Check(
                done,
                "not enough data",
                missing_sentence("the statement gives no figure to check"),
                computed=computed,
                missing="no figure stated",
                sql=runner.queries,
                evidence=checker.evidence,
                values=values,
            )
        ok, tolerance = directional(claim, computed)
        return Check(
            done,
            "supported" if ok else "contradicted",
            sentence(done, computed, ok, tolerance),
            computed=computed,
            tolerance=tolerance,
            sql=runner.queries,
            evidence=checker.evidence,
            values=values,
        )
    judged = judge(computed, _comparable(claim, figure))
    if claim.comparison == "rank":
        judged = Judgement(computed == figure.value, "the exact rank")
    return Check(
        done,
        "supported" if judged.ok else "contradicted",
        sentence(done, computed, judged.ok, judged.tolerance),
        computed=computed,
        stated=figure.value,
        tolerance=judged.tolerance,
        sql=runner.queries,
        evidence=checker.evidence,
        values=values,
    )


def _mirror_hint(runner: Runner, claim: Claim) -> str:
    """Imports the data lacks may be there as the partner's exports (mirror statistics): say so,
    without rewriting the claim (exporter and importer figures differ: CIF/FOB, timing, transit)."""
    if claim.flow != "M" or not claim.reporters or not claim.partners:
        return ""
    mirror = Slice("X", claim.partners, claim.reporters, claim.goods)
    if runner.coverage(mirror)["n"] == 0:
        return ""
    return (f"; the data holds the mirror flow, exports of {_names(claim.partners)} to "
            f"{_names(claim.reporters)}: check that claim instead")


def _comparable(claim: Claim, figure: Figure) -> Figure:
    """A percent stated as a ratio ("+100%" with "ratio") or a ratio as a change is compared as stated."""
    if claim.comparison == "change" and figure.unit == "x":
        return Figure((figure.value - 1) * 100, "%", figure.rounding, figure.step * 100, figure.text)
    return figure


def check_all(con: duckdb.DuckDBPyConnection, claims: Iterable[Claim]) -> list[Check]:
    return [check(con, claim) for claim in claims]
