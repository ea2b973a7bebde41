"""``dualtrace lists load``: detect each file's layout, parse it, store it as a list version."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dualtrace.errors import InputError
from dualtrace.lists import registry
from dualtrace.lists.model import Batch
from dualtrace.lists.store import VersionReport, store

__all__ = ["LoadResult", "detect", "layouts", "load_paths", "parse"]


def layouts() -> dict[str, str]:
    """Layout name -> description, in detection order (data/sources.yaml)."""
    return {name: record.description for name, record in registry.layouts().items()}


@dataclass
class LoadResult:
    reports: list[VersionReport]


def _head(path: Path, size: int = 65536) -> str:
    raw = path.open("rb").read(size)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _ofac_part(path: Path) -> str:
    stem = path.stem.lower()
    if "comment" in stem:
        return "comments"
    if stem.startswith(("alt", "cons_alt")) or "_alt" in stem:
        return "alt"
    if stem.startswith(("add", "cons_add")) or "_add" in stem:
        return "add"
    return "main"


def _csv_header(text: str, delimiter: str = ",") -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def _json_class(path: Path, stripped: str) -> str | None:
    """What a JSON list file holds, from its first record: delta, ftm, ftm-nested or csl."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = next((line for line in handle if line.strip()), "")
    try:
        data = json.loads(first)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict) and "op" in data:
        return "delta"
    if isinstance(data, dict) and "schema" in data:
        nested = any(isinstance(v, dict) for vals in (data.get("properties") or {}).values() for v in vals)
        return "ftm-nested" if nested or "nested" in path.name else "ftm"
    if stripped.startswith("[") or (isinstance(data, dict) and "results" in data) or data is None:
        return "csl"
    return None


def _ofac_numbered(header: list[str]) -> bool:
    return bool(header) and header[0].strip().isdigit() and len(header) in (2, 5, 6, 12)


def detect(path: Path) -> str:
    """The layout of a list file, from its name and first bytes (rules in data/sources.yaml)."""
    if not path.exists():
        raise InputError(f"file not found: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty")
    head = _head(path)
    stripped = head.lstrip()
    records = registry.layouts().values()
    if stripped.startswith("<"):
        found = next((r.name for r in records if r.detect.get("xml") and r.detect["xml"] in head), None)
        if found is None:
            raise InputError(f"{path.name}: XML of an unknown list layout; give --layout")
        return found
    if stripped.startswith(("{", "[")):
        kind = _json_class(path, stripped)
        found = next((r.name for r in records if kind and r.detect.get("json") == kind), None)
        if found is None:
            raise InputError(f"{path.name}: JSON of an unknown list layout; give --layout")
        return found
    header, tsv_header, start = _csv_header(head), _csv_header(head, "\t"), head[:3000]
    for record in records:
        rule = record.detect
        if (
            ("csv_columns" in rule and all(c in header for c in rule["csv_columns"]))
            or ("tsv_columns" in rule and all(c in tsv_header for c in rule["tsv_columns"]))
            or ("text_any" in rule and any(t in start for t in rule["text_any"]))
            or ("text_all" in rule and all(t in start for t in rule["text_all"]))
            or (rule.get("ofac_numbered") and _ofac_numbered(header))
        ):
            return record.name
    raise InputError(
        f"{path.name}: cannot tell its list layout; give --layout (one of {', '.join(registry.layouts())})"
    )


def _read(kind: str, path: Path | dict[str, Path], list_name: str | None) -> Batch:
    """One file read by its layout's reader; text it cannot decode, split into CSV records or
    whose values do not parse is one line naming the file, never a traceback."""
    name = path.name if isinstance(path, Path) else ", ".join(p.name for p in path.values())
    try:
        batch: Batch = registry.layout(kind).read_function()(path, list_name)
        return batch
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not {exc.encoding} text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{name}: cannot be read as CSV ({exc})") from None
    except ValueError as exc:  # a date, number or code in the file that does not parse
        raise InputError(f"{name}: a value cannot be read ({str(exc).splitlines()[0]})") from None


def parse(paths: Sequence[Path], *, layout: str | None = None, list_name: str | None = None) -> list[Batch]:
    """Parse files into batches (one per list version). OFAC companion files are grouped with
    their sdn.csv / cons_prim.csv."""
    if layout is not None:
        registry.layout(layout)  # a clear error for an unknown name
    ofac: dict[str, dict[str, Path]] = {}
    batches: list[Batch] = []
    for path in paths:
        kind = layout or detect(path)
        if kind in ("ofac-csv", "ofac-history"):
            family = "ofac_cons" if path.stem.lower().startswith("cons") else "ofac_sdn"
            part = "history" if kind == "ofac-history" else _ofac_part(path)
            group = ofac.setdefault(family, {})
            if part in group:
                raise InputError(f"two OFAC {part} files in one load: {group[part].name} and {path.name}")
            group[part] = path
            continue
        batches.append(_read(kind, path, list_name))
    for family, files in ofac.items():
        batches.append(_read("ofac-csv", files, list_name or family))
    return _together(batches)


def _together(batches: list[Batch]) -> list[Batch]:
    """Full snapshots of one list given in one load (two US CSL files) are parts of one version:
    one batch, so the second does not replace the first. Deltas stay as they are."""
    out: list[Batch] = []
    by_list: dict[str, Batch] = {}
    for batch in batches:
        first = by_list.get(batch.list_name)
        if batch.is_delta or first is None or first.is_delta:
            out.append(batch)
            by_list.setdefault(batch.list_name, batch)
            continue
        newer = {e.id for e in batch.entities}
        kept = [e for e in first.entities if e.id not in newer]
        if len(kept) < len(first.entities):
            first.notes.append(
                f"{len(first.entities) - len(kept)} entries of {first.files[-1].name} also in"
                f" {batch.files[0].name}: the later file's kept"
            )
        first.entities[:] = [*kept, *batch.entities]
        first.files.extend(batch.files)
        first.notes.extend(batch.notes)
        if batch.version_date and (first.version_date is None or batch.version_date > first.version_date):
            first.version_date = batch.version_date
    return out


def load_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    *,
    layout: str | None = None,
    list_name: str | None = None,
    version_date: date | None = None,
    force: bool = False,
    on_report: Callable[[VersionReport], None] | None = None,
) -> list[VersionReport]:
    if not paths:
        raise InputError("no list files given")
    files = [Path(p) for p in paths]
    for file in files:
        if not file.exists():
            raise InputError(f"file not found: {file}")
        if file.is_dir():
            raise InputError(f"{file} is a folder; give the list files")
    reports = []
    for batch in parse(files, layout=layout, list_name=list_name):
        report = store(con, batch, version_date=version_date, force=force)
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports
