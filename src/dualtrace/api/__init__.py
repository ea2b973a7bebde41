"""The Python API, one module per capability; the faces' and the CLI's names are the same.

import dualtrace
dt = dualtrace.open("w.duckdb")
dt.ingest_trade(["comext.csv"])
dt.sql("SELECT partner, sum(value) FROM trade_flows GROUP BY 1")

A new capability is a mixin of its own module here, added to Dualtrace's bases.
"""

from __future__ import annotations

from dualtrace.api.analytics import AnalyticsMixin
from dualtrace.api.base import PathLike, SessionBase
from dualtrace.api.cases import CasesMixin
from dualtrace.api.claims import ClaimsMixin
from dualtrace.api.export import ExportMixin
from dualtrace.api.goods import GoodsMixin
from dualtrace.api.ingest import IngestMixin
from dualtrace.api.lists import ListsMixin
from dualtrace.api.network import NetworkMixin
from dualtrace.api.query import QueryMixin
from dualtrace.api.report import ReportMixin
from dualtrace.api.screening import ScreeningMixin


class Dualtrace(
    IngestMixin,
    ListsMixin,
    ScreeningMixin,
    NetworkMixin,
    QueryMixin,
    GoodsMixin,
    AnalyticsMixin,
    ReportMixin,
    CasesMixin,
    ClaimsMixin,
    ExportMixin,
    SessionBase,
):
    """A warehouse opened for work."""


__all__ = ["Dualtrace", "PathLike", "SessionBase"]
