"""What was written: the files, the malformed rows as written, the group's ownership and the
vocabularies of the declarations files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualtrace.demo.scenario import declarations as decl
from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists import ListsResult
from dualtrace.demo.scenario.model import GeneratedFile, Line
from dualtrace.demo.scenario.truth.lines import FILE_OF, valid


def malformed_rows(lines: Sequence[Line], raw_lines: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The invalid lines in file order, each quoted as written."""
    malformed = []
    for ln in sorted(lines, key=lambda ln: (ln.file, ln.physical_line)):
        if not valid(ln):
            file = FILE_OF[ln.file]
            malformed.append(
                {
                    "file": file,
                    "line": ln.physical_line,
                    "declaration_no": ln.declaration_no,
                    "line_no": ln.line_no,
                    "kind": ln.notes["malformed"],
                    "reason": ln.notes["malformed_reason"],
                    "raw": raw_lines[file][ln.physical_line - 1],
                }
            )
    return malformed


def file_facts(files: dict[str, GeneratedFile]) -> dict[str, Any]:
    return {
        k: {
            "layout": f.layout,
            "rows": f.rows,
            "encoding": f.encoding,
            "delimiter": f.delimiter,
            "sha256": f.sha256,
            "description": f.description,
        }
        for k, f in sorted(files.items())
    }


def ownership(cast: Cast, lists_result: ListsResult) -> dict[str, Any]:
    """The group's links with their effective share and status, the private owner, the CSV rows."""
    effective = _effective_shares(cast)
    return {
        "group": [
            {
                "parent": link.parent,
                "child": link.child,
                "share": link.share,
                "start_date": link.start.isoformat(),
                "end_date": link.end.isoformat() if link.end else None,
                "effective_share_from_group_parent": effective[link.child],
                "status": _status(cast, link.child),
            }
            for link in cast.group_links
        ],
        "private_owner": lists_result.person_owner,
        "ownership_csv_rows": lists_result.ownership,
    }


def vocabularies() -> dict[str, Any]:
    """What each declaration file writes for countries, transport, currency and units."""
    return {
        "countries": {
            decl.RU_FILE: dict(
                sorted(
                    {
                        **{v: k for k, v in decl.RU_COUNTRY.items()},
                        **{k: k for k in decl.RU_COUNTRY},
                    }.items()
                )
            ),
            decl.CN_FILE: {v: k for k, v in decl.CN_COUNTRY.items()},
        },
        "transport": {
            decl.RU_FILE: {v: k for k, v in decl.RU_TRANSPORT.items()},
            decl.CN_FILE: {v: k for k, v in decl.CN_TRANSPORT.items()},
        },
        "currency": {
            decl.RU_FILE: {"USD": "USD", "CNY": "CNY", "EUR": "EUR"},
            decl.CN_FILE: {v: k for k, v in decl.CN_CURRENCY.items()},
        },
        "units": {decl.RU_FILE: decl.RU_UNITS, decl.CN_FILE: decl.CN_UNITS},
        "fx_per_usd_used_for_invoice_values": {
            c: {str(y): r for y, r in v.items()} for c, v in decl.FX_PER_USD.items()
        },
    }


def _effective_shares(cast: Cast) -> dict[str, float]:
    parent_of = {link.child: link for link in cast.group_links}
    out = {}
    for child in parent_of:
        share, node = 1.0, child
        while node in parent_of:
            share *= parent_of[node].share / 100
            node = parent_of[node].parent
        out[child] = round(share * 100, 2)
    return out


def _status(cast: Cast, key: str) -> str:
    if key in cast.group_former:
        return "former (stake ended)"
    if key in cast.group_minority:
        return "minority stake (< 50 %)"
    return "controlled"
