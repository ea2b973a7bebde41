"""The records of a resolution as a DuckDB temp table, each with its name's keys (``_nw_rec``).

The units and candidate pairs (``pairs.py``) are built from this table; ``with_readings`` first
adds the pinyin reading of each Chinese name written in Cyrillic as one more record.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.normalize.name_keys import NameKeys, keys_for
from dualtrace.warehouse.db import register_frame

__all__ = ["load_record_table", "with_readings"]


def load_record_table(
    con: duckdb.DuckDBPyConnection,
    records: pa.Table,
    names: list[str],
    distinct: list[str],
    keys: list[NameKeys],
) -> None:
    """The temp table ``_nw_rec``: every record with its name's keys (``keys[i]`` are the keys
    of ``distinct[i]``), which the units and the candidate pairs are built from."""
    n = len(records)
    index = {name: i for i, name in enumerate(distinct)}
    name_idx = np.fromiter((index[x] for x in names), dtype=np.int64, count=n)
    schemas = records.column("schema").to_pylist()
    key_table = pa.table(
        {
            "norm": [k.norm for k in keys],
            "exact": [k.exact for k in keys],
            "core": [k.core for k in keys],
            "ordered": [k.ordered for k in keys],
            "generic": pa.array([k.generic for k in keys], pa.int64()),
            "places": pa.array([k.places for k in keys], pa.int64()),
            "legal": [k.legal for k in keys],
        }
    )
    rec = pa.table(
        {
            "record_id": pa.array(np.arange(n, dtype=np.int64)),
            "name_idx": pa.array(name_idx),
            "country": records.column("country"),
            "person": pa.array([s == "Person" for s in schemas], pa.bool_()),
            "lines": records.column("lines"),
            "ids": records.column("ids"),
            "address": records.column("address"),
        }
    )
    with register_frame(con, "_nw_rec_arrow", rec), register_frame(con, "_nw_keys_arrow", key_table):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _nw_rec AS
            SELECT r.record_id, r.name_idx, k.exact, k.core, k.ordered, k.generic, k.places, k.legal, k.norm,
                   r.country, r.person, r.lines, r.ids, r.address
            FROM _nw_rec_arrow r JOIN (SELECT row_number() OVER () - 1 AS name_idx, * FROM _nw_keys_arrow) k
                 USING (name_idx)
            """
        )


def with_readings(
    records: pa.Table, names: list[str], distinct: list[str], keys: list[NameKeys]
) -> tuple[pa.Table, list[str], list[str], list[NameKeys]]:
    """Add a record for the pinyin reading of each Chinese name written in Cyrillic (same ref,
    so it joins its record), to meet the same firm written in pinyin or in Chinese."""
    reading_of = {name: k.reading for name, k in zip(distinct, keys, strict=True) if k.reading}
    if not reading_of:
        return records, names, distinct, keys
    rows = [i for i, name in enumerate(names) if name in reading_of]
    extra = records.take(pa.array(rows, pa.int64()))
    readings = [reading_of[names[i]] for i in rows]
    extra = extra.set_column(extra.schema.get_field_index("name"), "name", pa.array(readings, pa.string()))
    extra = extra.set_column(
        extra.schema.get_field_index("origin"), "origin", pa.array(["reading"] * len(rows))
    )
    extra = extra.set_column(
        extra.schema.get_field_index("party_key"), "party_key", pa.array([None] * len(rows), pa.string())
    )
    extra = extra.set_column(
        extra.schema.get_field_index("lines"), "lines", pa.array([0] * len(rows), pa.int64())
    )
    new = sorted(set(readings) - set(distinct))
    return (
        pa.concat_tables([records, extra]),
        names + readings,
        distinct + new,
        keys + [keys_for(x) for x in new],
    )
