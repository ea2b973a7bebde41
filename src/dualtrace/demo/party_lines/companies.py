"""Fictional firms: ids with valid check digits, canonical names, and the ways customs data
spells them (transliterations, legal forms, abbreviations, typos, addresses)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from dualtrace.demo.party_lines.vocab import (
    ABBREV,
    ACTIVITIES,
    CITIES,
    CYR,
    CYR_ALT,
    FOREIGN_FORMS,
    HAN,
    KEYBOARD,
    LATIN_PIECES,
    ODD_ABBREV,
    RU_CITIES,
    RU_FORM_EN_LONG,
    RU_FORM_LONG,
    RU_FORMS,
    RU_PIECES,
    USCC,
    USCC_W,
)


def _inn(rng: random.Random) -> str:
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    digits.append(sum(a * b for a, b in zip(w, digits, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def _ogrn(rng: random.Random) -> str:
    body = (
        str(rng.choice((1, 5)))
        + f"{rng.randint(2, 23):02d}"
        + "".join(str(rng.randint(0, 9)) for _ in range(9))
    )
    return body + str(int(body) % 11 % 10)


def _uscc(rng: random.Random) -> str:
    body = "91" + f"{rng.randint(110000, 659999):06d}" + "MA" + "".join(rng.choice(USCC) for _ in range(7))
    total = sum(USCC.index(c) * w for c, w in zip(body, USCC_W, strict=True))
    return body + USCC[(31 - total % 31) % 31]


def _kcs(rng: random.Random) -> str:
    while True:
        code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(7))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def _translit(text: str, alt: dict[str, str] | None = None) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in CYR:
            rep = (alt or {}).get(low, CYR[low])
            out.append(rep.upper() if ch.isupper() else rep)
        else:
            out.append(ch)
    return "".join(out)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    upper = word.isupper()
    letter = rng.choice(KEYBOARD)
    letter = letter.upper() if upper else letter
    if kind < 0.3:
        return word[:i] + letter + word[i + 1 :]  # substitution
    if kind < 0.55:
        return word[:i] + word[i + 1 :]  # deletion
    if kind < 0.8:
        return word[:i] + letter + word[i:]  # insertion
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # transposition


# --- companies ------------------------------------------------------------------------------


@dataclass
class Company:
    index: int
    country: str
    local: str  # canonical name in the local script (Chinese, Cyrillic) or Latin
    english: str  # canonical Latin name
    ids: dict[str, str]
    address: str
    parts: dict[str, Any] = field(default_factory=dict)


COUNTRY_SHARES = [
    ("CHN", 0.44), ("RUS", 0.34), ("HKG", 0.06), ("TUR", 0.03), ("ARE", 0.03), ("KAZ", 0.03),
    ("KOR", 0.04), ("DEU", 0.01), ("IND", 0.01), ("ARM", 0.005), ("KGZ", 0.005),
]  # fmt: skip


def make_company(i: int, country: str, rng: random.Random) -> Company:
    ids: dict[str, str]
    if country in ("CHN", "HKG"):
        size = 2 if rng.random() < 0.6 else 3
        han = "".join(rng.choice(HAN) for _ in range(size))
        from pypinyin import lazy_pinyin

        syllables = [s.upper() for s in lazy_pinyin(han)]
        brand = "".join(syllables)
        activity = rng.choice(ACTIVITIES)
        if country == "CHN":
            city = rng.choice(CITIES)
            local = f"{city[1]}{'市' if rng.random() < 0.5 else ''}{han}{activity[1]}有限公司"
            english = f"{city[0]} {brand} {activity[0]} CO., LTD."
            ids = {"uscc": _uscc(rng)}
            address = f"NO. {rng.randint(1, 999)} {rng.choice(syllables)} ROAD, {city[0]}, CHINA"
        else:
            city = ("HONG KONG", "香港")
            local = f"{han}{activity[1]}(香港)有限公司"
            english = f"{brand} {activity[0]} (HONG KONG) LIMITED"
            ids = {"hk": str(rng.randint(1000000, 3999999))}
            address = f"ROOM {rng.randint(100, 2999)}, {rng.randint(1, 300)} NATHAN ROAD, KOWLOON, HONG KONG"
        parts = {"han": han, "syllables": syllables, "activity": activity, "city": city}
        return Company(i, country, local, english, ids, address, parts)
    if country == "RUS":
        n = 2 if rng.random() < 0.4 else 3
        pieces = [rng.choice(RU_PIECES) for _ in range(n)]
        brand = pieces[0] + "".join(p.lower() for p in pieces[1:])
        if rng.random() < 0.2:
            brand = pieces[0] + "-" + "".join(p for p in pieces[1:])
        form = rng.choice(RU_FORMS) if rng.random() < 0.4 else RU_FORMS[0]
        local = f'{form[0]} "{brand.upper()}"'
        english = f"{_translit(brand).upper()} {form[1]}"
        ids = {"inn": _inn(rng), "ogrn": _ogrn(rng)}
        street = f"ул. {rng.choice(RU_PIECES)}ская, д. {rng.randint(1, 150)}"
        address = f"{rng.randint(101000, 692999)}, г. {rng.choice(RU_CITIES)}, {street}"
        return Company(i, country, local, english, ids, address, {"brand": brand, "form": form})
    n = 2 if rng.random() < 0.6 else 3
    brand = "".join(rng.choice(LATIN_PIECES) for _ in range(n))
    second = "".join(rng.choice(LATIN_PIECES) for _ in range(2)) if rng.random() < 0.5 else ""
    name = f"{brand} {second}".strip()
    suffix = rng.choice(FOREIGN_FORMS[country])
    english = f"{name} {suffix}"
    ids = {}
    if country == "KOR":
        ids["kcs"] = _kcs(rng)
    elif country == "KAZ":
        ids["bin"] = "".join(str(rng.randint(0, 9)) for _ in range(12))
    address = f"{rng.randint(1, 300)} {rng.choice(LATIN_PIECES)} STREET, {country}"
    return Company(i, country, english, english, ids, address, {"name": name, "form": suffix})


# --- spellings --------------------------------------------------------------------------------


def latin_variants(c: Company, rng: random.Random) -> list[tuple[str, float]]:
    """Latin spellings of a company with their frequencies (before typos)."""
    base = c.english
    out: list[tuple[str, float]] = [(base, 0.45)]
    if c.country in ("CHN", "HKG"):
        tail = "CO., LTD." if c.country == "CHN" else "LIMITED"
        body = base[: -len(tail)].strip() if base.endswith(tail) else base
        forms = ["CO LTD", "CO.,LTD", "COMPANY LIMITED", "LIMITED", "CO., LIMITED", "LTD"]
        out.append((base.replace(", ", ",").replace(".", ""), 0.08))
        out.append((base.title(), 0.05))
        out.append((f"{body} {rng.choice(forms)}", 0.12))
        abbr = body
        for full, short in ABBREV:
            if full in abbr and rng.random() < 0.7:
                abbr = abbr.replace(full, short)
        if abbr != body:
            out.append((f"{abbr} {rng.choice(forms)}", 0.08))
        city = c.parts["city"][0]
        if c.country == "CHN" and body.startswith(city):
            out.append((f"{body[len(city) + 1 :]} ({city}) {rng.choice(forms)}", 0.05))
        syl = c.parts["syllables"]
        if len(syl) > 1:
            out.append((body.replace("".join(syl), " ".join(syl), 1) + " " + tail, 0.03))
        words = body.split()
        activity_words = c.parts["activity"][0].split()
        if len(activity_words) > 1:
            dropped = [w for w in words if w != activity_words[0]]
            out.append((" ".join(dropped) + " " + tail, 0.02))
        for full, odd in ODD_ABBREV:
            if full in body:
                out.append((body.replace(full, odd) + " " + tail, 0.01))
                break
        return out
    if c.country == "RUS":
        brand = c.parts["brand"]
        form = c.parts["form"]
        out.append((f"{form[2]} {_translit(brand).upper()}", 0.15))
        out.append((f"{form[1]} {_translit(brand).upper()}", 0.08))
        if form[1] in RU_FORM_EN_LONG:
            out.append((f"{_translit(brand).upper()} {RU_FORM_EN_LONG[form[1]]}", 0.06))
        alt = rng.choice(CYR_ALT)
        out.append((f"{form[2]} {_translit(brand, alt).upper()}", 0.1))
        out.append((f'{form[2]} "{_translit(brand).upper()}"', 0.05))
        out.append((f"{_translit(brand).title()} {form[1]}", 0.04))
        return out
    name, form = c.parts["name"], c.parts["form"]
    out.append((f"{name} {form.replace('.', '').replace(',', '')}", 0.15))
    out.append((base.title(), 0.05))
    others = [f for f in FOREIGN_FORMS.get(c.country, []) if f != form]
    if others:
        out.append((f"{name} {rng.choice(others)}", 0.08))
    if " " in name:
        first, rest = name.split(" ", 1)
        out.append((f"{rest} {first} {form}", 0.02))
    return out


def local_variants(c: Company, rng: random.Random) -> list[tuple[str, float]]:
    """Spellings in the company's own script (Chinese, Cyrillic); Latin for the others."""
    if c.country in ("CHN", "HKG"):
        han = c.parts["han"]
        act = c.parts["activity"][1]
        city = c.parts["city"][1]
        out = [(c.local, 0.6)]
        if c.country == "CHN":
            out.append((f"{city}{han}{act}有限责任公司", 0.1))
            out.append(
                (f"{city}市{han}{act}有限公司" if "市" not in c.local else f"{city}{han}{act}有限公司", 0.15)
            )
            out.append((f"{city}{han}{act}", 0.05))
        else:
            out.append((f"{han}{act}(香港)有限公司".replace("(", "（").replace(")", "）"), 0.1))
        return out
    if c.country == "RUS":
        brand = c.parts["brand"].upper()
        form = c.parts["form"][0]
        return [
            (c.local, 0.5),
            (f"{form} «{c.parts['brand']}»", 0.15),
            (f'{RU_FORM_LONG[form]} "{brand}"', 0.12),
            (f"{brand} {form}", 0.06),
            (f"{form} {brand}", 0.07),
            (f'{form} "{brand.replace("-", " ")}"', 0.03),
        ]
    return latin_variants(c, rng)


