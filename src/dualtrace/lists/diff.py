"""`lists diff`: what changed in a list between two of its versions.

Entities are compared by id: *added* (only in the later version), *removed* (only in the
earlier), *changed* (in both, with other properties). Each change names what kind of property
changed (names, identifiers, programs, addresses, countries, dates...) and the values gained and
lost. Records that belong to a listed party (its Sanction, Address, Identification, Ownership
entities) are folded into that party: a new programme on an SDN entry is a change of the entry's
programs, not a new Sanction entity of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb
from followthemoney import model
from followthemoney.types import registry

from dualtrace.errors import InputError
from dualtrace.lists.history import State, states

__all__ = ["EntityChange", "ListDiff", "diff"]

_PROGRAM_PROPS = {"program", "programId", "authority", "authorityId", "unscId"}
# What a folded record changes in its party, by the record's schema.
_RECORD_KIND = {"Address": "addresses", "Identification": "identifiers", "Passport": "identifiers"}


@dataclass
class EntityChange:
    entity_id: str
    schema: str
    caption: str | None
    change: str  # added | removed | changed
    # property ("Sanction.program" for a folded record) -> {"added": [...], "removed": [...]}
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in ("change", "entity_id", "schema", "caption")}
        return shown | {"what": sorted(self.kinds), "properties": self.properties}

    def summary(self, width: int = 120) -> str:
        parts = []
        for prop, values in sorted(self.properties.items()):
            parts += [f"+{prop} {v}" for v in values["added"]] + [f"-{prop} {v}" for v in values["removed"]]
        text = "; ".join(parts)
        return text if len(text) <= width else text[: width - 3] + "..."


@dataclass
class ListDiff:
    list_name: str
    from_version: int
    to_version: int
    changes: list[EntityChange]

    def of(self, change: str) -> list[EntityChange]:
        return [c for c in self.changes if c.change == change]

    def counts(self) -> dict[str, int]:
        return {k: len(self.of(k)) for k in ("added", "removed", "changed")}

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "from_version": self.from_version,
            "to_version": self.to_version,
            **self.counts(),
            "changes": [c.as_dict() for c in self.changes],
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per entity for a table."""
        return [
            {
                "change": c.change,
                "entity_id": c.entity_id,
                "schema": c.schema,
                "caption": c.caption,
                "what": ", ".join(sorted(c.kinds)),
                "details": c.summary(),
            }
            for c in self.changes
        ]


def _kind(schema: str, prop: str) -> str:
    """What kind of property this is, from its FtM type."""
    if prop in _PROGRAM_PROPS:
        return "programs"
    if prop == "addressEntity":
        return "addresses"
    found = model.get(schema)
    ptype = found.properties[prop].type if found is not None and prop in found.properties else None
    kinds = {
        registry.name: "names",
        registry.identifier: "identifiers",
        registry.address: "addresses",
        registry.country: "countries",
        registry.date: "dates",
        registry.entity: "links",
    }
    # Other properties are named as they are (notes, gender, title...).
    return kinds.get(ptype, prop) if ptype is not None else prop


def _property_changes(old: State, new: State, prefix: str = "") -> dict[str, dict[str, list[str]]]:
    out = {}
    for prop in sorted(set(old.properties) | set(new.properties)):
        before, after = old.properties.get(prop, []), new.properties.get(prop, [])
        gained = [v for v in after if v not in before]
        lost = [v for v in before if v not in after]
        if gained or lost:
            out[prefix + prop] = {"added": gained, "removed": lost}
    if old.schema != new.schema:
        out[prefix + "schema"] = {"added": [new.schema], "removed": [old.schema]}
    if old.target != new.target:
        out[prefix + "target"] = {"added": [str(new.target)], "removed": [str(old.target)]}
    return out


def _record_kinds(schema: str, props: dict[str, dict[str, list[str]]]) -> set[str]:
    """What a change of a party's record (Sanction, Address, link...) changes in the party."""
    if schema in _RECORD_KIND:
        return {_RECORD_KIND[schema]}
    found = model.get(schema)
    if found is not None and found.edge:
        return {"links"}
    if schema == "Sanction":
        return {"programs" if p.split(".", 1)[-1] in _PROGRAM_PROPS else "sanctions" for p in props} or {
            "sanctions"
        }
    return {schema.lower()}


