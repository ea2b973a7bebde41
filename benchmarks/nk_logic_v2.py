"""Score name pairs with nomenklatura's logic-v2, one comparison at a time (as yente does).

Runs inside a separate virtualenv holding nomenklatura (it pins duckdb < 2, which dualtrace does
not use): benchmarks/screening.py starts it as a subprocess and feeds it JSON lines on stdin:

    {"id": ..., "query": {"schema", "name", "country"},
     "candidates": [{"id", "schema", "names", "countries"}]}

and reads one JSON line per input: {"id": ..., "scores": {candidate id: score}, "seconds": ...}.
The time is measured here, per query, around entity construction and comparison only (after a
warm-up comparison, so rigour's one-time data loading is not counted).
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm

LOGIC_V2 = get_algorithm("logic-v2")
CONFIG = LOGIC_V2.default_config()


def _entity(eid: str, schema: str, names: list[str], countries: list[str]):  # type: ignore[no-untyped-def]
    entity = model.make_entity(schema if schema in model.schemata else "LegalEntity")
    entity.id = eid
    for name in names:
        entity.add("name", name)
    for country in countries:
        entity.add("country", country, quiet=True)
    return entity


def main() -> None:
    # warm up (rigour loads its name data on first use) so the timings measure comparisons
    LOGIC_V2.compare(
        _entity("w1", "Company", ["Warm Up LLC"], []), _entity("w2", "Company", ["Warm Up"], []), CONFIG
    )
    for line in sys.stdin:
        task = json.loads(line)
        started = time.perf_counter()
        q = task["query"]
        # ids unique per comparison: nomenklatura caches its name analysis by entity id
        qid = f"q-{task['id']}"
        query = _entity(
            qid, q.get("schema") or "LegalEntity", [q["name"]], [c for c in [q.get("country")] if c]
        )
        scores = {}
        for cand in task["candidates"]:
            result = _entity(
                f"{qid}-{cand['id']}",
                cand.get("schema") or "LegalEntity",
                cand["names"],
                cand.get("countries", []),
            )
            scores[cand["id"]] = LOGIC_V2.compare(query, result, CONFIG).score
        sys.stdout.write(
            json.dumps({"id": task["id"], "scores": scores, "seconds": time.perf_counter() - started}) + "\n"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