def with_typos(
    variants: list[tuple[str, float]], expected: float, rng: random.Random
) -> list[tuple[str, float]]:
    """Add typo spellings: about 3 % of mentions, spread over more spellings for busy firms."""
    count = int(min(25, max(1 if rng.random() < expected * 0.03 else 0, round(expected * 0.02))))
    out = list(variants)
    for _ in range(count):
        base = rng.choices([v for v, _ in variants], [w for _, w in variants])[0]
        words = base.split()
        candidates = [k for k, w in enumerate(words) if len(w) >= 4]
        if not candidates:
            continue
        k = rng.choice(candidates)
        words[k] = _typo(words[k], rng)
        if rng.random() < 0.15:
            k2 = rng.choice(candidates)
            words[k2] = _typo(words[k2], rng)
        out.append((" ".join(words), 0.03 / count))
    total = sum(w for _, w in out)
    return [(v, w / total) for v, w in out]


def id_text(c: Company, scheme: str, rng: random.Random) -> str:
    value = c.ids[scheme]
    if scheme == "inn" and rng.random() < 0.05:
        return f"ИНН {value}"
    return value


def company_addresses(c: Company, rng: random.Random) -> tuple[str, str, str]:
    """The registered address, the same written differently, and another site of the firm."""
    a = c.address
    variant = (
        a.replace("ROAD", "RD.").replace("ROOM", "RM").replace(", ", " ").title()
        if c.country != "RUS"
        else a.replace("ул.", "улица").replace("д.", "дом").split(", ", 1)[-1]
    )
    if c.country == "RUS":
        street = f"ул. Складская, д. {rng.randint(1, 150)}"
        other = f"{rng.randint(101000, 692999)}, г. {rng.choice(RU_CITIES)}, {street}"
    else:
        other = f"WAREHOUSE {rng.randint(1, 99)}, NO. {rng.randint(1, 999)} INDUSTRIAL ZONE, {c.country}"
    return a, variant, other


# --- lines ------------------------------------------------------------------------------------
