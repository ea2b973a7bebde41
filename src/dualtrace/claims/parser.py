"""A rule-based reading of simple English statements about trade figures (docs/claims.md).

No model and no network: the sentence's places (reference countries, press adjectives, the EU),
goods (HS/CN codes, CHPL tiers, watch categories, press words), periods and figures are found
by their words; their roles (reporter, partner, the group a share or rank runs over) come from
the prepositions and verbs around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from dualtrace.claims.figures import CURRENCY_SIGNS, Found, find_figures
from dualtrace.claims.model import Claim, Comparison, Direction, Figure, Goods, Measure, Period
from dualtrace.claims.periods import MONTHS, find_periods, says_year_before, year_range
from dualtrace.claims.vocab import Vocab, place

IMPORT_WORDS = re.compile(
    r"\b(imports?|imported|importing|came from|comes? from|supplied|suppliers?|sources?|"
    r"bought|purchases?|purchased|arrived from)\b",
    re.I,
)
SUPPLY_VERBS = re.compile(
    r"\b(supplied|suppliers?|sources?|provided|sold|shipped|sent|exported|exporter)\b", re.I
)
RANK_WORDS = re.compile(
    r"\b(?:(?P<ord>second|third|fourth|fifth|2nd|3rd|4th|5th)[- ])?"
    r"(?P<w>largest|biggest|top|leading|main|greatest)\b",
    re.I,
)
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
SHARE_WORDS = re.compile(r"(%|\bper ?cent\b)\s+of\b|\bshare\b|\baccounted for\b|\bcame from\b", re.I)
DIRECTIONS: list[tuple[Direction, re.Pattern[str]]] = [
    ("surge", re.compile(r"\b(surged?|soared?|jumped|skyrocketed|boomed|exploded|spiked)\b", re.I)),
    ("collapse", re.compile(r"\b(collapsed?|plunged?|plummeted|crashed|dried up|slumped)\b", re.I)),
    ("down", re.compile(r"\b(fell|fallen|dropped|declined|decreased|shrank|down|lower|less)\b", re.I)),
    ("up", re.compile(r"\b(rose|risen|grew|grown|increased|climbed|went up|up|higher|gained)\b", re.I)),
]
CODE = re.compile(
    r"\b(?:HS|CN|HS6|CN8|code|codes|heading|chapter)\s*(?:code\s*)?"
    r"(?P<codes>\d{2}(?:[.\s]?\d{2}){0,3}(?:\s*(?:,|and|or)\s*\d{2}(?:[.\s]?\d{2}){0,3})*)",
    re.I,
)
PLACE_TOKEN = re.compile(r"[A-Z][\w.\-]*(?:'s|’s)?|EU(?:'s|’s)?")
AGAINST_WORDS = ("than", "versus", "vs", "vs.", "against", "with")  # "compared with"
SKIP = {
    "The",
    "In",
    "On",
    "At",
    "By",
    "From",
    "To",
    "Of",
    "And",
    "Exports",
    "Imports",
    "Trade",
    "Its",
    "Their",
}


@dataclass
class Mention:
    code: str
    start: int
    end: int
    before: str  # the word before (lower case), "" at the start
    after: str
    possessive: bool
    role: str = ""


def _words_before(text: str, pos: int, n: int = 1) -> str:
    words = re.findall(r"[\w']+|[.,;:()]", text[:pos])
    while words and words[-1].lower() in ("the", "a", "an"):
        words.pop()
    return " ".join(words[-n:]).lower()


def _mentions(text: str, taken: list[tuple[int, int]]) -> list[Mention]:
    tokens = list(PLACE_TOKEN.finditer(text))
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        hit = None
        for n in (4, 3, 2, 1):  # longest name first: "United Arab Emirates", "Hong Kong"
            group = tokens[i : i + n]
            if len(group) < n or any(
                text[a.end() : b.start()] != " " for a, b in pairwise(group)
            ):
                continue
            start, end = group[0].start(), group[-1].end()
            phrase = text[start:end]
            if any(s <= start < e for s, e in taken) or _not_a_place(phrase):
                continue
            code = place(phrase)
            if code:
                hit = (
                    n,
                    Mention(
                        code,
                        start,
                        end,
                        _words_before(text, start),
                        _next_word(text, end),
                        phrase.endswith(("'s", "’s")),
                    ),
                )
                break
        if hit:
            found.append(hit[1])
            i += hit[0]
        else:
            i += 1
    return found


def _not_a_place(phrase: str) -> bool:
    bare = phrase.rstrip("'s’").rstrip(".")
    return (
        bare in SKIP
        or bare.lower() in MONTHS
        or bare.lower() in CURRENCY_SIGNS
        or (len(bare) <= 3 and bare.upper() not in ("EU", "US", "UK", "UAE") and not bare.isupper())
        or (bare.isupper() and len(bare) == 3 and bare not in ("UAE",))  # codes such as EUR, USD, CHPL
    )


def _next_word(text: str, end: int) -> str:
    m = re.match(r"\s*([\w']+)", text[end:])
    return m.group(1).lower() if m else ""


def _groups(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Places listed together ("Armenia, Kyrgyzstan and Kazakhstan") share a role."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups and re.fullmatch(r"\s*(,|and|or|, and|, or)\s*", text[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _role(first: Mention, flow: str, text: str) -> str:
    before, after = first.before.split()[-1:] or [""], first.after
    word = before[0]
    two = _words_before(text, first.start, 2).split()
    if (word in AGAINST_WORDS and (word != "with" or "compared" in _words_before(text, first.start, 3))) or (
        len(two) == 2 and two[0] in ("than", "versus", "vs")  # "than to Ukraine"
    ):
        return "against"
    if word in ("to", "into", "toward", "towards"):
        return "partner" if flow == "X" else "reporter"
    if word == "from":
        return "reporter" if flow == "X" else "partner"
    if first.possessive or re.match(r"exports?|exported|exporters?|imports?|imported|importers?", after):
        return "reporter"
    if flow == "M" and SUPPLY_VERBS.search(text[first.end :]):
        return "partner"  # "China supplied ...", "China was Russia's largest supplier"
    return "reporter"


def _goods(text: str, vocab: Vocab) -> tuple[Goods, list[tuple[int, int]]]:
    m = CODE.search(text)
    if m:
        codes = tuple(
            re.sub(r"[.\s]", "", c) for c in re.split(r"\s*(?:,|and|or)\s*", m["codes"]) if c.strip()
        )
        return Goods(codes, f"HS/CN {', '.join(codes)}", "hs"), [(m.start(), m.end())]
    lower = text.lower()
    for word in vocab.phrases():
        hit = re.search(rf"\b{re.escape(word.phrase.lower())}(?:s|es)?\b", lower)
        if hit:
            return Goods(word.codes, word.label, word.source), [(hit.start(), hit.end())]
    return Goods(), []


def _comparison(text: str, figures: list[Found]) -> tuple[Comparison, Figure | None, Direction | None]:
    direction = next((d for d, pattern in DIRECTIONS if pattern.search(text)), None)
    rank = RANK_WORDS.search(text)
    if rank:
        nth = ORDINALS.get((rank["ord"] or "").lower(), 1)
        return "rank", Figure(float(nth), "", "exact", 0.0, rank.group(0)), None
    by_unit = {f.figure.unit: f.figure for f in reversed(figures)}
    if "%" in by_unit and SHARE_WORDS.search(text) and not re.search(r"[+−-]\d", by_unit["%"].text):
        return "share", by_unit["%"], None
    if "x" in by_unit:
        return "ratio", by_unit["x"], None
    if "%" in by_unit:
        figure = by_unit["%"]
        if direction in ("down", "collapse") and figure.value > 0:
            figure = Figure(-figure.value, "%", figure.rounding, figure.step, figure.text)
        return "change", figure, None
    amounts = [f.figure for f in figures if f.figure.unit not in ("%", "x")]
    if amounts:
        return "level", amounts[-1], None
    if direction:
        return "change", None, direction
    return "level", None, None


def _measure(text: str, figure: Figure | None, figures: list[Found]) -> Measure:
    lower = text.lower()
    if re.search(r"unit values?|per (kg|kilogram|tonne|ton)\b|average price", lower):
        return "unit_value"
    if any(f.figure.unit in ("t", "kg") for f in figures) or re.search(
        r"\b(tonnes|tons|weight|by volume)\b", lower
    ):
        return "weight"
    if re.search(r"\b(units|pieces|items shipped)\b", lower):
        return "quantity"
    if figure is not None and figure.unit == "" and figure.step >= 1:
        return "quantity"  # a bare count: "33,000 drones"
    return "value"


def _periods(
    text: str, comparison: Comparison, against: bool, taken: list[tuple[int, int]]
) -> tuple[tuple[Period, ...], list[str]]:
    found = [f.period for f in find_periods(text) if not any(s <= f.start < e for s, e in taken)]
    span = year_range(text)
    notes: list[str] = []
    two = comparison in ("change", "ratio") and not against
    if span:
        a, b = (Period(p.start, p.end, p.label) for p in _years(span))
        return ((a, b) if two else (Period(a.start, b.end, f"{span[0]}-{span[1]}"),)), notes
    if not two:
        return tuple(found[:1]), notes
    if len(found) >= 2:
        return tuple(sorted(found[:2], key=lambda p: p.start)), notes
    if len(found) == 1 and found[0].start.year != found[0].end.year and found[0].months <= 13:
        # "rose from May 2021 to May 2022": the two ends are the compared months
        one = found[0]
        return (Period(one.start, one.start, one.label), Period(one.end, one.end, one.label)), notes
    if len(found) == 1:
        if not says_year_before(text):
            notes.append("base period assumed: the same months a year earlier")
        return (found[0].shifted(-1), found[0]), notes
    return (), notes


def _years(span: tuple[int, int]) -> tuple[Period, Period]:
    return (
        Period(date(span[0], 1, 1), date(span[0], 12, 1), str(span[0])),
        Period(date(span[1], 1, 1), date(span[1], 12, 1), str(span[1])),
    )


def parse_sentence(text: str, vocab: Vocab) -> Claim:
    """The structured claim a sentence states (fields it cannot find stay empty: see docs/claims.md)."""
    goods, goods_spans = _goods(text, vocab)
    periods_found = find_periods(text)
    taken = goods_spans + [(p.start, p.end) for p in periods_found]
    figures = [f for f in find_figures(text) if not any(s <= f.start < e for s, e in goods_spans)]
    comparison, figure, direction = _comparison(text, figures)
    flow = "M" if IMPORT_WORDS.search(text) else "X"
    roles: dict[str, list[str]] = {"reporter": [], "partner": [], "against": []}
    groups = _groups(text, _mentions(text, taken + [(f.start, f.end) for f in figures]))
    reporter_groups: list[list[str]] = []
    for group in groups:
        role = _role(group[0], flow, text)
        codes = [m.code for m in group]
        if role == "reporter":
            reporter_groups.append(codes)
        roles[role] += codes
    whole = "partner"
    notes: list[str] = []
    if comparison in ("share", "rank"):
        if len(reporter_groups) >= 2:  # "Germany ... of EU exports": the later group is the universe
            roles["reporter"], roles["against"] = (
                reporter_groups[0],
                [c for g in reporter_groups[1:] for c in g],
            )
            whole = "reporter"
        elif comparison == "rank" and flow == "X" and re.search(r"\bexporters?\b", text, re.I):
            whole = "reporter"
        elif (
            comparison == "share"
            and not goods.total
            and figure is not None
            and text.lower().find(goods.label.split(" (")[0].lower()) < text.find(figure.text)
            and not roles["partner"]
        ):
            whole = "goods"
    periods, period_notes = _periods(text, comparison, bool(roles["against"]), goods_spans)
    notes += period_notes
    if not roles["reporter"]:
        notes.append("no reporter named: every reporting country in the data is summed")
    return Claim(
        text=text,
        measure=_measure(text, figure, figures),
        comparison=comparison,
        flow=flow,
        reporters=tuple(dict.fromkeys(roles["reporter"])),
        partners=tuple(dict.fromkeys(roles["partner"])),
        goods=goods,
        periods=periods,
        figure=figure,
        direction=direction,
        against=tuple(dict.fromkeys(roles["against"])),
        whole=whole,
        notes=tuple(notes),
    )
