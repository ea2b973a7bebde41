"""Kill -9 a step at moments inside its measured duration (shared by the kill tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import dualtrace

State = TypeVar("State")
FRACTIONS = (0.5, 0.25, 0.1)


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    """Run a Python ``script`` with ``args`` in a child process on this checkout's dualtrace."""
    env = {**os.environ, "PYTHONPATH": str(Path(dualtrace.__file__).parents[1])}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def kill_during(
    start: Callable[[], subprocess.Popen[str]],
    span: float,
    state: Callable[[], State],
    before: State,
) -> tuple[int, State | None]:
    """Start the step and SIGKILL it at each fraction of ``span`` (seconds after it prints
    "open") until a kill lands after its commit. Returns how many kills found the warehouse as
    ``before``, and the state a committed step left (None when every kill landed before)."""
    landed = 0
    for fraction in FRACTIONS:
        victim = start()
        assert victim.stdout is not None and victim.stdout.readline().strip() == "open"
        time.sleep(span * fraction)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        after = state()
        if after != before:
            return landed, after
        landed += 1
    return landed, None
