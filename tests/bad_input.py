"""The project's rule for bad input, as a test helper: a file that cannot be read is refused with
one line that says what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def one_line_error(folder: Path, text: str, error: type[Exception], read: Callable[[Path], Any]) -> str:
    """Write ``text`` to ``folder/bad.yaml``, check that ``read`` refuses it with ``error`` in one
    line, and return that line for the caller's own checks."""
    path = folder / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as raised:
        read(path)
    message = str(raised.value)
    assert "\n" not in message, message
    return message
