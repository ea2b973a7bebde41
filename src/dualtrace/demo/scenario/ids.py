"""Identifiers with the real check-digit rules, so fictional ids look and validate like real ones.

- Chinese Unified Social Credit Code (USCC, GB 32100-2015): 18 characters, with the embedded
  organisation code (GB 11714) and its own check character.
- Russian INN of a legal entity (10 digits) and OGRN (13 digits), with their check digits.
- Hong Kong Companies Registry number (7 digits) and Kazakh BIN (12 digits, no check here).
"""

from __future__ import annotations

import random

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def _org_code_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    return uscc_check(code[:17]) == code[17] and _org_code_check(code[8:16]) == code[16]


def uscc(rng: random.Random, division: str) -> str:
    """A valid USCC for an enterprise ('91') registered in the 6-digit admin ``division``."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body = body if body[0] in "MN" else "MA" + body[2:]  # newer codes begin MA.. like real ones
    org = body + _org_code_check(body)
    first17 = "91" + division + org
    return first17 + uscc_check(first17)


def inn10_check(first9: str) -> str:
    return str(sum(int(c) * w for c, w in zip(first9, _INN10_WEIGHTS, strict=True)) % 11 % 10)


def is_valid_inn10(code: str) -> bool:
    return len(code) == 10 and code.isdigit() and inn10_check(code[:9]) == code[9]


def inn10(rng: random.Random, region: str) -> str:
    """A valid 10-digit INN of a legal entity in the 2-digit ``region`` (77 Moscow, 78 St P.)."""
    first9 = region + f"{rng.randint(1, 51):02d}" + f"{rng.randint(0, 99999):05d}"
    return first9 + inn10_check(first9)


def ogrn(rng: random.Random, region: str, year: int) -> str:
    """A valid 13-digit OGRN: sign 1, year of registration, region, serial, check digit."""
    first12 = "1" + f"{year % 100:02d}" + region + f"{rng.randint(0, 9999999):07d}"
    return first12 + str(int(first12) % 11 % 10)


def is_valid_ogrn(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and str(int(code[:12]) % 11 % 10) == code[12]


def hk_cr(rng: random.Random, year: int) -> str:
    """A 7-digit Hong Kong Companies Registry number in the range issued around ``year``."""
    low = 2_400_000 + (year - 2016) * 130_000
    return str(rng.randint(low, low + 120_000))


def kz_bin(rng: random.Random, year: int, month: int) -> str:
    """A 12-digit Kazakh business identification number (yymm + 4 + 6 digits, unchecked)."""
    return f"{year % 100:02d}{month:02d}40{rng.randint(0, 99999):05d}{rng.randint(0, 9)}"


def tr_vkn(rng: random.Random) -> str:
    """A 10-digit Turkish tax number (vergi kimlik numarası, unchecked)."""
    return f"{rng.randint(1, 9)}{rng.randint(0, 999999999):09d}"
