"""Screening benchmark: bulk throughput and accuracy, side by side with nomenklatura logic-v2.

    PYTHONPATH=src /work/venv/bin/python benchmarks/screening.py [--names 100000] [--sample 300]

1. Loads every list file of ../shared/data/sanctions into a warehouse (benchmarks/.data/).
2. Generates N counterparty names (seeded): variants of real listed company names (case, legal
   form changed or dropped, customs abbreviations, a typo, words swapped, tokens joined or split,
   punctuation) mixed with unrelated generated company names (Chinese, Russian and trading-firm
   patterns), about 20% planted.
3. Screens all of them in bulk (dualtrace Screener: DuckDB blocking + scoring) and prints names per
   second, recall of the planted variants and precision of the hits (top hit per name).
4. Runs nomenklatura's logic-v2 in its own virtualenv (benchmarks/.venv-nk, created on first run
   with pip; nomenklatura pins duckdb < 2) on a sample of the same names, one name at a time with
   the same candidates as dualtrace's blocking (as yente scores the candidates its search returns),
   and prints its speed, recall and precision on the sample, and the speed ratio.
5. Scores the project's labelled pairs (tests/screening/labelled_pairs.csv) with both matchers and
   prints their F1 side by side.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dualtrace import warehouse  # noqa: E402
from dualtrace.lists.load import load_paths  # noqa: E402
from dualtrace.normalize.names import analyze  # noqa: E402
from dualtrace.reference import by_code  # noqa: E402
from dualtrace.screening.engine import Screener  # noqa: E402
from dualtrace.screening.index import block  # noqa: E402
from dualtrace.screening.score import DEFAULT_THRESHOLD, Query  # noqa: E402
from nk_runner import run_nk  # noqa: E402
from screening_heldout import eval_comparison  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
SHARED = Path(os.environ.get("DUALTRACE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sanctions"
NK_THRESHOLD = 0.7  # yente's default match threshold

LIST_GROUPS = [
    [
        "ofac/sdn_2024-05-03.csv",
        "ofac/alt_2025-02.csv",
        "ofac/add_2025-02.csv",
        "ofac/sdn_comments_2025-02.csv",
    ],
    ["ofac/cons_prim_2025-12.csv", "ofac/cons_alt_2025-12.csv", "ofac/cons_add_2025-12.csv"],
    ["eu/eu__journal_sanctions__32014R0833.csv"],
    ["eu/eu__journal_sanctions__32014R0269.csv"],
    ["un/UN_consolidated.xml"],
    ["us-csl/csl_2019_sample.csv"],
    ["us-csl/bis_dpl_2019.txt"],
    ["opensanctions/us__dod_chinese_milcorps__sanctions.csv"],
    ["opensanctions/cn__sanctions__sanctions.csv"],
    ["opensanctions/yente_zala_entities.ftm.json"],
]


def build_warehouse() -> Any:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "screening-bench.duckdb"
    con = warehouse.connect(path)
    for group in LIST_GROUPS:
        files = [SHARED / f for f in group]
        if all(f.exists() for f in files):
            load_paths(con, files, list_name="zala" if "zala" in group[0] else None)
    return con


# --- names ---------------------------------------------------------------------------------

ABBREV = {
    "TECHNOLOGY": "TECH", "ELECTRONIC": "ELEC", "ELECTRONICS": "ELEC", "INTERNATIONAL": "INTL",
    "TRADING": "TRDG", "COMPANY": "CO", "LIMITED": "LTD", "GROUP": "GRP", "SERVICES": "SRVCS",
    "COMMUNICATION": "COMM", "EQUIPMENT": "EQPT", "MANUFACTURING": "MFG", "HONG KONG": "HK",
}  # fmt: skip
LEGAL = ["CO., LTD.", "CO LTD", "LIMITED", "LTD", "LLC", "JSC", "COMPANY LIMITED", ""]
SYL = [
    "hao",
    "xin",
    "rui",
    "da",
    "long",
    "feng",
    "tai",
    "hua",
    "sheng",
    "kang",
    "jia",
    "yuan",
    "tong",
    "ming",
    "bao",
    "heng",
    "chang",
    "fu",
    "jin",
    "wei",
    "guang",
    "tian",
    "yu",
    "an",
    "cheng",
    "de",
    "hong",
    "xiang",
    "li",
    "mei",
    "zhi",
    "qiang",
    "sen",
    "lin",
    "kai",
    "bo",
    "run",
]
CITY = [
    "Ningbo",
    "Suzhou",
    "Foshan",
    "Wenzhou",
    "Qingdao",
    "Dalian",
    "Hefei",
    "Changsha",
    "Kunming",
    "Nanchang",
    "Yiwu",
    "Shantou",
    "Xuzhou",
    "Weifang",
]
ACT = [
    "Plastic Products", "Garment", "Furniture", "Ceramics", "Textile", "Auto Parts", "Food", "Paper Products",
    "Hardware Tools", "Lighting", "Packaging", "Toys", "Bathroom Fittings", "Pet Products",
]  # fmt: skip
RU_ROOT = [
    "sib",
    "tekh",
    "prom",
    "energo",
    "stroy",
    "avto",
    "agro",
    "neft",
    "trans",
    "med",
    "info",
    "servis",
    "elektro",
    "metall",
    "kom",
    "opt",
    "torg",
    "les",
    "ural",
    "volga",
    "don",
    "baikal",
]
EN_WORD = [
    "Blue",
    "Ocean",
    "Silver",
    "Maple",
    "Golden",
    "Bridge",
    "Green",
    "Valley",
    "Sunrise",
    "Horizon",
    "Crystal",
    "Pioneer",
    "Summit",
    "Harbor",
    "Falcon",
    "Cedar",
    "Orchid",
    "Atlas",
]


def unrelated(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return f"{rng.choice(CITY)} {rng.choice(SYL).title()}{rng.choice(SYL)} {rng.choice(ACT)} Co., Ltd."
    if kind < 0.75:
        root = rng.choice(RU_ROOT) + rng.choice(RU_ROOT)
        return rng.choice(
            [f"OOO {root.upper()}", f"LLC {root.title()}-{rng.choice(['M', 'Plus', 'Yug', 'Sever'])}"]
        )
    kind_word = rng.choice(["Trading", "Logistics", "Imports"])
    return f"{rng.choice(EN_WORD)} {rng.choice(EN_WORD)} {kind_word} Limited"


def variant(name: str, rng: random.Random) -> tuple[str, str]:
    """A spelling of a listed name as a declaration might carry it. Typos, joined words and swapped
    words hit the words that name the firm (not its legal form)."""
    upper = " ".join(name.upper().replace(",", ", ").split())
    kinds = ["case", "legal", "abbrev", "typo", "order", "spacing", "punct"]
    kind = rng.choice(kinds)
    words = upper.split()
    core = {t.upper() for t in analyze(name).tokens}
    named = [i for i, w in enumerate(words) if re.sub(r"[^\w]", "", w) in core]
    if kind == "legal":
        base = re.sub(r"\b(CO\.?,? ?LTD\.?|LIMITED|LTD\.?|LLC|JSC|CORPORATION|INC\.?)$", "", upper).strip(
            " ,"
        )
        return f"{base} {rng.choice(LEGAL)}".strip(), kind
    if kind == "abbrev":
        out = upper
        for full, short in ABBREV.items():
            out = re.sub(rf"\b{full}\b", short, out)
        return out, kind
    if kind == "typo" and named:
        longest = max(named, key=lambda i: len(words[i]))
        w = words[longest]
        if len(w) >= 6:
            i = rng.randrange(1, len(w) - 2)
            words[longest] = (
                w[:i] + w[i + 1 :] if rng.random() < 0.5 else w[:i] + w[i + 1] + w[i] + w[i + 2 :]
            )
        return " ".join(words), kind
    if kind == "order" and len(named) >= 2:
        a, b = named[0], named[1]
        words[a], words[b] = words[b], words[a]
        return " ".join(words), kind
    adjacent = [i for i in named if i + 1 in named]
    if kind == "spacing" and adjacent:
        i = rng.choice(adjacent)
        return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]]), kind
    if kind == "punct":
        return re.sub(r"[.,\-()'\"«»]", " ", upper), kind
    return upper if rng.random() < 0.5 else name.title(), "case"


def make_names(con: Any, n: int, seed: int = 7) -> tuple[list[str], dict[int, str]]:
    """N names; the planted ones map to the normalised form of the list name they vary."""
    rng = random.Random(seed)
    sources = con.execute(
        "SELECT DISTINCT n.name FROM screen_names n JOIN entities e USING (list, entity_id)"
        " WHERE e.schema IN ('Company', 'Organization', 'LegalEntity') AND length(n.name) BETWEEN 12 AND 90"
        " ORDER BY n.name"
    ).fetchall()
    pool = [r[0] for r in sources if len(analyze(r[0]).tokens) >= 2 and analyze(r[0]).script == "Latn"]
    names: list[str] = []
    planted: dict[int, str] = {}
    for i in range(n):
        if rng.random() < 0.2:
            source = rng.choice(pool)
            text, _ = variant(source, rng)
            planted[i] = analyze(source).norm
            names.append(text)
        else:
            names.append(unrelated(rng))
    return names, planted


# --- accuracy ------------------------------------------------------------------------------


def entity_norms(con: Any) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lst, eid, norm in con.execute("SELECT list, entity_id, norm FROM entity_names").fetchall():
        out[(lst, eid)].add(norm)
    return out


def accuracy(
    hits: dict[int, list[tuple[str, str]]], ids: list[int], planted: dict[int, str], norms: Any
) -> tuple[float, float]:
    """Recall: planted names with a hit on an entity that carries the varied name. Precision: names
    with hits whose hits include such an entity (a hit on an unrelated name is a false one)."""

    def right(i: int) -> bool:
        return i in planted and any(planted[i] in norms.get(h, set()) for h in hits.get(i, []))

    with_hits = [i for i in ids if hits.get(i)]
    wanted = [i for i in ids if i in planted]
    recall = sum(1 for i in wanted if right(i)) / len(wanted) if wanted else 1.0
    precision = sum(1 for i in with_hits if right(i)) / len(with_hits) if with_hits else 1.0
    return recall, precision


# --- nomenklatura --------------------------------------------------------------------------


def iso2(code: str | None) -> str | None:
    country = by_code(code) if code else None
    alpha2 = getattr(country, "iso2", None) if country else None
    return alpha2.lower() if alpha2 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--skip-nk", action="store_true", help="do not run nomenklatura")
    parser.add_argument("--eval-only", action="store_true", help="only the held-out pair evaluation")
    args = parser.parse_args()

    t0 = time.perf_counter()
    con = build_warehouse()
    screener = Screener(con)
    print(
        f"lists: {screener.names:,} names of listed parties indexed"
        f" ({time.perf_counter() - t0:.1f}s to load/index)"
    )
    if args.eval_only:
        eval_comparison(con, screener)
        return
    names, planted = make_names(con, args.names)
    print(f"generated {len(names):,} counterparty names, {len(planted):,} planted variants of listed names")
    norms = entity_norms(con)

    # the same names blocked with the earlier share (0.3) first: the baseline of this run
    base = Screener(con, min_share=0.3)
    started = time.perf_counter()
    base_results = base.screen([Query(n) for n in names], threshold=DEFAULT_THRESHOLD, limit=3)
    base_s = time.perf_counter() - started
    base_top = {i: [(h.candidate.list, h.candidate.entity_id) for h in r] for i, r in enumerate(base_results)}
    base_recall, base_precision = accuracy(base_top, list(range(len(names))), planted, norms)
    print(
        f"baseline (min_share 0.3): {len(names) / base_s:,.0f} names/s, recall of planted variants"
        f" {base_recall:.3f}, precision of hits {base_precision:.3f}"
    )

    started = time.perf_counter()
    results = screener.screen([Query(n) for n in names], threshold=DEFAULT_THRESHOLD, limit=3)
    elapsed = time.perf_counter() - started
    top = {i: [(h.candidate.list, h.candidate.entity_id) for h in r] for i, r in enumerate(results)}
    recall, precision = accuracy(top, list(range(len(names))), planted, norms)
    rate = len(names) / elapsed
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nmachine: {os.cpu_count()} cores, load average {load}"
        " (other work on the machine slows every figure)"
    )
    print(
        f"dualtrace bulk: {len(names):,} names in {elapsed:.1f}s = {rate:,.0f} names/s "
        f"(threads={con.execute('SELECT current_setting(' + repr('threads') + ')').fetchall()[0][0]})"
    )
    print(
        f"  recall of planted variants {recall:.3f}, precision of hits {precision:.3f}"
        f" at threshold {DEFAULT_THRESHOLD} (top 3 hits per name)"
    )
    print(
        f"  speed ratio to the min_share 0.3 baseline: {base_s / elapsed:.2f}x (min_share {screener.min_share})"
    )

    if args.skip_nk:
        return
    rng = random.Random(11)
    sample = sorted(rng.sample(range(len(names)), args.sample))
    blocked = block(con, [analyze(names[i]) for i in sample], top_k=screener.top_k)
    keys = {(r[1], r[2]) for rows in blocked.values() for r in rows}
    screener._load(keys)
    tasks = []
    for pos, i in enumerate(sample):
        cands = []
        for lst, eid in {(r[1], r[2]) for r in blocked.get(pos, [])}:
            c = screener._entities[(lst, eid)]
            schema = (
                c.schema
                if c.schema in ("Person", "Company", "Organization", "LegalEntity", "Vessel")
                else "LegalEntity"
            )
            cands.append({"id": f"{lst}|{eid}", "schema": schema, "names": c.names,
                          "countries": [x for x in (iso2(k) for k in c.countries) if x]})  # fmt: skip
        tasks.append({"id": i, "query": {"schema": "LegalEntity", "name": names[i]}, "candidates": cands})
    nk = run_nk(tasks)
    nk_seconds = sum(r["seconds"] for r in nk)
    nk_top: dict[int, list[tuple[str, str]]] = {}
    for r in nk:
        ranked = sorted(r["scores"].items(), key=lambda kv: -kv[1])[:3]
        nk_top[r["id"]] = [(k.split("|", 1)[0], k.split("|", 1)[1]) for k, v in ranked if v >= NK_THRESHOLD]
    nk_recall, nk_precision = accuracy(nk_top, sample, planted, norms)
    our_recall, our_precision = accuracy(top, sample, planted, norms)
    nk_rate = len(sample) / nk_seconds
    candidates = sum(len(t["candidates"]) for t in tasks)
    print(
        f"\nnomenklatura logic-v2, one name at a time on a sample of {len(sample)} names"
        f" ({candidates:,} candidates, the same as dualtrace's blocking):"
    )
    print(
        f"  {nk_rate:,.1f} names/s (scoring only, no search); recall {nk_recall:.3f},"
        f" precision {nk_precision:.3f} at {NK_THRESHOLD}"
    )
    print(f"  dualtrace on the same sample: recall {our_recall:.3f}, precision {our_precision:.3f}")
    print(f"  speed: dualtrace bulk is {rate / nk_rate:,.0f}x the per-name logic-v2 path")
    eval_comparison(con, screener)


if __name__ == "__main__":
    main()
