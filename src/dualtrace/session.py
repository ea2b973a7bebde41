"""The Python API lives in dualtrace.api (one module per capability); this name stays for the
code and users that import it from here."""

from __future__ import annotations

from dualtrace.api import Dualtrace, PathLike

__all__ = ["Dualtrace", "PathLike"]
