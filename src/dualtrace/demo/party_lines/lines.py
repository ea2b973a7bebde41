"""Declaration lines between the fictional firms, with the true firm of each party."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dualtrace.demo.party_lines.companies import (
    COUNTRY_SHARES,
    Company,
    company_addresses,
    id_text,
    latin_variants,
    local_variants,
    make_company,
    with_typos,
)


@dataclass
class _Pool:
    members: np.ndarray
    cum: np.ndarray

    @classmethod
    def of(cls, members: list[int], rng: np.random.Generator) -> _Pool:
        arr = np.array(members, dtype=np.int64)
        rng.shuffle(arr)
        weights = 1.0 / np.power(np.arange(len(arr)) + 5.0, 0.9)
        cum = np.cumsum(weights)
        return cls(arr, cum / cum[-1])

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        picked: np.ndarray = self.members[
            np.searchsorted(self.cum, rng.random(n), side="right").clip(0, len(self.members) - 1)
        ]
        return picked


def _draw_parties(
    firms: list[Company], lines: int, nrng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each line's kind (0 Russian import, 1 Chinese export, 2 Korean import), shipper and consignee."""
    by_country: dict[str, list[int]] = {}
    for f in firms:
        by_country.setdefault(f.country, []).append(f.index)
    foreign = [
        i
        for c in ("CHN", "HKG", "TUR", "ARE", "KAZ", "DEU", "IND", "ARM", "KGZ")
        for i in by_country.get(c, [])
    ]
    cn_buyers = [i for c in ("RUS", "KAZ", "KGZ", "ARM", "HKG", "TUR", "ARE") for i in by_country.get(c, [])]
    pools = {
        "ru_shipper": _Pool.of(foreign, nrng),
        "ru_consignee": _Pool.of(by_country["RUS"], nrng),
        "cn_shipper": _Pool.of(by_country["CHN"], nrng),
        "cn_consignee": _Pool.of(cn_buyers, nrng),
        "kr_shipper": _Pool.of(by_country["CHN"] + by_country.get("HKG", []), nrng),
        "kr_consignee": _Pool.of(by_country["KOR"], nrng),
    }
    kind = nrng.choice(3, size=lines, p=[0.55, 0.35, 0.10])
    shipper = np.empty(lines, dtype=np.int64)
    consignee = np.empty(lines, dtype=np.int64)
    for k, (s_pool, c_pool) in enumerate(
        (("ru_shipper", "ru_consignee"), ("cn_shipper", "cn_consignee"), ("kr_shipper", "kr_consignee"))
    ):
        mask = kind == k
        shipper[mask] = pools[s_pool].draw(int(mask.sum()), nrng)
        consignee[mask] = pools[c_pool].draw(int(mask.sum()), nrng)
    return kind, shipper, consignee


def _spelling_tables(
    firms: list[Company], mentions: np.ndarray, rng: random.Random
) -> tuple[list[str], dict[str, tuple[int, np.ndarray]]]:
    """(firm, script) -> spellings and cumulative frequencies, flattened into one list of texts."""
    texts: list[str] = []
    offsets = {}
    for script in ("latin", "local"):
        flat_cum: list[float] = []
        start = len(texts)
        for f in firms:
            variants = latin_variants(f, rng) if script == "latin" else local_variants(f, rng)
            variants = with_typos(variants, float(mentions[f.index]) / 2.0, rng)
            acc = 0.0
            for text, weight in variants:
                acc += weight
                texts.append(text)
                flat_cum.append(f.index + min(acc, 1.0))
            flat_cum[-1] = f.index + 1.0
        offsets[script] = (start, np.array(flat_cum))
    return texts, offsets


def _party_ids(
    firms: list[Company],
    kind: np.ndarray,
    shipper: np.ndarray,
    consignee: np.ndarray,
    r: np.ndarray,
    rng: random.Random,
) -> tuple[np.ndarray, np.ndarray]:
    """The id each line writes for its shipper and consignee, as declarations of its kind do."""
    lines = len(kind)
    uscc = np.array([f.ids.get("uscc") for f in firms], dtype=object)
    inn = np.array([id_text(f, "inn", rng) if "inn" in f.ids else None for f in firms], dtype=object)
    ogrn = np.array([f.ids.get("ogrn") for f in firms], dtype=object)
    kcs = np.array([f.ids.get("kcs") for f in firms], dtype=object)
    weak = np.array([f.ids.get("hk") or f.ids.get("bin") for f in firms], dtype=object)
    s_id = np.full(lines, None, dtype=object)
    c_id = np.full(lines, None, dtype=object)
    cn = kind == 1
    s_id[cn & (r[:, 0] < 0.85)] = uscc[shipper[cn & (r[:, 0] < 0.85)]]
    ru = kind == 0
    ru_inn = ru & (r[:, 1] < 0.62)
    ru_ogrn = ru & (r[:, 1] >= 0.62) & (r[:, 1] < 0.7)
    c_id[ru_inn] = inn[consignee[ru_inn]]
    c_id[ru_ogrn] = ogrn[consignee[ru_ogrn]]
    kr = kind == 2
    c_id[kr & (r[:, 1] < 0.9)] = kcs[consignee[kr & (r[:, 1] < 0.9)]]
    weak_s = ru & (r[:, 0] < 0.1)
    s_id[weak_s] = weak[shipper[weak_s]]
    weak_c = cn & (r[:, 1] < 0.1)
    c_id[weak_c] = weak[consignee[weak_c]]
    return s_id, c_id