def _owners(old: dict[str, State], new: dict[str, State]) -> dict[str, set[str]]:
    """Record id -> the listed parties it is about, in either version: the party a Sanction or
    Identification points at, the source of a link (UnknownLink subject, Ownership owner: an
    entry linked *to* by a new entry has not changed itself), a party's addressEntity."""
    owners: dict[str, set[str]] = defaultdict(set)
    for version in (old, new):
        for eid, state in version.items():
            schema = model.get(state.schema)
            if state.target:
                for values in state.properties.values():
                    for value in values:
                        if value in version and not version[value].target:
                            owners[value].add(eid)
                continue
            source = schema.edge_source if schema is not None and schema.edge else None
            for prop in [source] if source else list(state.properties):
                owners[eid] |= {
                    v for v in state.properties.get(prop, []) if v in version and version[v].target
                }
    return owners


def _versions(con: duckdb.DuckDBPyConnection, list_name: str) -> list[int]:
    found = [
        int(r[0])
        for r in con.execute(
            "SELECT version_id FROM list_versions WHERE list = ? ORDER BY version_id", [list_name]
        ).fetchall()
    ]
    if not found:
        known = [r[0] for r in con.execute("SELECT DISTINCT list FROM list_versions ORDER BY 1").fetchall()]
        raise InputError(f"no versions of list {list_name!r}; loaded lists: {', '.join(known) or 'none'}")
    return found


def _resolve(versions: list[int], list_name: str, start: int | None, end: int | None) -> tuple[int, int]:
    for given, option in ((start, "--from"), (end, "--to")):
        if given is not None and given not in versions:
            raise InputError(
                f"{option} {given}: not a version of {list_name}"
                f" (its versions: {', '.join(map(str, versions))})"
            )
    if end is None:
        end = versions[-1]
    if start is None:
        earlier = [v for v in versions if v < end]
        if not earlier:
            raise InputError(
                f"{list_name} has no version before {end} to compare with (versions: "
                f"{', '.join(map(str, versions))}); load another version or pass --from"
            )
        start = earlier[-1]
    return start, end


def diff(
    con: duckdb.DuckDBPyConnection, list_name: str, start: int | None = None, end: int | None = None
) -> ListDiff:
    """Entities added, removed and changed from version ``start`` to ``end`` of a list (default:
    its last two versions)."""
    start, end = _resolve(_versions(con, list_name), list_name, start, end)
    old, new = states(con, list_name, start), states(con, list_name, end)
    for version, contents in ((start, old), (end, new)):
        if not contents:
            raise InputError(
                f"version {version} of {list_name} was loaded before dualtrace recorded what each version"
                " contains; load its file again to compare it"
            )
    raw: dict[str, EntityChange] = {}
    for eid in sorted(set(old) | set(new)):
        before, after = old.get(eid), new.get(eid)
        if before is None and after is not None:
            raw[eid] = EntityChange(eid, after.schema, after.caption, "added")
        elif after is None and before is not None:
            raw[eid] = EntityChange(eid, before.schema, before.caption, "removed")
        elif before is not None and after is not None:
            props = _property_changes(before, after)
            if props:
                raw[eid] = EntityChange(eid, after.schema, after.caption, "changed", props)
    owners = _owners(old, new)
    out: dict[str, EntityChange] = {}
    for eid, change in raw.items():
        state = new.get(eid) or old[eid]
        parties = owners.get(eid, set()) if not state.target else set()
        if not parties:
            if change.change == "changed":
                change.kinds = {_kind(state.schema, p) for p in change.properties}
            out[eid] = change
            continue
        # A party's record: a change of each party present in both versions.
        for party in parties:
            if party not in old or party not in new:
                continue  # the party itself was added or removed
            target = out.get(party) or raw.get(party)
            if target is None:
                target = EntityChange(party, new[party].schema, new[party].caption, "changed")
            out[party] = target
            before, after = old.get(eid), new.get(eid)
            empty = State(eid, state.schema, None, False, {})
            props = _property_changes(before or empty, after or empty, prefix=f"{state.schema}.")
            props.pop(f"{state.schema}.schema", None)
            target.properties.update(props)
            target.kinds |= _record_kinds(state.schema, props)
    for change in out.values():
        if change.change == "changed":
            change.kinds |= {_kind(change.schema, p) for p in change.properties if "." not in p}
    order = {"added": 0, "removed": 1, "changed": 2}
    changes = sorted(out.values(), key=lambda c: (order[c.change], c.caption or "", c.entity_id))
    return ListDiff(list_name, start, end, changes)
