"""Findings shared by every engine: the model and its store."""

from dualtrace.findings.model import (
    SEVERITIES,
    Evidence,
    Finding,
    RowRef,
    ScorePart,
    capped,
    explain,
    rank_key,
    severity_from_score,
)
from dualtrace.findings.store import latest, record_run

__all__ = [
    "SEVERITIES",
    "Evidence",
    "Finding",
    "RowRef",
    "ScorePart",
    "capped",
    "explain",
    "latest",
    "rank_key",
    "record_run",
    "severity_from_score",
]
