"""What `claims check` accepts: sentences, a .txt file (one sentence a line), a YAML file of
sentences and claim records; each becomes a Claim."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dualtrace.claims.model import Claim
from dualtrace.claims.parser import parse_sentence
from dualtrace.claims.records import claim_from_dict, claims_from_yaml
from dualtrace.claims.vocab import Vocab
from dualtrace.errors import InputError

FILE_SUFFIXES = (".yaml", ".yml", ".txt")


def _entry(raw: Any, where: str, vocab: Vocab) -> Claim:
    if isinstance(raw, str):
        return parse_sentence(raw.strip(), vocab)
    if isinstance(raw, dict) and set(raw) <= {"text", "expect"} and "text" in raw:
        return parse_sentence(str(raw["text"]).strip(), vocab)  # a sentence with its expected verdict
    return claim_from_dict(raw, where)


def from_file(path: Path, vocab: Vocab) -> list[Claim]:
    if not path.exists():
        raise InputError(f"claims file not found: {path}")
    if path.suffix == ".txt":
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        return [
            parse_sentence(line.strip(), vocab) for line in lines if line.strip() and not line.startswith("#")
        ]
    return [_entry(raw, f"{path.name}: claim {i + 1}", vocab) for i, raw in enumerate(claims_from_yaml(path))]


def claims_from(items: Iterable[str | Path | dict[str, Any] | Claim], vocab: Vocab) -> list[Claim]:
    """Claims from sentences, files (.yaml/.yml/.txt), records or claims, in order."""
    found: list[Claim] = []
    for item in items:
        if isinstance(item, Claim):
            found.append(item)
        elif isinstance(item, dict):
            found.append(_entry(item, "claim record", vocab))
        elif isinstance(item, Path) or str(item).endswith(FILE_SUFFIXES):
            found += from_file(Path(item), vocab)
        else:
            found.append(parse_sentence(str(item), vocab))
    return found
