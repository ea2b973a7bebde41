"""Declaration numbers in date order, and the few lines turned into malformed rows."""

from __future__ import annotations

import datetime as dt

from dualtrace.demo.scenario.declarations.builder import Builder
from dualtrace.demo.scenario.declarations.codes import CN_CUSTOMS, RU_POSTS
from dualtrace.demo.scenario.model import FileKey

# Per file: its customs posts, the highest first serial of a post in a year, the highest step
_SERIALS: dict[FileKey, tuple[list[str], int, int]] = {
    "ru": (RU_POSTS, 900, 40),
    "cn": (CN_CUSTOMS, 90000, 400),
}


def number(b: Builder) -> None:
    """Give declaration numbers in date order, like a customs post does."""
    rng = b.rng
    b.shipments.sort(key=lambda s: (s.file, s.date))
    serials: dict[tuple[str, int], int] = {}
    for s in b.shipments:
        posts, first, step = _SERIALS[s.file]
        post = rng.choice(posts)
        key = (post, s.date.year)
        serials[key] = serials.get(key, rng.randint(0, first)) + rng.randint(1, step)
        s.post = post
        no = _declaration_no(s.file, post, s.date, serials[key])
        for ln in s.lines:
            ln.declaration_no = no


def _declaration_no(file: FileKey, post: str, date: dt.date, serial: int) -> str:
    """The number as each country writes it: post/ddmmyy/serial (ru), post + year + serial (cn)."""
    if file == "ru":
        return f"{post}/{date:%d%m%y}/{serial:07d}"
    return f"{post}{date.year}1{serial:09d}"


MALFORMED_KINDS = {
    "ru": [
        (
            "field_count_extra",
            "an unquoted ';' inside the goods description splits it: 25 fields instead of 24",
        ),
        ("invalid_date", "Дата ДТ is 31.02.2023, a day that does not exist"),
        (
            "non_numeric_value",
            "Статистическая стоимость, USD holds a Cyrillic letter О instead of a zero",
        ),
        ("field_count_truncated", "the line is cut after the 15th field (24 expected)"),
    ],
    "cn": [("invalid_date", "申报日期 is 2023-02-30, a day that does not exist")],
}


def mark_malformed(b: Builder) -> None:
    """Turn a few background lines into genuinely malformed rows (for the quarantine demo)."""
    rng = b.rng
    files: tuple[FileKey, ...] = ("ru", "cn")
    for file in files:
        candidates = [
            ln
            for ln in b.lines(file)
            if ln.stories == ["background"] and ln.date.year == 2023 and ln.date.month in (2, 3)
        ]
        chosen = rng.sample(candidates, len(MALFORMED_KINDS[file]))
        chosen.sort(key=lambda ln: (ln.date, ln.declaration_no, ln.line_no))
        for ln, (kind, why) in zip(chosen, MALFORMED_KINDS[file], strict=True):
            ln.notes["malformed"] = kind
            ln.notes["malformed_reason"] = why
            ln.stories = ["malformed"]
            if kind in ("invalid_date",) and file == "ru":
                ln.notes["date_text"] = "31.02.2023"
            if kind == "invalid_date" and file == "cn":
                ln.notes["date_text"] = "2023-02-30"
            if kind == "field_count_extra":
                ln.description = "ЧЕХЛЫ ДЛЯ СИДЕНИЙ; КОМПЛЕКТ 5 ШТ"