def _kept(addresses: np.ndarray, keep: np.ndarray) -> pa.Array:
    return pa.array([a if k else None for a, k in zip(addresses, keep, strict=True)], pa.string())


def generate(lines: int, companies: int, seed: int = 7) -> pa.Table:
    """Declaration lines (shipments columns) with the true firm of each party."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    countries = [c for c, _ in COUNTRY_SHARES]
    shares = [s for _, s in COUNTRY_SHARES]
    firms = [make_company(i, rng.choices(countries, shares)[0], rng) for i in range(companies)]
    kind, shipper, consignee = _draw_parties(firms, lines, nrng)
    mentions = np.bincount(np.concatenate([shipper, consignee]), minlength=companies)
    texts, offsets = _spelling_tables(firms, mentions, rng)

    def spell(firm: np.ndarray, script: str) -> np.ndarray:
        start, cum = offsets[script]
        pos = np.searchsorted(cum, firm + 1e-9 + nrng.random(len(firm)) * 0.999998, side="left")
        return pos + start

    # Who writes what: script and id presence by declaration kind and role.
    s_script = np.where(kind == 1, np.where(nrng.random(lines) < 0.8, 1, 0), 0)
    c_script = np.where(kind == 0, np.where(nrng.random(lines) < 0.75, 1, 0), 0)
    s_idx = np.where(s_script == 1, spell(shipper, "local"), spell(shipper, "latin"))
    c_idx = np.where(c_script == 1, spell(consignee, "local"), spell(consignee, "latin"))
    text_arr = np.array(texts, dtype=object)
    s_id, c_id = _party_ids(firms, kind, shipper, consignee, nrng.random((lines, 2)), rng)
    country = np.array([f.country for f in firms], dtype=object)
    # Country fields are not always the firm's: a Hong Kong trader recorded as Chinese, a Chinese
    # maker recorded as Hong Kong when the goods left from there.
    alt_country = np.array(
        [{"HKG": "CHN", "CHN": "HKG"}.get(f.country, f.country) for f in firms], dtype=object
    )
    swap = nrng.random((lines, 2)) < 0.03
    s_country = np.where(swap[:, 0], alt_country[shipper], country[shipper])
    c_country = np.where(swap[:, 1], alt_country[consignee], country[consignee])
    # Addresses: the registered one, written differently, or another site of the firm.
    addresses = np.array([company_addresses(f, rng) for f in firms], dtype=object)
    pick = np.searchsorted([0.6, 0.85], nrng.random((lines, 2)), side="right")
    has_addr = nrng.random((lines, 2)) < 0.7
    days = nrng.integers(0, 1460, size=lines)
    dates = np.datetime64("2021-01-01") + days.astype("timedelta64[D]")
    hs = np.array(["8542310000", "8517620009", "9013809000", "8471500000", "6211339000", "8482100000"])
    values = np.round(nrng.lognormal(10, 1.2, size=lines), 2)
    return pa.table(
        {
            "date": pa.array(dates),
            "declaration_no": pa.array([f"SYN{k}/{i // 3:08d}" for i, k in enumerate(kind.tolist())]),
            "line_no": pa.array((np.arange(lines) % 3 + 1).astype(np.int32)),
            "direction": pa.array(np.where(kind == 1, "export", "import").tolist()),
            "shipper_name": pa.array(text_arr[s_idx].tolist(), pa.string()),
            "shipper_address": _kept(addresses[shipper, pick[:, 0]], has_addr[:, 0]),
            "shipper_country": pa.array(s_country.tolist(), pa.string()),
            "shipper_id": pa.array(s_id.tolist(), pa.string()),
            "consignee_name": pa.array(text_arr[c_idx].tolist(), pa.string()),
            "consignee_address": _kept(addresses[consignee, pick[:, 1]], has_addr[:, 1]),
            "consignee_country": pa.array(c_country.tolist(), pa.string()),
            "consignee_id": pa.array(c_id.tolist(), pa.string()),
            "hs_code": pa.array(hs[nrng.integers(0, len(hs), size=lines)]),
            "value": pa.array(values),
            "currency": pa.array(["USD"] * lines),
            "value_usd": pa.array(values),
            "_truth_shipper": pa.array(shipper),
            "_truth_consignee": pa.array(consignee),
        }
    )
