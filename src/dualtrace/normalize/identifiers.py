"""Registration identifiers: normalise them and tell their scheme (INN, OGRN, USCC, LEI, IMO...).

A list carries ids in typed properties (FtM ``innCode``, ``ogrnCode``, ``leiCode``...), in generic
ones (``registrationNumber``, ``taxNumber``) or inside remarks ("Tax ID No. 7744001497 (Russia)");
a declaration carries them in one column without saying which kind. ``scheme_of`` recognises the
strong schemes by their format and check digits, so "7716935343" is an INN wherever it appears.
"""

from __future__ import annotations

import re

__all__ = [
    "PROPERTY_SCHEMES",
    "STRONG_SCHEMES",
    "normalize_id",
    "scheme_of",
    "split_ids",
]

# FtM identifier properties and the scheme dualtrace files them under.
PROPERTY_SCHEMES = {
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "uscCode": "uscc",
    "leiCode": "lei",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "swiftBic": "bic",
    "bikCode": "bik",
    "okpoCode": "okpo",
    "kppCode": "kpp",
    "isinCode": "isin",
    "vatCode": "vat",
    "dunsCode": "duns",
    "taxNumber": "tax",
    "registrationNumber": "registration",
    "idNumber": "id",
    "passportNumber": "passport",
    "uniqueEntityId": "uei",
    "npiCode": "npi",
    "cageCode": "cage",
    "permId": "permid",
    "wikidataId": "wikidata",
    "voenCode": "voen",
    "ricCode": "ric",
    "ticker": "ticker",
}

# Schemes whose format is checkable: a value of one of these is that scheme wherever it is found.
STRONG_SCHEMES = ("inn", "ogrn", "uscc", "lei", "imo", "bic")

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_id(value: str) -> str:
    """Upper case, letters and digits only ("91440300-MA5F.." -> "91440300MA5F..")."""
    return _NON_ALNUM.sub("", value).upper()


def _inn_ok(v: str) -> bool:
    digits = [int(c) for c in v]
    if len(v) == 10:
        w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
        return sum(a * b for a, b in zip(w, digits, strict=False)) % 11 % 10 == digits[9]
    if len(v) == 12:
        w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
        w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
        c1 = sum(a * b for a, b in zip(w1, digits, strict=False)) % 11 % 10
        c2 = sum(a * b for a, b in zip(w2, digits, strict=False)) % 11 % 10
        return c1 == digits[10] and c2 == digits[11]
    return False


def _ogrn_ok(v: str) -> bool:
    if len(v) == 13:
        return int(v[:12]) % 11 % 10 == int(v[12])
    if len(v) == 15:
        return int(v[:14]) % 13 % 10 == int(v[14])
    return False


def _uscc_ok(v: str) -> bool:
    if len(v) != 18 or any(c not in _USCC_CHARS for c in v):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(v[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == v[17]


def _lei_ok(v: str) -> bool:
    if len(v) != 20 or not v.isalnum():
        return False
    number = "".join(str(int(c, 36)) for c in v)
    return int(number) % 97 == 1


def _imo_ok(v: str) -> bool:
    v = v.removeprefix("IMO")
    if len(v) != 7 or not v.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(v[:6], range(7, 1, -1), strict=True)) % 10 == int(v[6])


def _bic_ok(v: str) -> bool:
    return len(v) in (8, 11) and v[:6].isalpha() and v[6:8].isalnum()


def scheme_of(value: str, hint: str | None = None) -> str:
    """The scheme of an id value: a strong scheme when the format and check digits say so,
    else the hint (the property's scheme), else "id"."""
    v = normalize_id(value)
    if v.isdigit():
        if len(v) in (10, 12) and _inn_ok(v):
            return "inn"
        if len(v) in (13, 15) and _ogrn_ok(v):
            return "ogrn"
    if _uscc_ok(v):
        return "uscc"
    if _lei_ok(v):
        return "lei"
    if (v.startswith("IMO") or hint == "imo") and _imo_ok(v):
        return "imo"
    if hint == "bic" and _bic_ok(v):
        return "bic"
    return hint or "id"


_ID_TOKEN = re.compile(r"[0-9A-Z][0-9A-Z\-./ ]{4,}[0-9A-Z]", re.IGNORECASE)


def split_ids(text: str) -> list[str]:
    """The id-looking parts of a free-text value ("7716935343 (Tax ID/INN)" -> ["7716935343"]);
    the whole value when nothing looks like an id."""
    found = []
    for part in re.split(r"[;,()\[\]]|\bno\.|\bnumber\b", text, flags=re.IGNORECASE):
        part = part.strip()
        if sum(c.isdigit() for c in part) >= 4 and _ID_TOKEN.fullmatch(part):
            found.append(part)
        elif sum(c.isdigit() for c in part) >= 4:
            found.extend(m for m in re.findall(r"\b[0-9A-Z]*\d[0-9A-Z]{3,}\b", part))
    return found or ([text.strip()] if text.strip() else [])
