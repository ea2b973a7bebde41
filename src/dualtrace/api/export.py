"""The warehouse's analytics tables written out for another engine."""

from __future__ import annotations

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.reference.install import ensure_installed
from dualtrace.warehouse import parquet


class ExportMixin(SessionBase):
    def export_parquet(self, folder: PathLike) -> dict[str, int]:
        """Write the tables `analyze` reads (trade flows, shipments, reference) to
        ``folder/<table>.parquet`` for Spark; returns the rows written per table."""
        ensure_installed(self.con)  # the reference tables the analytics join are part of the export
        return parquet.export(self.con, folder)
