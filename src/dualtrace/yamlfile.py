"""YAML files users write (mappings, watch categories, analytics settings), read with errors
that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dualtrace.errors import DualtraceError


def parse(text: str, label: str, error: type[DualtraceError]) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise error(f"{label}:{where} is not valid YAML ({getattr(exc, 'problem', exc)})") from None


def read(path: Path, what: str, error: type[DualtraceError]) -> Any:
    """The parsed content of a YAML file; `what` names it in errors ("mapping file")."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} {path}: {exc}") from None
    return parse(text, path.name, error)
